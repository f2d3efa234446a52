// Building elements: text from the field (names, messages, captions) goes in as text
// nodes, never parsed as HTML.

/** An element with attributes (or properties, for non-string values and `dataset`)
 * and children; null children are left out. */
export function element(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === "dataset") Object.assign(node.dataset, value);
    else if (name in node && typeof value !== "string") node[name] = value;
    else node.setAttribute(name, value);
  }
  node.append(...children.filter((child) => child != null));
  return node;
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** A form's fields as an object of trimmed strings (checkboxes as booleans). */
export function values(form) {
  const found = {};
  for (const field of form.elements) {
    if (!field.name) continue;
    found[field.name] = field.type === "checkbox" ? field.checked : field.type === "file" ? field.files[0] ?? null : field.value.trim();
  }
  return found;
}

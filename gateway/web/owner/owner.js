// The owner's page: their premises' open hazards, what to fix and by when, the
// inspector's photo, and a self-check with photos (made smaller on the phone).

import { Api, Refused, shrink, takeToken } from "/web/shared/api.js";
import { fill, h, when } from "/web/shared/dom.js";
import { WORDS } from "/web/owner/words.js";

const REFRESH_MS = 15000;
const page = {
  lang: localStorage.getItem("brigade.owner.lang") || "zh",
  state: null,
  // Per hazard: the form's photos (shrunk blobs) and its command id, kept for retries.
  drafts: new Map(),
};
const token = takeToken(localStorage, "brigade.owner.token");
const api = new Api(token);
const $ = (id) => document.getElementById(id);

function t(key, ...args) {
  const word = WORDS[page.lang][key] ?? WORDS.en[key] ?? key;
  return typeof word === "function" ? word(...args) : word;
}

function say(text, ok = false) {
  const box = $("message");
  box.hidden = !text;
  box.textContent = text || "";
  box.classList.toggle("ok", ok);
}

function labels() {
  document.documentElement.lang = page.lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  $("language").textContent = t("language");
}

async function load() {
  try {
    page.state = await api.get("/owner/state");
    $("state").dataset.state = "online";
    $("state").textContent = t("online");
  } catch (error) {
    const refused = error instanceof Refused;
    $("state").dataset.state = refused ? "error" : "offline";
    $("state").textContent = refused ? "" : t("offline");
    if (refused) say(error.status === 401 ? `${t("signed_out")} (${error.message})` : error.message);
    return;
  }
  render();
}

function render() {
  labels();
  const state = page.state;
  if (!state) return;
  $("premises-name").textContent = state.premises.name || "";
  $("premises-address").textContent = state.premises.address || "";
  const cards = state.hazards.map(card);
  fill($("hazard-list"), cards.length ? cards : h("p", { class: "done" }, t("none")),
    state.closed ? h("p", { class: "muted" }, t("closed", state.closed)) : null);
  fill($("reminder-list"), state.reminders.map((r) =>
    h("li", { dataset: { reason: r.reason } }, `${when(r.queued_at, page.lang)} · ${t(`reason_${r.reason}`)}`)));
}

function badge(hazard) {
  if (hazard.escalation === "escalated") return h("span", { class: "badge bad" }, t("escalated"));
  if (hazard.overdue) return h("span", { class: "badge bad" }, t("overdue"));
  if (hazard.escalation === "due_soon") return h("span", { class: "badge warn" }, t("due_soon"));
  return null;
}

function card(hazard) {
  const days = hazard.deadline ? (new Date(hazard.deadline) - Date.now()) / 86400000 : null;
  const photo = hazard.photo ? h("img", { class: "photo-of-inspector", alt: t("inspector_photo") }) : null;
  if (photo) {
    api.image(hazard.photo).then((url) => { if (url) photo.src = url; });
  }
  return h("article", { class: "hazard", dataset: { hazard: hazard.id, state: hazard.state, escalation: hazard.escalation || "" } },
    h("h3", {}, hazard.kind, " ", badge(hazard)),
    hazard.note ? h("p", {}, h("strong", {}, `${t("fix")}：`), hazard.note) : null,
    h("p", {}, `${t("severity")}：${hazard.severity} / 5`),
    h("p", { class: "deadline" }, hazard.deadline
      ? `${t("deadline")}：${when(hazard.deadline, page.lang)}${days !== null && days >= 0 ? ` · ${t("left", days)}` : ""}`
      : t("no_deadline")),
    photo ? h("figure", {}, photo, h("figcaption", { class: "muted" }, t("inspector_photo"))) : null,
    next(hazard));
}

function next(hazard) {
  switch (hazard.state) {
    case "ordered": return selfCheckForm(hazard);
    case "self_checked": return h("p", { class: "done" }, t("awaiting"));
    case "rectified": return h("p", { class: "done" }, t("rectified"));
    case "verified": return h("p", { class: "done" }, t("verified"));
    case "reinspection_failed": return h("p", { class: "badge bad" }, t("failed"));
    default: return h("p", { class: "muted" }, t("found"));
  }
}

function draft(hazard) {
  if (!page.drafts.has(hazard.id)) {
    page.drafts.set(hazard.id, { photos: [], note: "", evidence: "", id: null });
  }
  return page.drafts.get(hazard.id);
}

function selfCheckForm(hazard) {
  const mine = draft(hazard);
  const previews = h("div", { class: "previews" });
  const showPreviews = () => fill(previews, mine.photos.map((blob) => h("img", { src: URL.createObjectURL(blob), alt: "" })));
  showPreviews();
  const note = h("textarea", { name: "note", placeholder: t("note"), oninput: () => { mine.note = note.value; } });
  const evidence = h("textarea", { name: "evidence", placeholder: t("evidence"),
    oninput: () => { mine.evidence = evidence.value; } });
  note.value = mine.note;
  evidence.value = mine.evidence;
  const input = h("input", { type: "file", accept: "image/*", capture: "environment", multiple: true, name: "photos" });
  input.addEventListener("change", async () => {
    for (const file of input.files) {
      if (mine.photos.length >= 6) break;
      mine.photos.push(await shrink(file));
    }
    mine.id = null; // another self-check than the one perhaps already tried
    showPreviews();
  });
  const submit = h("button", { type: "submit", class: "primary" }, t("submit"));
  const form = h("form", { class: "self-check" },
    h("label", {}, t("note"), note), h("label", {}, t("evidence"), evidence),
    h("label", { class: "photo" }, t("add_photos"), input), previews, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    submit.textContent = t("sending");
    try {
      const photos = [];
      for (const blob of mine.photos) photos.push(await api.upload(blob));
      mine.id ??= crypto.randomUUID(); // made once: a retry is the same self-check
      await api.command("SubmitSelfCheck", {
        premises_id: page.state.premises_id, hazard_id: hazard.id,
        note: mine.note, evidence: mine.evidence, photos,
      }, mine.id);
      page.drafts.delete(hazard.id);
      say(t("sent"), true);
      await load();
    } catch (error) {
      say(`${t("refused")}${error.message}`);
      submit.disabled = false;
      submit.textContent = t("submit");
    }
  });
  return form;
}

$("language").addEventListener("click", () => {
  page.lang = page.lang === "zh" ? "en" : "zh";
  localStorage.setItem("brigade.owner.lang", page.lang);
  render();
});

labels();
if (!token) {
  say(t("no_token"));
} else {
  $("state").textContent = t("loading");
  load();
  setInterval(() => { if (!document.querySelector("form.self-check textarea:focus")) load(); }, REFRESH_MS);
}

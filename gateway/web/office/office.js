// The programme office: the roster and its records, the lists the office works
// from, the course catalogue and the points record. Reads /office/summary; every
// change is one of the domain's commands (forms.js).

import { Api, claims, takeToken } from "/web/shared/api.js";
import { fill, h, when } from "/web/shared/dom.js";
import { refusal as inWords } from "/web/js/refusals.js";
import { wire } from "/web/office/forms.js";
import { DOMAINS, GRADES, WORDS } from "/web/office/words.js";

const KEY = "brigade.office.token";
const REFRESH_MS = 5000;
export const office = {
  lang: localStorage.getItem("brigade.office.lang") || "zh",
  api: null,
  data: null,
  selected: null,
};
const $ = (selector) => document.querySelector(selector);

export function t(key, ...args) {
  const word = WORDS[office.lang][key] ?? WORDS.en[key] ?? key;
  return typeof word === "function" ? word(...args) : word;
}

export function say(text, ok = false) {
  const box = $("#message");
  box.hidden = !text;
  box.textContent = text || "";
  box.classList.toggle("ok", ok);
}

/** A refusal in words: the code as the office says it, then the domain's message;
 * a code the office has no words for, in the command centre's (/web/js/refusals.js). */
export function refusal(error) {
  const named = WORDS[office.lang][`code_${error.code}`];
  return `${t("refused")}${named ? `${named}: ${error.message}` : inWords(error, office.lang)}`;
}

function labels() {
  document.documentElement.lang = office.lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
  $("#language").textContent = t("language");
}

export async function refresh() {
  try {
    office.data = await office.api.get("/office/summary");
    $("#state").textContent = t("connected");
  } catch (error) {
    $("#state").textContent = error.code === "unauthenticated" || error.status === 403 ? refusal(error) : t("offline");
    if (error.status === 401) signOut();
    return;
  }
  render();
}

function vettingWord(state) {
  return t(state === "pending" ? "pending_state" : state);
}

function render() {
  labels();
  const data = office.data;
  if (!data) return;
  const points = new Map(data.points.map((row) => [row.id, row.points]));
  if (!office.selected || !data.roster.some((r) => r.id === office.selected)) office.selected = data.roster[0]?.id ?? null;
  fill($("#roster tbody"), data.roster.map((row) => h("tr", {
    dataset: { volunteer: row.id, dispatchable: String(row.dispatchable) },
    "data-selected": row.id === office.selected,
    onclick: () => { office.selected = row.id; render(); },
  },
  h("td", {}, row.name), h("td", {}, vettingWord(row.vetting)), h("td", {}, t(row.grade)),
  h("td", {}, row.qualified_domains.map((d) => t(d)).join("、") || "—"),
  h("td", {}, row.insured_until ? when(row.insured_until, office.lang) : t("no_policy")),
  h("td", { class: row.dispatchable ? "yes dispatch" : "no dispatch" }, row.dispatchable ? t("yes") : row.not_dispatchable_because),
  h("td", {}, String(points.get(row.id) ?? 0)))));

  const choose = $("#volunteer");
  fill(choose, data.roster.map((row) => h("option", { value: row.id, selected: row.id === office.selected }, row.name)));
  const offered = data.courses.filter((c) => !c.retired);
  const course = $("#course-form select[name=course]");
  const chosenCourse = course.value;
  fill(course, offered.map((c) => h("option", { value: c.code, selected: c.code === chosenCourse }, `${c.title} (${c.code})`)));
  const grade = $("#grade-form select[name=grade]");
  const chosenGrade = grade.value;
  fill(grade, GRADES.map((g) => h("option", { value: g, selected: g === chosenGrade }, t(g))));
  const domain = $("#define-form select[name=domain]");
  const chosenDomain = domain.value;
  fill(domain, h("option", { value: "" }, t("none_domain")),
    DOMAINS.map((d) => h("option", { value: d, selected: d === chosenDomain }, t(d))));
  if (!$("#domains input")) {
    $("#domains").append(...DOMAINS.map((d) => h("label", {}, h("input", { type: "checkbox", name: "domains", value: d }), " ", h("span", { dataset: { i18n: d } }, t(d)))));
  }

  fill($("#expiring ul"), data.insurance_expiring.map((r) =>
    h("li", { dataset: { volunteer: r.id } }, `${r.name}: ${r.until ? `${when(r.until, office.lang)} (${t("days_left", r.days_left)})` : t("no_policy")}`)));
  fill($("#promotion ul"), data.promotion.map((r) => h("li", { dataset: { volunteer: r.id } }, `${r.name} (${t(r.grade)}): ${r.why}`)));
  fill($("#pending ul"), data.pending_vetting.map((r) => h("li", { dataset: { volunteer: r.id } }, r.name)));
  fill($("#gaps tbody"), data.training_gaps.map((g) => h("tr", { dataset: { domain: g.domain } },
    h("td", {}, t(g.domain)), h("td", {}, g.courses.join(", ") || "—"), h("td", {}, String(g.qualified)),
    h("td", {}, g.missing.map((m) => m.name).join("、") || "—"))));
  fill($("#catalogue tbody"), data.courses.map((c) => h("tr", { dataset: { course: c.code }, class: c.retired ? "retired" : null },
    h("td", {}, c.code), h("td", {}, c.title), h("td", {}, t(c.required ? "required" : "elective")),
    h("td", {}, c.domain ? t(c.domain) : "—"),
    h("td", {}, c.retired ? t("retired") : h("button", { type: "button", class: "retire", dataset: { course: c.code } }, t("retire"))))));
  fill($("#points tbody"), data.points.map((p) => h("tr", { dataset: { volunteer: p.id }, title: p.explained },
    h("td", {}, p.name), h("td", {}, String(p.skills)), h("td", {}, String(p.hours)),
    h("td", {}, String(p.satisfaction)), h("td", {}, String(p.points)))));
  fill($("#owners tbody"), (data.premises || []).map((p) => h("tr", { dataset: { premises: p.id } },
    h("td", {}, p.name || ""), h("td", {}, p.address || ""), h("td", {}, String(p.open)),
    h("td", { class: p.overdue ? "no" : null }, String(p.overdue)),
    h("td", {}, h("button", { type: "button", class: "owner-link", dataset: { premises: p.id, name: p.name || "" } }, t("make_link"))))));
  fill($("#reminders ul"), data.reminders.map((r) => h("li", { dataset: { reminder: r.id } },
    `${when(r.queued_at, office.lang)} · ${r.premises || ""} · ${r.kind || ""} · ${t(r.reason)} · ${t(r.status)}`)));
}

function signOut() {
  sessionStorage.removeItem(KEY);
  office.api = null;
  $("#office").hidden = true;
  $("#login").hidden = false;
}

function signIn(token) {
  sessionStorage.setItem(KEY, token);
  office.api = new Api(token);
  const who = claims(token);
  $("#who").textContent = `${who.name || who.subject} · ${who.role}`;
  $("#login").hidden = true;
  $("#office").hidden = false;
  refresh();
}

$("#language").addEventListener("click", () => {
  office.lang = office.lang === "zh" ? "en" : "zh";
  localStorage.setItem("brigade.office.lang", office.lang);
  labels();
  render();
});
$("#signout").addEventListener("click", signOut);
$("#login").addEventListener("submit", (event) => {
  event.preventDefault();
  signIn($("#login-token").value.trim());
});
$("#volunteer").addEventListener("change", (event) => { office.selected = event.target.value; render(); });

labels();
wire();
const token = takeToken(sessionStorage, KEY);
if (token) signIn(token);
else signOut();
setInterval(() => { if (office.api && !document.activeElement?.closest("form")) refresh(); }, REFRESH_MS);

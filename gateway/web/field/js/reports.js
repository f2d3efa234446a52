// My reports: what became of the incidents I reported (an SOS above all), pushed on
// /ws/me as `report:<id>` rows: whether anyone is sent, who, on the way with an
// ETA or not coming, arrived; the command centre's messages, and mine back.
// Help being sent is announced once (a toast and a vibration), not again on reload.

import { $, element } from "./dom.js";
import { t, term } from "./i18n.js";
import { messageItems } from "./job.js";

const SEEN = "brigade.field.reports.helped"; // reports whose help was announced
let ready = false;

function setup(app) {
  ready = true;
  $("#reports").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const text = form.elements.text.value.trim();
    if (!text) return;
    await app.act("PostMessage", { incident_id: form.dataset.incident, text });
    form.reset();
  });
}

export function showReports(app, entries) {
  if (!ready) setup(app);
  const rows = app.channel.reports();
  $("#my-reports").hidden = rows.length === 0;
  announce(app, rows);
  // A message being typed survives a redraw: the list is rebuilt only when it changed.
  const shape = JSON.stringify([rows, waitingFor(entries)]);
  const list = $("#reports");
  if (list.dataset.shape === shape) return;
  list.dataset.shape = shape;
  const typing = document.activeElement?.closest?.("#reports form")?.dataset.incident;
  const typed = typing ? document.activeElement.value : "";
  list.replaceChildren(...rows.map((row) => card(row, entries)));
  if (typing) {
    const input = list.querySelector(`form[data-incident="${typing}"] input`);
    if (input) {
      input.value = typed;
      input.focus();
    }
  }
}

function card(row, entries) {
  const status = row.incident_status;
  // My SOS is "SOS", not a kind and a severity; its description says nothing more.
  const head = row.sos ? [t("sos_kind"), t(`report_${status}`)] : [term(row.kind), t("severity", { n: row.severity }), t(`report_${status}`)];
  if (status === "resolved" && row.outcome) head.push(row.outcome);
  const sent = (row.sent ?? []).map((mate) => element("li", { dataset: { state: mate.state, answer: mate.answer ?? "" } }, person(mate)));
  const messages = messageItems((row.messages ?? []).slice(-5), entries, row.incident_id);
  return element(
    "li",
    { class: "card report", dataset: { incident: row.incident_id, status, sos: String(Boolean(row.sos)) } },
    element("strong", { class: "report-status" }, head.join(" · ")),
    row.sos ? null : element("p", { class: "muted" }, row.description || ""),
    element("ul", { class: "list sent" }, ...(sent.length ? sent : [element("li", { class: "muted" }, t("nobody_sent"))])),
    element("ul", { class: "list messages" }, ...messages),
    status === "resolved"
      ? null
      : element(
          "form",
          { class: "inline", dataset: { incident: row.incident_id } },
          element("input", { name: "text", required: true, placeholder: t("message"), "aria-label": t("message") }),
          element("button", { type: "submit", class: "big" }, t("send")),
        ),
  );
}

function person(mate) {
  if (mate.state === "on_scene") return `${mate.name} · ${t("arrived_there")}`;
  if (mate.answer === "coming") return `${mate.name} · ${t("coming_eta", { n: mate.eta_minutes })}`;
  if (mate.answer === "not_coming") return `${mate.name} · ${t("not_coming")}`;
  return `${mate.name} · ${t("sent_no_answer")}`;
}

function announce(app, rows) {
  const seen = new Set(JSON.parse(localStorage.getItem(SEEN) || "[]"));
  const helped = rows.filter((row) => (row.sent ?? []).length > 0 && !seen.has(row.incident_id));
  if (!helped.length) return;
  for (const row of helped) seen.add(row.incident_id);
  localStorage.setItem(SEEN, JSON.stringify([...seen].slice(-20)));
  app.toast(t("help_coming"));
  navigator.vibrate?.([200, 100, 200]);
}

function waitingFor(entries) {
  return entries.filter((e) => e.command === "PostMessage" && e.state === "waiting").map((e) => e.id);
}

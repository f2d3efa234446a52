// Reporting where I stand, and the daily work: premises nearby (those with hazards
// on the ledger, and those registered from this phone), an inspection's checklist,
// a hazard with a photo, a re-inspection, a service activity.

import { token } from "./auth.js";
import { $, element, values } from "./dom.js";
import { metres } from "./geo.js";
import { distance, t, term } from "./i18n.js";
import { commandId } from "./outbox.js";
import { shrink } from "./photo.js";

const KINDS = ["flood", "fire", "trapped_persons", "water_rescue", "road_blocked", "medical", "hornet_nest", "other"];
const ACTIVITIES = ["patrol", "publicity", "drill", "facility_maintenance", "hornet_nest", "vulnerable_registration"];
const CHECKLIST = ["exits_clear", "extinguishers_ok", "alarms_work", "wiring_safe", "no_corridor_storage"];
const MINE = "brigade.field.premises"; // premises registered from this phone
const LEDGER = "brigade.field.hazards"; // the hazard ledger as last seen
const NEARBY = 5000; // metres

let chosen = null; // premises id being worked on
let fetched = 0;

const options = (select, list) => select.replaceChildren(...list.map((value) => element("option", { value, "data-term": value }, term(value))));
const uuid = (text) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);

export function setupWork(app) {
  for (const select of document.querySelectorAll("select.kinds")) options(select, KINDS);
  for (const select of document.querySelectorAll("select.activity-kinds")) options(select, ACTIVITIES);
  $("#checklist").replaceChildren(
    ...CHECKLIST.map((item) =>
      element("label", {}, element("input", { type: "checkbox", name: `check:${item}` }), element("span", { "data-term": item }, term(item))),
    ),
  );
  const here = () => app.position.here;
  const needHere = () => {
    if (!here()) app.toast(t("need_fix"));
    return here();
  };
  on("#report", async (form) => {
    const at = needHere();
    if (!at) return false;
    const incident_id = commandId();
    const photo = form.photo ? await shrink(form.photo) : null; // before: the two go together
    await app.act("ReportIncident", {
      incident_id, operation_id: app.operation(), kind: form.kind, severity: Number(form.severity),
      lat: at.lat, lon: at.lon, address: form.address, description: form.description,
    });
    if (photo) {
      const body = { incident_id, caption: form.caption, lat: at.lat, lon: at.lon };
      await app.act("RecordImage", body, { photo, photoAs: "image" });
    }
  });
  setupSos(app);
  on("#register-premises", async (form) => {
    const at = needHere();
    if (!at) return false;
    const premises = { premises_id: commandId(), name: form.name, address: form.address, lat: at.lat, lon: at.lon, category: form.category };
    await app.act("RegisterPremises", premises);
    const mine = JSON.parse(localStorage.getItem(MINE) || "[]");
    localStorage.setItem(MINE, JSON.stringify([...mine, premises].slice(-50)));
    chosen = premises.premises_id;
    app.refresh();
  });
  on("#inspect", async (form) => {
    const checklist = Object.fromEntries(CHECKLIST.map((item) => [item, Boolean(form[`check:${item}`])]));
    await app.act("InspectPremises", { premises_id: chosen, operation_id: app.operation(), checklist, note: form.note });
  });
  on("#hazard", async (form) => {
    const body = { premises_id: chosen, operation_id: app.operation(), hazard_id: commandId(), kind: form.kind, severity: Number(form.severity), note: form.note };
    const photo = form.photo ? await shrink(form.photo) : null;
    await app.act("RecordHazard", body, photo ? { photo, photoAs: "hazard" } : {});
  });
  on("#activity", async (form) => {
    const others = form.participants.split(/[\s,，]+/).filter(uuid);
    const body = { operation_id: app.operation(), kind: form.kind, participants: [app.volunteer(), ...others], hours: Number(form.hours), note: form.note };
    if (here()) Object.assign(body, { lat: here().lat, lon: here().lon });
    await app.act("LogServiceActivity", body);
  });
  $("#premises").addEventListener("click", (event) => {
    const item = event.target.closest("[data-premises]");
    if (!item) return;
    chosen = item.dataset.premises;
    app.refresh();
  });
  $("#premises-hazards").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-hazard]");
    if (!button) return;
    app.act("ReinspectHazard", { premises_id: chosen, hazard_id: button.dataset.hazard, passed: button.dataset.passed === "true" });
  });
}

// The SOS: one tap arms it for a few seconds, the second sends it (a pocket or a
// glove does not). An incident at the top severity where the phone is, kind
// `other` so that anyone free may be sent, through the outbox like any action:
// saved on the phone first, sent when there is a signal.
const ARMED_FOR = 5000; // ms
const SOS = "SOS: from a volunteer's phone / 来自志愿者手机的求救";

function setupSos(app) {
  // The first screen has one, and the Report screen: each armed on its own.
  for (const button of document.querySelectorAll("button.sos")) armable(app, button);
}

function armable(app, button) {
  // The label follows data-i18n, so a redraw while armed keeps saying so.
  const label = (key) => {
    button.dataset.i18n = key;
    button.textContent = t(key);
  };
  const disarm = () => {
    clearTimeout(button.timer);
    delete button.dataset.armed;
    label("sos");
  };
  button.addEventListener("click", async () => {
    if (button.dataset.armed !== "true") {
      button.dataset.armed = "true";
      label("sos_confirm");
      button.timer = setTimeout(disarm, ARMED_FOR);
      return;
    }
    disarm();
    const operation = app.operation();
    if (!operation) return app.toast(t("sos_no_operation"));
    const at = app.position.here;
    if (!at) return app.toast(t("sos_no_fix"));
    await app.act("ReportIncident", {
      incident_id: commandId(), operation_id: operation, kind: "other", severity: 5,
      lat: at.lat, lon: at.lon, address: "", description: SOS,
    });
    // Offline, act() has said it waits in the outbox; that stands.
    if (navigator.onLine && app.channel?.state === "online") app.toast(t("sos_sent"));
  });
}

/** Submit: `send(fields)`; the form is cleared unless it returns false. */
function on(selector, send) {
  const form = $(selector);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if ((await send(values(form))) !== false) form.reset();
  });
}

async function fetchLedger(app) {
  const operation = app.operation();
  if (!operation || Date.now() - fetched < 30_000) return;
  fetched = Date.now();
  try {
    const response = await fetch(`/views/hazards?operation_id=${operation}`, { headers: { Authorization: `Bearer ${token()}` } });
    if (!response.ok) return;
    localStorage.setItem(LEDGER, JSON.stringify(Object.values((await response.json()).rows)));
    app.refresh();
  } catch {
    // Offline: the ledger as last seen stands.
  }
}

export function showWork(app) {
  const at = app.position.here;
  $("#report-where").textContent = at ? t("here", { lat: at.lat.toFixed(5), lon: at.lon.toFixed(5) }) : t("need_fix");
  if (app.tab !== "daily") return;
  fetchLedger(app);
  const ledger = JSON.parse(localStorage.getItem(LEDGER) || "[]");
  const places = new Map();
  for (const row of ledger) places.set(row.premises_id, { id: row.premises_id, name: row.premises, address: row.address, lat: row.lat, lon: row.lon });
  for (const row of JSON.parse(localStorage.getItem(MINE) || "[]")) places.set(row.premises_id, { id: row.premises_id, ...row });
  const near = [...places.values()]
    .map((place) => ({ ...place, away: at ? metres(at, place) : null }))
    .filter((place) => place.away == null || place.away <= NEARBY)
    .sort((a, b) => (a.away ?? 0) - (b.away ?? 0))
    .slice(0, 12);
  $("#premises").replaceChildren(
    ...(near.length
      ? near.map((place) =>
          element("li", {}, element("button", { type: "button", class: "big", dataset: { premises: place.id } },
            place.name, " · ", place.address, place.away == null ? "" : ` · ${distance(place.away)}`)),
        )
      : [element("li", { class: "muted" }, t("no_premises"))]),
  );
  const place = places.get(chosen);
  $("#premises-work").hidden = !place;
  if (!place) return;
  $("#premises-name").textContent = `${place.name} · ${place.address}`;
  const hazards = ledger.filter((row) => row.premises_id === chosen && row.state !== "closed");
  $("#premises-hazards").replaceChildren(
    ...hazards.map((row) =>
      element("li", {}, `${row.kind} · ${term(row.state)} `,
        element("div", { class: "row" },
          element("button", { type: "button", class: "big", dataset: { hazard: row.id, passed: "true" } }, `${t("reinspect")}: ${t("passed")}`),
          element("button", { type: "button", class: "big", dataset: { hazard: row.id, passed: "false" } }, `${t("reinspect")}: ${t("failed")}`))),
    ),
  );
}

// My check-on round: pushed on /ws/me (a `round:<id>` row) when a commander starts
// a round naming me; the entries of its area, highest risk first, as the server
// lets me see them. At each door one of three: safe, evacuated (how many, to
// where), needs help (what is needed: the server reports an incident there). Each
// is a RecordCheck through the outbox, so it works with no network.

import { $, element, values } from "./dom.js";
import { t, term } from "./i18n.js";

let ready = false;
let open = null; // "<round>/<entry>/<evacuated|needs_help>": the form showing
let drawn = ""; // what the list was drawn from: redrawn only when that changes

/** The rounds I am on, newest first. */
export function rounds(app) {
  return Object.entries(app.channel?.rows ?? {})
    .filter(([key]) => key.startsWith("round:"))
    .map(([, row]) => row)
    .sort((a, b) => String(b.started_at).localeCompare(String(a.started_at)));
}

function setup(app) {
  ready = true;
  const list = $("#rounds");
  list.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-outcome]");
    if (!button) return;
    const { round, entry, outcome } = button.dataset;
    if (outcome === "safe") {
      check(app, round, entry, { outcome });
      return;
    }
    const which = `${round}/${entry}/${outcome}`;
    open = open === which ? null : which;
    app.refresh();
  });
  list.addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const { round, entry, outcome } = form.dataset;
    const fields = values(form);
    const body = outcome === "evacuated"
      ? { outcome, count: Number(fields.count), destination: fields.destination }
      : { outcome, note: fields.note };
    open = null;
    check(app, round, entry, body);
  });
}

function check(app, round, entry, body) {
  app.act("RecordCheck", { round_id: round, entry_id: entry, ...body });
}

/** What the outbox still holds for an entry (sent from here, not yet stored). */
function sent(entries, round, entry) {
  return entries.find(
    (item) => item.command === "RecordCheck" && item.state !== "done" && item.state !== "refused"
      && item.body.round_id === round && item.body.entry_id === entry,
  );
}

function outcome(found) {
  return t(`outcome_${found.outcome}`, found);
}

const KNOWN = "brigade.field.rounds"; // the rounds this phone has told of

/** A round new to this phone is told of once (a toast and a vibration). */
function tell(app, mine) {
  if (!app.channel?.rows.me) return; // nothing kept or sent yet
  const known = new Set(JSON.parse(localStorage.getItem(KNOWN) || "[]"));
  const fresh = mine.filter((row) => !known.has(row.round_id));
  if (!fresh.length) return;
  localStorage.setItem(KNOWN, JSON.stringify(mine.map((row) => row.round_id).slice(0, 50)));
  app.toast(`${t("round_new")}: ${fresh[0].area}`);
  navigator.vibrate?.(200);
}

export function showRound(app, entries) {
  if (!ready) setup(app);
  const mine = rounds(app);
  tell(app, mine);
  $("#round-tab").hidden = !mine.length;
  $("#round-dot").hidden = !mine.some((row) => row.left > 0);
  if (app.tab !== "round") return;
  $("#round-none").hidden = mine.length > 0;
  // Not on every position or tick: a half-typed destination would be lost.
  const pending = entries.filter((item) => item.command === "RecordCheck").map((item) => [item.id, item.state]);
  const from = JSON.stringify([mine, pending, open, document.documentElement.lang]);
  if (from === drawn) return;
  drawn = from;
  $("#rounds").replaceChildren(...mine.map((row) => showOne(row, entries)));
}

function showOne(row, entries) {
  return element(
    "section",
    { class: "round", dataset: { round: row.round_id } },
    element("h2", {}, t("round_area", { area: row.area }), " · ", t("round_left", { n: row.left })),
    element("ul", { class: "list" }, ...row.entries.map((entry) => showEntry(row.round_id, entry, entries))),
  );
}

function showEntry(round, entry, entries) {
  const waiting = sent(entries, round, entry.id);
  const done = entry.outcome ? outcome(entry) : waiting ? t("check_sent", { what: outcome(waiting.body) }) : null;
  const which = open?.startsWith(`${round}/${entry.id}/`) ? open.split("/")[2] : null;
  return element(
    "li",
    { class: "entry card", dataset: { entry: entry.id, outcome: entry.outcome ?? (waiting ? "sent" : "") } },
    element("h3", {}, entry.name, " ", element("span", { class: "risk", dataset: { risk: String(entry.risk) } }, t("risk", { n: entry.risk }))),
    element("p", { class: "address" }, entry.address),
    element("p", {}, term(entry.kind), " · ", t("people", { n: entry.people })),
    entry.needs ? element("p", {}, element("span", { class: "muted" }, `${t("needs")}: `), entry.needs) : null,
    entry.contact ? element("p", {}, element("span", { class: "muted" }, `${t("contact")}: `), entry.contact) : null,
    done ? element("p", { class: "checked" }, done) : actions(round, entry, which),
  );
}

function actions(round, entry, which) {
  const button = (outcome, extra = "") =>
    element("button", { type: "button", class: `big ${extra}`, dataset: { round, entry: entry.id, outcome } }, t(`check_${outcome}`));
  const form = which === "evacuated"
    ? element("form", { class: "card", dataset: { round, entry: entry.id, outcome: which } },
        element("label", {}, element("span", {}, t("count")),
          element("input", { name: "count", type: "number", min: "1", required: "", inputmode: "numeric", value: String(entry.people || 1) })),
        element("label", {}, element("span", {}, t("destination")), element("input", { name: "destination", required: "" })),
        element("button", { type: "submit", class: "big primary" }, t("send")))
    : which === "needs_help"
      ? element("form", { class: "card", dataset: { round, entry: entry.id, outcome: which } },
          element("label", {}, element("span", {}, t("help_note")), element("input", { name: "note" })),
          element("button", { type: "submit", class: "big primary" }, t("send")))
      : null;
  return element("div", { class: "checks" },
    element("div", { class: "row" }, button("safe", "good"), button("evacuated"), button("needs_help", "bad")),
    form);
}

// The panels beside the map: statistics that help now, the incident board in
// triage order, and the roster of who is on shift.

import { element } from "./dom.js";
import { duration, lang, place, since, t, term } from "./i18n.js";
import { glyph, SEVERITY, STATUS } from "./map.js";
import { availability, nearestQualified, triage, unassigned, waitingTooLong } from "./triage.js";
import { ended } from "./views.js";

// A row changed within the last field minute is marked: what just happened stands out.
const FRESH_MS = 60_000;
const STATUS_ORDER = { reported: 0, dispatched: 1, on_scene: 2, resolved: 3, closed: 4 };
// The service domains, in the order a typhoon calls on them.
const DOMAINS = ["water_rescue", "search_and_rescue", "first_aid", "road_clearance", "fire_support", "hornet_removal", "hazard_inspection"];

const tile = (label, value, tone = "", note = null) =>
  element("div", { class: `count ${tone}`, dataset: { stat: label } },
    element("strong", {}, String(value)), element("span", {}, t(label)),
    note ? element("small", {}, note) : null);

const time = (summary) => (summary?.median == null ? "–" : duration(summary.median));

/** Typhoon first: the backlog, people, response times and who is free per need;
 * the programme's counts (hazards, activities) in their own tab. */
export function renderStats(section, views, operationId, { now, limits }) {
  const stats = views.rows.stats.get(operationId) ?? {};
  const board = [...views.rows.board.values()];
  const open = board.filter((row) => !ended(row.status));
  const waiting = open.filter(unassigned);
  const late = waiting.filter((row) => waitingTooLong(row, now, limits)).length;
  const oldest = waiting.reduce((min, row) => Math.min(min, Date.parse(row.reported_at)), Infinity);
  const atRisk = open.reduce((sum, row) => sum + (row.people_at_risk ?? 0), 0);
  const free = availability(views.rows.roster, operationId);
  const needed = new Set(open.map((row) => row.needs).filter(Boolean));
  const domains = DOMAINS.filter((domain) => needed.has(domain) || free[domain]);
  const hazards = [...views.rows.hazards.values()].filter((row) => row.state !== "closed");
  // Drawn again only when a figure shown changed: the roster changes many times a
  // second (positions), what these tiles say far less often.
  const oldestText = Number.isFinite(oldest) ? since((now - oldest) / 1000) : "";
  const signature = JSON.stringify([lang(), stats, waiting.length, late, oldestText, open.length, atRisk,
    free, domains, hazards.length, hazards.filter((row) => row.overdue).length]);
  if (section.dataset.signature === signature) return late;
  section.dataset.signature = signature;
  section.querySelector(".counts.now").replaceChildren(
    tile("needs_decision", waiting.length, waiting.length ? "warn" : "good",
      oldestText ? t("oldest_waiting", { d: oldestText }) : null),
    tile("waiting_too_long", late, late ? "bad" : "good"),
    tile("open_incidents", open.length, open.length > 0 ? "warn" : ""),
    tile("people_at_risk", atRisk, atRisk ? "warn" : ""),
    tile("evacuated", stats.evacuated ?? 0, "good"),
    tile("rescued", stats.rescued ?? 0, "good"),
    element("div", { class: "count wide times", dataset: { stat: "report_to_dispatch" } },
      element("span", {}, t("report_to_dispatch")),
      element("strong", { dataset: { window: "hour" } }, time(stats.report_to_dispatch_1h_s)),
      element("span", {}, t("last_hour")),
      element("strong", { dataset: { window: "all" } }, time(stats.report_to_dispatch_s)),
      element("span", {}, t("whole_operation"))),
    element("div", { class: "count wide times", dataset: { stat: "dispatch_to_arrival" } },
      element("span", {}, t("dispatch_to_arrival")),
      element("strong", { dataset: { window: "hour" } }, time(stats.dispatch_to_arrival_1h_s)),
      element("span", {}, t("last_hour")),
      element("strong", { dataset: { window: "all" } }, time(stats.dispatch_to_arrival_s)),
      element("span", {}, t("whole_operation"))),
    element("div", { class: "count wide free", dataset: { stat: "available" } },
      element("span", {}, t("available_by_need")),
      element("ul", {}, ...domains.map((domain) =>
        element("li", { dataset: { domain }, class: free[domain] ? "" : "none" },
          element("strong", {}, String(free[domain] ?? 0)), ` ${term(domain)}`)))),
  );
  section.querySelector(".counts.programme").replaceChildren(
    tile("total_incidents", stats.incidents ?? board.length),
    tile("dispatches", stats.dispatches ?? 0),
    tile("refused_dispatches", stats.dispatches_refused ?? 0),
    tile("hazards_open", hazards.length),
    tile("hazards_overdue", hazards.filter((row) => row.overdue).length, "warn"),
    tile("activities", stats.activities ?? 0),
    tile("activity_hours", stats.activity_hours ?? 0),
    tile("hornet_nests", stats.hornet_nests ?? 0),
  );
  return late;
}

/** The statistics' two tabs: what matters in the storm, and the programme's. */
export function statsTabs(section) {
  const buttons = [...section.querySelectorAll("[data-tab]")];
  for (const button of buttons) {
    button.addEventListener("click", () => {
      for (const other of buttons) other.setAttribute("aria-selected", String(other === button));
      for (const panel of section.querySelectorAll(".counts")) {
        panel.hidden = !panel.classList.contains(button.dataset.tab);
      }
    });
  }
}

export class Board {
  constructor(section, onPick, limits) {
    this.section = section;
    this.onPick = onPick;
    this.limits = limits;
    this.sort = null; // null: triage order
    this.filter = { status: "", kind: "" }; // all: ended ones last in triage order
    this.rows = new Map(); // id -> { row, tr }
    for (const header of section.querySelectorAll("th[data-sort]")) {
      header.addEventListener("click", () => {
        const key = header.dataset.sort;
        if (key === "triage") this.sort = null;
        else this.sort = { key, descending: this.sort?.key === key ? !this.sort.descending : key !== "address" && key !== "kind" };
        this.render(this.views, this.live);
      });
    }
    for (const select of section.querySelectorAll("select[data-filter]")) {
      select.addEventListener("change", () => {
        this.filter[select.dataset.filter] = select.value;
        this.render(this.views, this.live);
      });
    }
  }

  value(row, key) {
    if (key === "reported_at") return Date.parse(row.reported_at);
    if (key === "status") return STATUS_ORDER[row.status] ?? 9;
    return row[key] ?? "";
  }

  shows(row) {
    const { status, kind } = this.filter;
    if (kind && row.kind !== kind) return false;
    if (status === "open") return !ended(row.status);
    if (status === "unassigned") return unassigned(row);
    if (status === "assigned") return !ended(row.status) && !unassigned(row);
    if (status === "ended") return ended(row.status);
    return true;
  }

  ordered(views) {
    const rows = [...views.rows.board.values()].filter((row) => this.shows(row));
    if (!this.sort) return triage(rows);
    const { key, descending } = this.sort;
    return rows.sort((a, b) => {
      const x = this.value(a, key);
      const y = this.value(b, key);
      const order = x < y ? -1 : x > y ? 1 : Date.parse(b.reported_at) - Date.parse(a.reported_at);
      return descending ? -order : order;
    });
  }

  render(views, live) {
    this.views = views;
    this.live = live;
    const rows = this.ordered(views);
    for (const header of this.section.querySelectorAll("th[data-sort]")) {
      const sorted = this.sort ? header.dataset.sort === this.sort.key : header.dataset.sort === "triage";
      header.setAttribute("aria-sort", sorted ? (this.sort?.descending === false ? "ascending" : "descending") : "none");
    }
    this.section.querySelector(".count").textContent = String(rows.length);
    const body = this.section.querySelector("tbody");
    const wanted = rows.map((row) => this.line(row));
    if (wanted.length !== body.children.length || wanted.some((tr, n) => body.children[n] !== tr)) {
      body.replaceChildren(...wanted);
    }
    const shown = new Set(rows.map((row) => row.id));
    for (const id of this.rows.keys()) if (!shown.has(id)) this.rows.delete(id);
    this.tick(views, live);
  }

  /** A row's line: rebuilt only when its row changed (a delta replaces the row). */
  line(row) {
    const kept = this.rows.get(row.id);
    if (kept?.row === row) return kept.tr;
    const people = [
      row.dispatched.length ? t("dispatched_n", { n: row.dispatched.length }) : null,
      row.on_scene.length ? t("on_scene_n", { n: row.on_scene.length }) : null,
      row.evacuated || row.rescued ? t("evac_rescued", { e: row.evacuated, r: row.rescued }) : null,
    ].filter(Boolean).join(" · ");
    const tr = element("tr", {
      class: ended(row.status) ? "ended" : "",
      dataset: { key: row.id, sos: String(Boolean(row.sos)), status: row.status, updated: row.last_update, reported: row.reported_at, severity: String(row.severity) },
    },
      element("td", { class: "age" }, "—"),
      element("td", { class: "kind" }, element("span", { class: "badge" }),
        row.sos ? element("strong", { class: "sos", title: t("sos_title") }, "SOS") : null,
        term(row.kind), element("small", { class: "ref" }, ` #${row.number ?? ""}`),
        element("span", { class: "addr" }, place(row.address) || `${row.lat.toFixed(4)}, ${row.lon.toFixed(4)}`)),
      element("td", { class: "sev" }, element("span", { class: "sev-chip" }, String(row.severity))),
      element("td", { class: "status" }, term(row.status), people ? element("span", { class: "people" }, people) : null),
      element("td", { class: "near" }, ""),
    );
    tr.querySelector(".badge").innerHTML = glyph(row.kind, 16);
    tr.querySelector(".badge").style.background = SEVERITY[row.severity] ?? SEVERITY[3];
    tr.querySelector(".sev-chip").style.background = SEVERITY[row.severity] ?? SEVERITY[3];
    tr.addEventListener("click", () => this.onPick(row.id));
    this.rows.set(row.id, { row, tr });
    return tr;
  }

  /** What moves with the clock and the roster: ages, the waiting alarm, the nearest. */
  tick(views, live) {
    if (!views) return;
    const now = views.now(live);
    // Text is set only where it changed: setting it anyway costs a layout.
    const put = (cell, text) => {
      if (cell.textContent !== text) cell.textContent = text;
    };
    for (const { row, tr } of this.rows.values()) {
      tr.classList.toggle("fresh", now - Date.parse(row.last_update) < FRESH_MS);
      tr.classList.toggle("waiting", waitingTooLong(row, now, this.limits));
      put(tr.querySelector(".age"), ended(row.status) ? "—" : since((now - Date.parse(row.reported_at)) / 1000));
      const near = tr.querySelector(".near");
      if (unassigned(row)) {
        const { km, count } = nearestQualified(row, views.rows.roster, row.operation_id);
        put(near, km != null ? t("km", { d: km.toFixed(1) }) : count ? t("free_unplaced", { n: count }) : t("nobody_free"));
        near.classList.toggle("none", count === 0);
      } else {
        put(near, "");
      }
    }
  }
}

const ROSTER_ORDER = { available: 0, dispatched: 1, on_scene: 2, off_duty: 3 };

const byName = new Intl.Collator();
const rosterItems = new Map(); // volunteer id -> { key, li }: kept while nothing shown changes

/** One volunteer's line, rebuilt only when what it shows changed (a position
 * report changes the row but nothing on this line). */
function rosterItem(row) {
  // Busy people's status says why they cannot be sent; the free ones' say what stops them.
  const onShift = row.status === "available";
  const why = onShift ? (row.dispatchable ? t("can_be_sent") : row.not_dispatchable_because ?? "") : "";
  const key = `${row.name}|${row.status}|${row.dispatchable}|${why}|${lang()}`;
  const kept = rosterItems.get(row.id);
  if (kept?.key === key) return kept.li;
  const dot = element("span", { class: "dot" });
  dot.style.background = STATUS[row.status] ?? STATUS.off_duty;
  const li = element("li", { tabindex: "0", dataset: { key: row.id, status: row.status, dispatchable: String(row.dispatchable) } },
    dot,
    element("span", { class: "name" }, row.name),
    element("span", { class: "status" }, term(row.status)),
    onShift ? element("span", { class: row.dispatchable ? "why ok" : "why" }, why) : null,
  );
  rosterItems.set(row.id, { key, li });
  return li;
}

/** Put these lines in a list, moving only what moved. */
function putLines(list, items) {
  if (items.length !== list.children.length || items.some((li, n) => list.children[n] !== li)) {
    list.replaceChildren(...items);
  }
}

/** Who is on shift, free ones first; off-duty people folded away at the end. */
export function renderRoster(section, views, operationId) {
  const rows = [...views.rows.roster.values()]
    .filter((row) => row.operation_id === operationId || row.operation_id == null)
    .sort((a, b) =>
      (ROSTER_ORDER[a.status] ?? 9) - (ROSTER_ORDER[b.status] ?? 9) ||
      Number(b.dispatchable) - Number(a.dispatchable) ||
      byName.compare(a.name, b.name));
  const on = rows.filter((row) => row.status !== "off_duty");
  const off = rows.filter((row) => row.status === "off_duty");
  section.querySelector(".count").textContent = String(on.length);
  let details = section.querySelector("details.off-duty");
  if (!details) {
    details = element("details", { class: "off-duty" }, element("summary", {}), element("ul", {}));
    section.append(details);
  }
  details.querySelector("summary").textContent = t("off_duty_n", { n: off.length });
  putLines(section.querySelector("ul.on-shift"), on.map(rosterItem));
  putLines(details.querySelector("ul"), off.map(rosterItem));
}

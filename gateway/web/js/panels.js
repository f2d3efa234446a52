// The panels beside the map: operation statistics, the incident board, the roster.

import { element } from "./dom.js";
import { since, t, term } from "./i18n.js";
import { glyph, SEVERITY, STATUS } from "./map.js";
import { ended } from "./views.js";

// A row changed within the last field minute is marked: what just happened stands out.
const FRESH_MS = 60_000;
const STATUS_ORDER = { reported: 0, dispatched: 1, on_scene: 2, resolved: 3, closed: 4 };

function minutes(seconds) {
  return seconds == null ? "–" : since(seconds);
}

export function renderStats(section, views, operationId) {
  const stats = views.rows.stats.get(operationId) ?? {};
  const board = [...views.rows.board.values()];
  const open = board.filter((row) => !ended(row.status)).length;
  const available = [...views.rows.roster.values()].filter(
    (row) => row.operation_id === operationId && row.status === "available" && row.dispatchable,
  ).length;
  const hazards = [...views.rows.hazards.values()].filter((row) => row.state !== "closed");
  const counts = [
    ["open_incidents", open, open > 0 ? "warn" : ""],
    ["total_incidents", stats.incidents ?? board.length, ""],
    ["available", available, available === 0 ? "warn" : "good"],
    ["dispatches", stats.dispatches ?? 0, ""],
    ["refused_dispatches", stats.dispatches_refused ?? 0, ""],
    ["evacuated", stats.evacuated ?? 0, "good"],
    ["rescued", stats.rescued ?? 0, "good"],
    ["hazards_open", hazards.length, ""],
    ["hazards_overdue", hazards.filter((row) => row.overdue).length, "warn"],
    ["report_to_dispatch", minutes(stats.report_to_dispatch_s?.median), "wide"],
    ["dispatch_to_arrival", minutes(stats.dispatch_to_arrival_s?.median), "wide"],
  ];
  section.querySelector(".counts").replaceChildren(
    ...counts.map(([label, value, tone]) =>
      element("div", { class: `count ${tone}`, dataset: { stat: label } },
        element("strong", {}, String(value)), element("span", {}, t(label))),
    ),
  );
}

export class Board {
  constructor(section, onPick) {
    this.section = section;
    this.onPick = onPick;
    this.sort = { key: "reported_at", descending: true }; // newest first
    for (const header of section.querySelectorAll("th[data-sort]")) {
      header.addEventListener("click", () => {
        const key = header.dataset.sort;
        this.sort = { key, descending: this.sort.key === key ? !this.sort.descending : key !== "address" && key !== "kind" };
        this.render(this.views, this.live);
      });
    }
  }

  value(row, key) {
    if (key === "reported_at") return Date.parse(row.reported_at);
    if (key === "status") return STATUS_ORDER[row.status] ?? 9;
    return row[key] ?? "";
  }

  render(views, live) {
    this.views = views;
    this.live = live;
    const { key, descending } = this.sort;
    const rows = [...views.rows.board.values()].sort((a, b) => {
      const x = this.value(a, key);
      const y = this.value(b, key);
      const order = x < y ? -1 : x > y ? 1 : Date.parse(b.reported_at) - Date.parse(a.reported_at);
      return descending ? -order : order;
    });
    for (const header of this.section.querySelectorAll("th[data-sort]")) {
      header.setAttribute("aria-sort", header.dataset.sort === key ? (descending ? "descending" : "ascending") : "none");
    }
    this.section.querySelector(".count").textContent = String(rows.length);
    const now = views.now(live);
    this.section.querySelector("tbody").replaceChildren(
      ...rows.map((row) => {
        const over = ended(row.status);
        const people = [
          row.dispatched.length ? t("dispatched_n", { n: row.dispatched.length }) : null,
          row.on_scene.length ? t("on_scene_n", { n: row.on_scene.length }) : null,
          row.evacuated || row.rescued ? t("evac_rescued", { e: row.evacuated, r: row.rescued }) : null,
        ].filter(Boolean).join(" · ");
        const tr = element("tr", { class: over ? "ended" : "", dataset: { key: row.id, status: row.status, updated: row.last_update } },
          element("td", { class: "age", dataset: { reported: row.reported_at } }, over ? "—" : since((now - Date.parse(row.reported_at)) / 1000)),
          element("td", { class: "kind" }, element("span", { class: "badge" }), term(row.kind)),
          element("td", { class: "sev" }, element("span", { class: "sev-chip" }, String(row.severity))),
          element("td", { class: "status" }, term(row.status), people ? element("span", { class: "people" }, people) : null),
          element("td", { class: "addr" }, row.address || `${row.lat.toFixed(4)}, ${row.lon.toFixed(4)}`),
        );
        tr.querySelector(".badge").innerHTML = glyph(row.kind, 16);
        tr.querySelector(".badge").style.background = SEVERITY[row.severity] ?? SEVERITY[3];
        tr.querySelector(".sev-chip").style.background = SEVERITY[row.severity] ?? SEVERITY[3];
        tr.classList.toggle("fresh", now - Date.parse(row.last_update) < FRESH_MS);
        tr.addEventListener("click", () => this.onPick(row.id));
        return tr;
      }),
    );
  }

  /** Only the ages move with the clock. */
  tick(views, live) {
    const now = views.now(live);
    for (const cell of this.section.querySelectorAll("td.age[data-reported]")) {
      const tr = cell.parentElement;
      tr.classList.toggle("fresh", now - Date.parse(tr.dataset.updated) < FRESH_MS);
      if (tr.classList.contains("ended")) continue;
      cell.textContent = since((now - Date.parse(cell.dataset.reported)) / 1000);
    }
  }
}

const ROSTER_ORDER = { available: 0, dispatched: 1, on_scene: 2, off_duty: 3 };

export function renderRoster(section, views, operationId) {
  const rows = [...views.rows.roster.values()]
    .filter((row) => row.operation_id === operationId || row.operation_id == null)
    .sort((a, b) =>
      (ROSTER_ORDER[a.status] ?? 9) - (ROSTER_ORDER[b.status] ?? 9) ||
      Number(b.dispatchable) - Number(a.dispatchable) ||
      a.name.localeCompare(b.name));
  section.querySelector(".count").textContent = String(rows.filter((row) => row.status !== "off_duty").length);
  section.querySelector("ul").replaceChildren(
    ...rows.map((row) => {
      const dot = element("span", { class: "dot" });
      dot.style.background = STATUS[row.status] ?? STATUS.off_duty;
      return element("li", { dataset: { key: row.id, status: row.status, dispatchable: String(row.dispatchable) } },
        dot,
        element("span", { class: "name" }, row.name),
        element("span", { class: "status" }, term(row.status)),
        element("span", { class: row.dispatchable ? "why ok" : "why" },
          row.dispatchable ? t("dispatchable") : row.not_dispatchable_because ?? ""),
      );
    }),
  );
}

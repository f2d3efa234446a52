// Check-ons: the register's entries not yet checked in this operation, highest risk
// first, the counts per area, and a commander's "start a round" for an area
// (docs/views.md, "The register of vulnerable people"). Observers see the counts
// per area only: `register` and `checkons` are the commanders' views.

import { element } from "./dom.js";
import { t, term } from "./i18n.js";
import { refusal as inWords } from "./refusals.js";
import { PEOPLE_VIEWS } from "./views.js";

/** The views this section reads; `register` and `checkons` for commanders only. */
export const viewsFor = (role) => (role === "commander" ? PEOPLE_VIEWS : ["register_areas"]);

const byRisk = (a, b) => b.risk - a.risk || b.people - a.people || String(a.area).localeCompare(String(b.area));

/** What is left to check in an operation: entries not checked by any of its rounds,
 * each with the round it is on (null: no round for its area yet). */
export function notYetChecked(views, operationId) {
  const rounds = [...(views.rows.checkons?.values() ?? [])].filter((round) => round.operation_id === operationId);
  const checked = new Set(rounds.flatMap((round) => Object.keys(round.checked ?? {})));
  const onRound = new Map();
  for (const round of rounds) for (const entry of round.pending ?? []) onRound.set(entry.id, round);
  const roundOf = new Map(rounds.map((round) => [round.area, round]));
  const left = [...(views.rows.register?.values() ?? [])]
    .filter((entry) => !checked.has(entry.id))
    .map((entry) => ({ ...entry, round: onRound.get(entry.id) ?? roundOf.get(entry.area) ?? null }));
  return { left: left.sort(byRisk), rounds };
}

export class CheckOns {
  constructor({ section, actions, page }) {
    Object.assign(this, { section, actions, page });
  }

  render() {
    const views = this.page.views;
    const commander = this.actions.commander;
    const live = this.page.mode === "live"; // a round is started live, never in replay
    const areas = [...(views.rows.register_areas?.values() ?? [])].sort((a, b) => String(a.area).localeCompare(String(b.area)));
    const { left, rounds } = notYetChecked(views, this.page.operationId);
    const signature = JSON.stringify([commander, live, areas, left.map((e) => [e.id, e.risk, e.round?.id, e.name]),
      rounds.map((r) => [r.id, r.safe, r.evacuated, r.needs_help]), document.documentElement.lang]);
    if (this.section.dataset.signature === signature) return;
    this.section.dataset.signature = signature;
    const leftByArea = new Map();
    for (const entry of left) leftByArea.set(entry.area, (leftByArea.get(entry.area) ?? 0) + 1);
    this.section.querySelector(".count").textContent = commander ? String(left.length) : "";
    const areaItems = areas.map((row) => {
      const round = rounds.find((r) => r.area === row.area);
      // What this operation's rounds found in the area so far.
      const found = rounds.filter((r) => r.area === row.area).reduce((sum, r) => ({
        safe: sum.safe + (r.safe ?? 0), evacuated: sum.evacuated + (r.evacuated ?? 0), help: sum.help + (r.needs_help ?? 0),
      }), { safe: 0, evacuated: 0, help: 0 });
      const start = commander && live
        ? element("button", { type: "button", class: "chip", dataset: { action: "start-round", area: row.area } },
          round ? t("another_round") : t("start_round"))
        : null;
      start?.addEventListener("click", () => this.startRound(row.area));
      return element("li", { dataset: { area: row.area } },
        element("span", { class: "name" }, row.area),
        element("span", { class: "tally" },
          t("area_counts", { entries: row.entries, people: row.people }),
          commander ? ` · ${t("not_checked_n", { n: leftByArea.get(row.area) ?? 0 })}` : ""),
        commander ? element("span", { class: "round" }, round ? t("round_on", { n: round.volunteers.length }) : t("no_round")) : null,
        start,
        commander && round ? element("span", { class: "found" }, t("round_found", found)) : null);
    });
    const entries = left.map((entry) =>
      element("li", { dataset: { entry: entry.id, risk: String(entry.risk), round: entry.round?.id ?? "" } },
        element("span", { class: `risk r${entry.risk}` }, String(entry.risk)),
        element("span", { class: "name" }, entry.name),
        element("span", { class: "what" }, `${term(entry.kind)} · ${t("people_n", { n: entry.people })} · ${entry.area}`),
        element("span", { class: "addr" }, entry.address ?? ""),
        element("span", { class: "round" }, entry.round ? t("on_round") : t("no_round"))));
    this.section.querySelector("ul.areas").replaceChildren(...areaItems);
    const pending = this.section.querySelector("ul.pending");
    pending.hidden = !commander;
    pending.replaceChildren(...entries);
    const none = this.section.querySelector(".none");
    none.hidden = !commander || entries.length > 0;
    none.textContent = areas.length ? t("all_checked") : t("register_empty");
  }

  /** Pick who goes (those on shift in this operation) and start the round. */
  startRound(area) {
    const operationId = this.page.operationId;
    const onShift = [...this.page.views.rows.roster.values()]
      .filter((row) => row.operation_id === operationId && row.status !== "off_duty")
      .sort((a, b) => Number(b.status === "available") - Number(a.status === "available") || a.name.localeCompare(b.name));
    const refusal = element("p", { class: "refusal", role: "alert", hidden: true });
    const boxes = onShift.map((row) =>
      element("label", { class: "pick" },
        element("input", { type: "checkbox", name: "volunteer", value: row.id }),
        ` ${row.name} · ${term(row.status)}`));
    const form = element("form", { class: "report round-form", dataset: { area } },
      element("p", { class: "where" }, t("round_for", { area })),
      element("h3", {}, t("who_checks")),
      boxes.length ? element("div", { class: "picks" }, ...boxes) : element("p", {}, t("nobody_on_shift")),
      refusal,
      element("button", { type: "submit", class: "primary" }, t("start_round")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const chosen = new FormData(form).getAll("volunteer");
      if (!chosen.length) {
        refusal.textContent = t("choose_someone");
        refusal.hidden = false;
        return;
      }
      try {
        await this.actions.commands.send("StartCheckRound", { operation_id: operationId, area, volunteer_ids: chosen });
        this.actions.notify(t("round_started", { area }));
        this.actions.close();
      } catch (error) {
        refusal.replaceChildren(element("strong", {}, `${t("refused_title")}: `), inWords(error));
        refusal.dataset.code = error.code ?? "";
        refusal.hidden = false;
      }
    });
    this.actions.show(t("start_round_title", { area }), form);
  }
}

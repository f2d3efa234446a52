// What a commander does from the map: report an incident where they click, and
// dispatch a volunteer to one. The domain decides; a refusal is shown as it says it.

import { element } from "./dom.js";
import { t, term } from "./i18n.js";
import { refusal as inWords } from "./refusals.js";
import { distanceKm } from "./triage.js";

export { distanceKm };

/** Who could go: qualified, available and dispatchable ones nearest first; then the
 * others on shift with why not. Off-duty people are not offered at all. */
export function candidates(incident, roster, operationId, needs) {
  const ranked = [];
  const others = [];
  for (const volunteer of roster.values()) {
    if (volunteer.operation_id !== operationId || volunteer.status === "off_duty") continue;
    if (incident.dispatched.includes(volunteer.id) || incident.on_scene.includes(volunteer.id)) continue;
    const km = volunteer.position ? distanceKm(volunteer.position, incident) : Infinity;
    const qualified = needs == null || volunteer.qualified_domains.includes(needs);
    const why = !volunteer.dispatchable
      ? volunteer.not_dispatchable_because
      : volunteer.status !== "available"
        ? t("busy", { what: term(volunteer.status) })
        : !qualified
          ? t("needs", { what: term(needs) })
          : null;
    (why ? others : ranked).push({ volunteer, km, why });
  }
  ranked.sort((a, b) => a.km - b.km);
  others.sort((a, b) => a.km - b.km);
  return { ranked, others };
}

export class Actions {
  constructor({ panel, toast, commands, views, config, commander }) {
    Object.assign(this, { panel, toast, commands, views, config, commander });
    this.operationId = null;
  }

  notify(text, tone = "ok") {
    this.toast.textContent = text;
    this.toast.dataset.tone = tone;
    this.toast.hidden = false;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => (this.toast.hidden = true), 4000);
  }

  close() {
    this.onClose?.(); // what the panel held (a volunteer's QR code) is let go
    this.onClose = null;
    this.following = null;
    delete this.panel.dataset.incident;
    this.panel.hidden = true;
    this.panel.replaceChildren();
  }

  show(title, ...content) {
    this.onClose?.();
    this.onClose = null;
    this.following = null;
    delete this.panel.dataset.incident;
    const close = element("button", { type: "button", class: "close", "aria-label": t("close") }, "×");
    close.addEventListener("click", () => this.close());
    this.panel.replaceChildren(element("h2", {}, title), close, ...content);
    this.panel.hidden = false;
  }

  /** Who to send to an incident: kept in step with the roster and board while open. */
  dispatch(incidentId) {
    const incident = this.views.rows.board.get(incidentId);
    if (!incident) return;
    const needs = this.config.domain_for_kind[incident.kind] ?? null;
    const refusal = element("p", { class: "refusal", role: "alert", hidden: true });
    const items = new Map(); // volunteer id -> { li, km, why, button }, reused across refreshes
    const item = ({ volunteer, km, why }) => {
      let entry = items.get(volunteer.id);
      if (!entry) {
        const button = element("button", { type: "button", dataset: { volunteer: volunteer.id } });
        entry = {
          button, name: element("span", { class: "name" }), km: element("span", { class: "km" }),
          why: element("span", { class: "why" }),
        };
        entry.li = element("li", { dataset: { volunteer: volunteer.id } }, entry.name, entry.km, entry.why, button);
        button.addEventListener("click", async () => {
          button.disabled = true;
          refusal.hidden = true;
          try {
            await this.commands.send("DispatchVolunteer", { incident_id: incidentId, volunteer_id: volunteer.id });
            this.notify(t("dispatched_ok", { name: entry.name.textContent }));
            this.close();
          } catch (error) {
            refusal.replaceChildren(element("strong", {}, `${t("refused_title")}: `), inWords(error));
            refusal.dataset.code = error.code ?? "";
            refusal.hidden = false;
            button.disabled = false;
          }
        });
        items.set(volunteer.id, entry);
      }
      entry.name.textContent = volunteer.name;
      entry.km.textContent = Number.isFinite(km) ? t("km", { d: km.toFixed(1) }) : t("no_position");
      entry.why.textContent = why ?? "";
      entry.why.hidden = !why;
      entry.button.textContent = why ? t("try_anyway") : t("dispatch");
      return entry.li;
    };
    const ranked = element("ul", { class: "candidates ranked" });
    const nobody = element("p", {}, t("nobody"));
    const summary = element("summary", {});
    const others = element("ul", { class: "candidates" });
    const details = element("details", { class: "others" }, summary, others);
    // Moved, not rebuilt: a button under the pointer stays the same element.
    const place = (list, rows) => {
      const wanted = rows.map(item);
      if (wanted.length !== list.children.length || wanted.some((li, n) => list.children[n] !== li)) {
        list.replaceChildren(...wanted);
      }
    };
    const refresh = () => {
      const current = this.views.rows.board.get(incidentId);
      if (!current) {
        this.close();
        return;
      }
      const found = candidates(current, this.views.rows.roster, this.operationId, needs);
      place(ranked, found.ranked);
      place(others, found.others);
      ranked.hidden = found.ranked.length === 0;
      nobody.hidden = found.ranked.length > 0;
      summary.textContent = `${t("others")} (${found.others.length})`;
      const shown = new Set([...found.ranked, ...found.others].map(({ volunteer }) => volunteer.id));
      for (const id of items.keys()) if (!shown.has(id)) items.delete(id);
      return found;
    };
    this.show(
      t("dispatch_to", { what: `${term(incident.kind)} · ${incident.address || incident.id.slice(0, 8)}` }),
      refusal,
      element("h3", {}, t("qualified_nearby")),
      nobody,
      ranked,
      details,
    );
    details.open = refresh().ranked.length === 0;
    this.panel.dataset.incident = incidentId;
    this.following = refresh;
  }

  /** The roster or board changed: an open dispatch list follows. */
  refresh() {
    this.following?.();
  }

  /** A form to report an incident at a point the commander clicked. */
  report(latlng) {
    if (!this.commander || !this.operationId) return;
    const kinds = element("select", { name: "kind" }, ...this.config.kinds.map((kind) => element("option", { value: kind }, term(kind))));
    const severity = element("select", { name: "severity" }, ...[1, 2, 3, 4, 5].map((n) => element("option", { value: String(n) }, String(n))));
    severity.value = "3";
    const refusal = element("p", { class: "refusal", role: "alert", hidden: true });
    const form = element("form", { class: "report" },
      element("p", { class: "where" }, `${latlng.lat.toFixed(5)}, ${latlng.lng.toFixed(5)}`),
      element("label", {}, t("kind"), kinds),
      element("label", {}, t("severity"), severity),
      element("label", {}, t("address"), element("input", { name: "address", maxlength: "200" })),
      element("label", {}, t("description"), element("textarea", { name: "description", rows: "2" })),
      refusal,
      element("button", { type: "submit", class: "primary" }, t("report")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      try {
        await this.commands.send("ReportIncident", {
          operation_id: this.operationId,
          kind: data.get("kind"),
          severity: Number(data.get("severity")),
          lat: latlng.lat,
          lon: latlng.lng,
          address: data.get("address"),
          description: data.get("description"),
        });
        this.notify(t("reported_ok"));
        this.close();
      } catch (error) {
        refusal.textContent = inWords(error);
        refusal.hidden = false;
      }
    });
    this.show(t("report_here"), form);
  }
}

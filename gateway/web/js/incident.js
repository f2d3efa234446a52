// The incident panel at the side of the map: what it is and how bad, who is on it
// since when, its whole timeline, the message thread with the volunteers on it,
// its images, and every action a commander may take. Each action is a command;
// a refusal is shown in the domain's own words. Forms keep what is typed while
// the rest follows the views.

import { element } from "./dom.js";
import { place, t, term } from "./i18n.js";
import { refusal as inWords } from "./refusals.js";
import { SEVERITY } from "./map.js";
import { reference } from "./triage.js";
import { ended, fieldClock } from "./views.js";

/** "HH:MM" of a field time, as the field wrote it. */
function hhmm(text, offset) {
  const at = Date.parse(text);
  return Number.isNaN(at) ? "" : fieldClock(at, offset).slice(11, 16);
}

/** A dispatched volunteer's answer from their phone, in words (null: none yet). */
function answer(found) {
  if (!found || !found.answer) return null;
  const text = found.answer === "coming"
    ? t("coming_in", { eta: found.eta_minutes ?? "?" })
    : t("not_coming", { reason: found.reason ?? "" });
  return element("span", { class: `answer ${found.answer}` }, ` · ${text}`);
}

const number = (name, min = 0, max = 10000) =>
  element("input", { name, type: "number", min: String(min), max: String(max), step: "1", inputmode: "numeric" });

export class IncidentPanel {
  constructor({ panel, views, actions, page }) {
    Object.assign(this, { panel, views, actions, page });
    this.id = null;
  }

  /** Who an actor is, in words: a volunteer by name, the command centre by id. */
  who(actor) {
    const [role, id] = String(actor ?? "").split(/:(.*)/s);
    if (role === "volunteer") return this.views.rows.roster.get(id)?.name ?? t("a_volunteer");
    if (role === "commander") return t("command_centre", { id });
    return actor ?? "";
  }

  nameOf(id) {
    return this.views.rows.roster.get(id)?.name ?? id.slice(0, 8);
  }

  open(id) {
    if (!this.views.rows.board.get(id)) return;
    this.id = id;
    this.shown = null;
    this.build();
    this.refresh();
    this.panel.hidden = false;
    document.body.classList.add("incident-open");
  }

  close() {
    this.id = null;
    this.panel.hidden = true;
    this.panel.replaceChildren();
    delete this.panel.dataset.incident;
    document.body.classList.remove("incident-open");
  }

  /** May this screen act? A commander, live. */
  acting() {
    return this.actions.commander && this.page.mode === "live";
  }

  /** The fixed parts: headings, the message box and the action forms. */
  build() {
    const id = this.id;
    this.panel.dataset.incident = id;
    const close = element("button", { type: "button", class: "close", "aria-label": t("close") }, "×");
    close.addEventListener("click", () => this.close());
    this.parts = {
      title: element("h2", { id: "incident-h" }),
      head: element("div", { class: "head" }),
      assessment: element("div", { class: "assessment" }),
      people: element("ul", { class: "people-on" }),
      thread: element("ol", { class: "thread" }),
      gallery: element("div", { class: "gallery" }),
      timeline: element("ol", { class: "timeline" }),
      refusal: element("p", { class: "refusal", role: "alert", hidden: true }),
      actions: element("div", { class: "incident-actions" }),
    };
    const p = this.parts;
    const message = element("form", { class: "message" },
      element("textarea", { name: "text", rows: "2", maxlength: "2000", "aria-label": t("message_to_team"), placeholder: t("message_to_team") }),
      element("button", { type: "submit", class: "primary" }, t("send")));
    this.submit(message, "PostMessage", (data) => ({ text: data.get("text") }), t("message_sent"));
    this.parts.message = message;
    this.panel.replaceChildren(p.title, close, p.head, p.refusal, p.actions,
      element("h3", {}, t("assessment")), p.assessment,
      element("h3", {}, t("team")), p.people,
      element("h3", {}, t("messages")), p.thread, message,
      element("h3", {}, t("images")), p.gallery,
      element("h3", {}, t("timeline")), p.timeline);
  }

  /** Send a form as a command; a refusal stays on screen in words. */
  submit(form, name, body, done) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        if (await this.send(name, body(new FormData(form)), done)) {
          form.reset();
          if (form.closest("details")) form.closest("details").open = false;
        }
      } finally {
        button.disabled = false;
      }
    });
  }

  async send(name, body, done) {
    const refusal = this.parts.refusal;
    refusal.hidden = true;
    try {
      await this.actions.commands.send(name, { incident_id: this.id, ...body });
      this.actions.notify(done);
      return true;
    } catch (error) {
      refusal.replaceChildren(element("strong", {}, `${t("refused_title")}: `), inWords(error));
      refusal.dataset.code = error.code ?? "";
      refusal.hidden = false;
      return false;
    }
  }

  /** One action: a button, or a button that opens its small form. */
  action(key, fields, name, body, done) {
    if (!fields) {
      const button = element("button", { type: "button", class: "primary", dataset: { action: key } }, t(`act_${key}`));
      button.addEventListener("click", () => (name ? this.send(name, body(), done) : body()));
      return button;
    }
    const form = element("form", { class: "report" }, ...fields,
      element("button", { type: "submit", class: "primary" }, t(`act_${key}`)));
    this.submit(form, name, body, done);
    return element("details", { class: "act", dataset: { action: key } }, element("summary", {}, t(`act_${key}`)), form);
  }

  renderActions(row) {
    const box = this.parts.actions;
    if (!this.acting() || row.status === "closed") {
      box.replaceChildren();
      box.dataset.state = "";
      return;
    }
    const state = row.status === "resolved" ? "resolved" : "open";
    if (box.dataset.state === state) return; // keep what is being typed
    box.dataset.state = state;
    if (state === "resolved") {
      box.replaceChildren(this.action("close", null, "CloseIncident", () => ({}), t("closed_ok")));
      return;
    }
    const severity = element("select", { name: "severity" }, element("option", { value: "" }, "–"),
      ...[1, 2, 3, 4, 5].map((n) => element("option", { value: String(n) }, String(n))));
    const label = (key, input) => element("label", {}, t(key), input);
    box.replaceChildren(
      this.action("dispatch", null, null, () => this.actions.dispatch(this.id)),
      this.action("assess", [
        label("summary", element("textarea", { name: "summary", rows: "2", required: true })),
        label("severity_full", severity), label("people_at_risk", number("people_at_risk"))],
      "AssessIncident", (data) => ({
        summary: data.get("summary"),
        severity: data.get("severity") ? Number(data.get("severity")) : null,
        people_at_risk: data.get("people_at_risk") ? Number(data.get("people_at_risk")) : null,
      }), t("assessed_ok")),
      this.action("evacuation", [label("count", number("count", 1)), label("destination", element("input", { name: "destination", maxlength: "200" }))],
        "RecordEvacuation", (data) => ({ count: Number(data.get("count")), destination: data.get("destination") }), t("recorded_ok")),
      this.action("rescue", [label("count", number("count", 1))],
        "RecordRescue", (data) => ({ count: Number(data.get("count")) }), t("recorded_ok")),
      this.action("resolve", [label("outcome", element("textarea", { name: "outcome", rows: "2" }))],
        "ResolveIncident", (data) => ({ outcome: data.get("outcome") }), t("resolved_ok")),
    );
  }

  /** The parts that follow the views. */
  refresh() {
    if (!this.id) return;
    const row = this.views.rows.board.get(this.id);
    if (!row) return this.close();
    const story = this.views.rows.timeline.get(this.id);
    // A delta replaces a row: the same two rows, the same panel. (The roster's many
    // position changes pass by; a name seldom changes.)
    if (this.shown?.row === row && this.shown?.story === story && this.shown?.acting === this.acting()) return;
    this.shown = { row, story, acting: this.acting() };
    const entries = story?.entries ?? [];
    const offset = this.views.offset;
    const p = this.parts;
    p.title.textContent = reference(row, term, place);
    const chip = element("span", { class: "sev-chip" }, String(row.severity));
    chip.style.background = SEVERITY[row.severity] ?? SEVERITY[3];
    // A volunteer's SOS says so first, and whose it is.
    const sos = row.sos && entries.length ? [element("strong", { class: "sos", title: t("sos_title") }, `SOS · ${this.who(entries[0].actor)}`), " "] : [];
    p.head.replaceChildren(...sos, chip, ` ${t("severity_full")} · `, element("strong", { class: "status" }, term(row.status)),
      ` · ${t("reported_at", { at: hhmm(row.reported_at, offset) })}`);
    p.assessment.replaceChildren(...[
      element("p", { class: "summary" }, row.summary || t("not_assessed")),
      element("p", {}, element("strong", { dataset: { field: "people_at_risk" } }, row.people_at_risk == null ? "–" : String(row.people_at_risk)),
        ` ${t("people_at_risk")} · ${t("evac_rescued", { e: row.evacuated, r: row.rescued })}`),
      row.description ? element("p", { class: "muted" }, row.description) : null,
      row.outcome ? element("p", {}, `${t("outcome")}: `, row.outcome) : null].filter(Boolean));
    this.renderPeople(row, entries, offset);
    const messages = entries.filter((e) => e.what === "message");
    p.thread.replaceChildren(...(messages.length ? messages.map((e) =>
      element("li", { dataset: { actor: e.actor } }, element("span", { class: "when" }, hhmm(e.at, offset)),
        element("strong", {}, ` ${this.who(e.actor)}: `), e.text)) : [element("li", { class: "muted" }, t("no_messages"))]));
    p.message.hidden = !this.acting() || row.status === "closed";
    this.renderGallery(entries);
    p.timeline.replaceChildren(...entries.map((e) =>
      element("li", { dataset: { what: e.what } }, element("span", { class: "when" }, hhmm(e.at, offset)),
        ` ${this.describe(e)} `, element("span", { class: "muted" }, `— ${this.who(e.actor)}`))));
    this.renderActions(row);
  }

  renderPeople(row, entries, offset) {
    const since = {};
    for (const e of entries) {
      if (e.what === "dispatched") since[e.volunteer_id] = { sent: e.at };
      if (e.what === "arrived" && since[e.volunteer_id]) since[e.volunteer_id].arrived = e.at;
    }
    const person = (id, state) => {
      const times = since[id] ?? {};
      const li = element("li", { dataset: { volunteer: id, state } }, element("strong", {}, this.nameOf(id)),
        ` ${term(state)} · ${t("sent_at", { at: hhmm(times.sent, offset) })}`,
        times.arrived ? ` · ${t("arrived_at", { at: hhmm(times.arrived, offset) })}` : null,
        answer(row.answers?.[id]));
      if (this.acting() && !ended(row.status)) {
        const release = element("button", { type: "button", class: "chip", dataset: { action: "release" } }, t("act_release"));
        release.addEventListener("click", () =>
          this.send("ReleaseVolunteer", { volunteer_id: id, reason: "" }, t("released_ok", { name: this.nameOf(id) })));
        li.append(" ", release);
      }
      return li;
    };
    const people = [...row.on_scene.map((id) => person(id, "on_scene")), ...row.dispatched.map((id) => person(id, "dispatched"))];
    this.parts.people.replaceChildren(...(people.length ? people : [element("li", { class: "muted" }, t("nobody_assigned"))]));
  }

  renderGallery(entries) {
    const images = entries.filter((e) => e.what === "image");
    const gallery = this.parts.gallery;
    if (gallery.childElementCount === images.length && images.length) return; // fetched already
    gallery.replaceChildren(...(images.length ? [] : [element("p", { class: "muted" }, t("no_images"))]));
    for (const e of images) {
      const image = element("img", { alt: e.caption || t("images"), title: e.caption || "", dataset: { sha: e.sha256 } });
      this.actions.commands.image(e.sha256, true).then((url) => (image.src = url)).catch(() => image.remove());
      image.addEventListener("click", () => {
        this.actions.commands.image(e.sha256, false).then((url) => {
          this.actions.show(e.caption || t("images"), element("img", { src: url, class: "full", alt: e.caption || t("images") }));
        });
      });
      gallery.append(image);
    }
  }

  /** One timeline entry in words. */
  describe(e) {
    const name = e.volunteer_id ? this.nameOf(e.volunteer_id) : "";
    switch (e.what) {
      case "reported": return t("tl_reported", { kind: term(e.kind), severity: e.severity });
      case "assessed": return t("tl_assessed", { summary: e.summary });
      case "dispatched": return t("tl_dispatched", { name });
      case "dispatch_refused": return t("tl_dispatch_refused", { name, reason: inWords({ code: e.code, message: e.reason }) });
      case "arrived": return t("tl_arrived", { name });
      case "released": return t("tl_released", { name });
      case "evacuated": return t("tl_evacuated", { n: e.count, where: place(e.destination) });
      case "rescued": return t("tl_rescued", { n: e.count });
      case "message": return t("tl_message", { text: e.text });
      case "answered": return e.answer === "coming"
        ? t("tl_coming", { name, eta: e.eta_minutes ?? "?" })
        : t("tl_not_coming", { name, reason: e.reason });
      case "image": return t("tl_image");
      case "route_guided": return t("route");
      case "road_cleared": return t("road");
      case "resolved": return t("tl_resolved", { outcome: e.outcome });
      case "closed": return term("closed");
      default: return e.what;
    }
  }
}

// My assignment: what the commander dispatched me to, pushed on /ws/me, and what I
// do about it: answer (on my way with an ETA, or cannot go and why), arrive, assess,
// guide a route or clear a road from the track I walked, evacuate, rescue, send
// photos and messages. Every action waits in the outbox until stored.

import { $, element, values } from "./dom.js";
import { eta, metres } from "./geo.js";
import { distance, t, term } from "./i18n.js";
import { shrink } from "./photo.js";

let ready = false;
let current = null; // the assignment row shown

function setup(app) {
  ready = true;
  const act = (command, body, options) => app.act(command, { incident_id: current.incident_id, ...body }, options);
  const me = () => ({ volunteer_id: app.volunteer() });
  $("#coming").addEventListener("click", () => {
    act("AnswerDispatch", { ...me(), answer: "coming", eta_minutes: minutes(app) ?? 0 });
  });
  $("#not-coming").addEventListener("click", () => {
    $("#decline").hidden = !$("#decline").hidden;
  });
  submit("#decline", ({ reason }) => act("AnswerDispatch", { ...me(), answer: "not_coming", reason }));
  $("#arrived").addEventListener("click", () => act("RecordArrival", me()));
  submit("#message", ({ text }) => act("PostMessage", { text }));
  submit("#assess", ({ summary, severity, people_at_risk }) => {
    const body = { summary };
    if (severity) body.severity = Number(severity);
    if (people_at_risk !== "") body.people_at_risk = Number(people_at_risk);
    return act("AssessIncident", body);
  });
  submit("#evacuate", ({ count, destination }) => act("RecordEvacuation", { count: Number(count), destination }));
  submit("#rescue", ({ count }) => act("RecordRescue", { count: Number(count) }));
  submit("#job-photo", async ({ photo, caption }) => {
    const here = app.position.here;
    const body = { caption };
    if (here) Object.assign(body, { lat: here.lat, lon: here.lon });
    return act("RecordImage", body, { photo: await shrink(photo), photoAs: "image" });
  });
  $("#route-guided").addEventListener("click", () => act("GuideRoute", { path: walked(app) }));
  $("#road-cleared").addEventListener("click", () => act("ClearRoad", { path: walked(app) }));
}

/** Run `send(fields)` on submit, then clear the form. */
function submit(selector, send) {
  const form = $(selector);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!current) return;
    await send(values(form));
    form.reset();
    if (form.id === "decline") form.hidden = true;
  });
}

/** The track walked since the dispatch; at least from here to the incident. */
function walked(app) {
  const since = Date.parse(current.dispatched_at) || 0;
  const path = app.position.walked(since);
  if (path.length >= 2) return path;
  const here = app.position.here;
  const start = here ? [here.lon, here.lat] : path[0];
  return start ? [start, [current.lon, current.lat]] : [[current.lon, current.lat], [current.lon, current.lat]];
}

function minutes(app) {
  const here = app.position.here;
  if (!here || !current) return null;
  return eta(metres(here, current));
}

export function showJob(app, entries) {
  if (!ready) setup(app);
  const rows = app.channel.assignments();
  current = rows[0] ?? null;
  const open = current && (current.state === "dispatched" || current.state === "on_scene");
  $("#job-dot").hidden = !(open && !current.answer && current.state === "dispatched");
  $("#job-none").hidden = Boolean(current);
  $("#job").hidden = !current;
  if (!current) return;
  $("#job").dataset.incident = current.incident_id;
  $("#job").dataset.state = current.state;
  $("#job-kind").textContent = term(current.kind);
  $("#job-severity").textContent = t("severity", { n: current.severity });
  $("#job-address").textContent = current.address || `${current.lat.toFixed(5)}, ${current.lon.toFixed(5)}`;
  $("#job-description").textContent = [current.description, current.note].filter(Boolean).join(" · ");
  const here = app.position.here;
  const away = here ? metres(here, current) : null;
  $("#job-distance").textContent = away == null ? t("no_fix") : t("distance", { d: distance(away) });
  const notice = current.state === "released" ? t("released") : current.state === "resolved" ? t("resolved") : "";
  $("#job-notice").hidden = !notice;
  $("#job-notice").textContent = [notice, current.released?.reason, current.outcome].filter(Boolean).join(" · ");
  const answer = current.answer;
  $("#job-answer").textContent = !answer
    ? ""
    : answer.answer === "coming"
      ? `${t("answer_coming")} · ${t("eta", { n: answer.eta_minutes })}`
      : `${t("answer_declined")} · ${answer.reason}`;
  $("#job-answers").hidden = current.state !== "dispatched";
  $("#coming").textContent = away == null ? t("on_my_way") : `${t("on_my_way")} · ${t("eta", { n: eta(away) })}`;
  $("#arrived").hidden = current.state !== "dispatched";
  for (const id of ["#assess", "#evacuate", "#rescue", "#job-photo", "#message"]) {
    for (const field of $(id).elements) field.disabled = !open && id !== "#message";
  }
  $("#route-guided").disabled = !open;
  $("#road-cleared").disabled = !open;
  const team = current.team ?? [];
  $("#job-team").replaceChildren(
    ...(team.length
      ? team.map((mate) => element("li", {}, mate.name, " · ", term(mate.state)))
      : [element("li", { class: "muted" }, t("nobody_else"))]),
  );
  const route = current.route ?? [];
  $("#job-route").replaceChildren(
    ...(route.length
      ? route.map((leg) => element("li", {}, [when(leg.at), leg.note || t("route_guided")].filter(Boolean).join(" · ")))
      : [element("li", { class: "muted" }, t("no_route"))]),
  );
  $("#job-messages").replaceChildren(...messageItems(current.messages ?? [], entries, current.incident_id));
}

/** An incident's thread as list items: the messages stored, then mine still in the
 * outbox (marked waiting). The assignment and My reports show it alike. */
export function messageItems(messages, entries, incidentId) {
  const mine = entries
    .filter((e) => e.command === "PostMessage" && e.state === "waiting" && e.body.incident_id === incidentId)
    .reverse()
    .map((e) => ({ text: e.body.text, mine: true, from: "", at: e.occurred_at, waiting: true }));
  return [...messages, ...mine].map((m) =>
    element(
      "li",
      { dataset: { mine: String(Boolean(m.mine)), waiting: String(Boolean(m.waiting)) } },
      element("span", { class: "from" }, [m.mine ? "" : m.from, when(m.at), m.waiting ? `(${t("state_waiting")})` : ""].filter(Boolean).join(" · ")),
      element("span", { class: "text" }, m.text),
    ),
  );
}

function when(at) {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

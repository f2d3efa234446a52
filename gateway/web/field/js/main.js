// The field app: a volunteer's phone. The state strip (online, outbox, shift) is
// always on top; every action goes through the outbox; what the volunteer is
// dispatched to arrives on their own channel (/ws/me).

import * as auth from "./auth.js";
import { Channel } from "./channel.js";
import { dropValue } from "./db.js";
import { $, element } from "./dom.js";
import { Position } from "./geo.js";
import { apply, lang, refusal, setLanguage, t } from "./i18n.js";
import { showJob } from "./job.js";
import { showReports } from "./reports.js";
import { Outbox } from "./outbox.js";
import { showRound } from "./round.js";
import { showWarnings } from "./warnings.js";
import { setupWork, showWork } from "./work.js";

const SHARE = "brigade.field.share";
const OPERATIONS = "brigade.field.operations";

const app = {
  outbox: new Outbox(() => auth.token()),
  channel: null,
  position: new Position(),
  claims: null,
  tab: "me",
  operations: JSON.parse(localStorage.getItem(OPERATIONS) || "[]"),
  chosenOperation: localStorage.getItem("brigade.field.operation"),
};

/** Keep an action in the outbox (it goes when it can); say so when offline. */
app.act = async (command, body, options = {}) => {
  const entry = await app.outbox.add(command, body, options);
  if (!navigator.onLine || app.channel?.state !== "online") toast(t("queued"));
  return entry;
};

app.volunteer = () => app.claims?.volunteer;

/** The operation to act in: the shift's, else the one chosen, else the only open one. */
app.operation = () => {
  const shift = app.channel?.me?.operation_id;
  if (shift) return shift;
  const open = app.operations.filter((row) => row.status === "open");
  return open.find((row) => row.id === app.chosenOperation)?.id ?? open[0]?.id ?? null;
};

app.refresh = () => requestAnimationFrame(render);

function toast(text) {
  const box = $("#toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (box.hidden = true), 3000);
}
app.toast = toast;

async function boot() {
  apply();
  $("#language").addEventListener("click", () => {
    setLanguage(lang() === "zh" ? "en" : "zh");
    render();
  });
  for (const button of document.querySelectorAll("#tabs button")) {
    button.addEventListener("click", () => show(button.dataset.tab));
  }
  $("#outbox-chip").addEventListener("click", () => show("outbox"));
  $("#signin-form").addEventListener("submit", (event) => {
    event.preventDefault();
    auth.keep(new FormData(event.target).get("token").trim());
    location.reload();
  });
  setupMe();
  setupWork(app);
  app.outbox.addEventListener("change", app.refresh);
  app.outbox.addEventListener("finished", (event) => finished(event.entry));
  app.outbox.addEventListener("signedout", (event) => signedOut(event.reason));
  const given = auth.fromFragment();
  if (given.enrol || auth.pendingEnrolment()) await enrolNow();
  start();
}

async function enrolNow() {
  // Said on the sign-in screen until the code is exchanged (offline: until it can be).
  $("#signin-why").textContent = t("enrolling");
  $("#signin").hidden = false;
  $("#screen-me").hidden = true;
  for (let attempt = 0; ; attempt++) {
    try {
      const refused = await auth.enrol();
      if (refused) auth.signOut(refused.code);
      $("#signin").hidden = true;
      return;
    } catch {
      // Offline or the server away: the same code and key, again shortly.
      await new Promise((done) => setTimeout(done, Math.min(30000, 1000 * 2 ** attempt)));
    }
  }
}

function start() {
  const token = auth.token();
  app.claims = token ? auth.claims(token) : null;
  if (!token || !app.claims || app.claims.role !== "volunteer") {
    signedOut(token ? "not_volunteer" : auth.signedOutWhy() || "missing", false);
    return;
  }
  app.channel = new Channel(() => auth.token());
  app.channel.addEventListener("change", app.refresh);
  app.channel.addEventListener("state", app.refresh);
  app.channel.addEventListener("reached", () => {
    app.outbox.kick();
    loadOperations();
  });
  app.channel.addEventListener("signedout", (event) => signedOut(event.reason));
  app.channel.start();
  app.position.addEventListener("change", () => {
    share();
    app.refresh();
  });
  app.position.start();
  setInterval(share, 5_000); // standing still, the watch is quiet: a report every 15 s
  addEventListener("online", app.refresh);
  addEventListener("offline", app.refresh);
  loadOperations();
  render();
}

async function loadOperations() {
  try {
    const response = await fetch("/views/operations", { headers: { Authorization: `Bearer ${auth.token()}` } });
    if (!response.ok) return;
    const { rows } = await response.json();
    app.operations = Object.values(rows).map(({ id, name, status, opened_at }) => ({ id, name, status, opened_at }));
    app.operations.sort((a, b) => String(b.opened_at).localeCompare(String(a.opened_at)));
    localStorage.setItem(OPERATIONS, JSON.stringify(app.operations));
    app.refresh();
  } catch {
    // Offline: the operations seen last time stand.
  }
}

/** The token no longer works: forget it, stop, and say why. */
function signedOut(reason, forget = true) {
  if (forget) {
    auth.signOut(reason);
    dropValue("me"); // the rows it was sent (a round's people among them) go too
  }
  app.outbox.stop(); // what waits stays for the next token
  app.channel?.stop();
  const words = {
    revoked: t("why_revoked"), expired: t("why_expired"), invalid: t("why_invalid"),
    missing: t("why_missing"), not_volunteer: t("not_volunteer"),
  };
  const why = words[reason] ?? t("enrol_failed", { why: refusal(reason) });
  $("#signin-why").textContent = why;
  $("#signin-why").dataset.reason = reason;
  for (const screen of document.querySelectorAll(".screen")) screen.hidden = screen.id !== "signin";
  $("#tabs").hidden = true;
  $("#net").dataset.state = "offline";
  $("#net").textContent = t("signed_out");
  usable();
}

function show(tab) {
  app.tab = tab;
  render();
}

function setupMe() {
  $("#shift").addEventListener("click", () => {
    const vid = app.volunteer();
    if (onShift()) app.act("EndShift", { volunteer_id: vid });
    else app.act("StartShift", { volunteer_id: vid, operation_id: app.operation() });
  });
  $("#share").addEventListener("click", () => {
    localStorage.setItem(SHARE, localStorage.getItem(SHARE) === "on" ? "off" : "on");
    share();
    render();
  });
  $("#operation-pick").addEventListener("change", (event) => {
    app.chosenOperation = event.target.value;
    localStorage.setItem("brigade.field.operation", app.chosenOperation);
  });
  $("#signout").addEventListener("click", async () => {
    auth.signOut("missing");
    await dropValue("me");
    location.reload();
  });
}

const sharing = () => localStorage.getItem(SHARE) === "on";

/** On shift as the server says, or as the last shift command waiting says. */
function onShift() {
  const pending = app.pendingShift;
  if (pending) return pending === "StartShift";
  return Boolean(app.channel?.me?.on_shift);
}

function share() {
  if (!sharing() || !onShift()) return;
  const here = app.position.due();
  if (!here) return;
  const body = { volunteer_id: app.volunteer(), lat: here.lat, lon: here.lon };
  for (const name of ["accuracy", "heading", "speed"]) {
    if (Number.isFinite(here[name])) body[name] = here[name];
  }
  app.outbox.add("ReportPosition", body);
}

function finished(entry) {
  if (entry.state !== "refused") return;
  if (entry.command === "StartShift" || entry.command === "EndShift") app.shiftRefusal = entry;
  toast(`${t(entry.command, entry.body)}: ${refusal(entry.code, entry.message)}`);
}

async function render() {
  if (!app.claims || $("#signin").hidden === false) return;
  const entries = await app.outbox.list();
  const waiting = entries.filter((entry) => entry.state === "waiting");
  const shiftEntry = entries.find((entry) => entry.command === "StartShift" || entry.command === "EndShift");
  app.pendingShift = shiftEntry?.state === "waiting" ? shiftEntry.command : null;
  apply();
  renderStatus(waiting.length);
  for (const screen of document.querySelectorAll(".screen[data-tab]")) screen.hidden = screen.dataset.tab !== app.tab;
  for (const button of document.querySelectorAll("#tabs button")) {
    button.setAttribute("aria-pressed", String(button.dataset.tab === app.tab));
  }
  renderMe(shiftEntry);
  showJob(app, entries);
  showWork(app);
  showReports(app, entries);
  showWarnings(app);
  showRound(app, entries);
  renderOutbox(entries);
  usable();
}

function usable() {
  if (document.body.dataset.usable) return;
  // What `brigade bench fieldapp` times: the app drawn and answering taps.
  document.body.dataset.usable = "true";
  performance.mark("field-usable");
  // Only now: on a slow link the worker's copying of the shell would hold the first draw up.
  navigator.serviceWorker?.register("/field/sw.js", { scope: "/field" }).catch(() => {});
}

function renderStatus(waiting) {
  const state = !navigator.onLine ? "offline" : app.channel.state;
  $("#net").dataset.state = state === "online" ? "online" : state === "offline" ? "offline" : "connecting";
  $("#net").textContent = t(state === "online" ? "online" : state === "offline" ? "offline" : "connecting");
  const chip = $("#outbox-chip");
  chip.dataset.waiting = String(waiting);
  chip.textContent = waiting ? t("waiting", { n: waiting }) : t("nothing_waiting");
  const on = onShift();
  $("#shift-chip").dataset.on = String(on);
  $("#shift-chip").textContent = t(on ? "on_shift" : "off_shift");
  $("#language").textContent = lang() === "zh" ? "EN" : "中文";
}

function renderMe(shiftEntry) {
  const me = app.channel.me;
  $("#who").textContent = me?.name || app.claims.name || "";
  const operation = app.operations.find((row) => row.id === app.operation());
  $("#operation-name").textContent = operation?.name ?? t("no_operation");
  const pick = $("#operation-pick");
  const open = app.operations.filter((row) => row.status === "open");
  pick.hidden = onShift() || open.length < 2;
  if (!pick.hidden && pick.options.length !== open.length) {
    pick.replaceChildren(...open.map((row) => element("option", { value: row.id }, row.name)));
    pick.value = app.operation();
  }
  const on = onShift();
  const button = $("#shift");
  button.textContent = t(on ? "end_shift" : "start_shift");
  button.classList.toggle("primary", !on);
  const refused = shiftEntry?.state === "refused" ? shiftEntry : null;
  $("#shift-why").hidden = !refused;
  if (refused) $("#shift-why").textContent = `${t(refused.command)}: ${refusal(refused.code, refused.message)}`;
  const share = $("#share");
  share.setAttribute("aria-pressed", String(sharing()));
  share.textContent = t(sharing() ? "stop_sharing" : "share_position");
  const here = app.position.here;
  // Whether the command centre sees this phone comes first, then how well it knows.
  const state = t(sharing() && on ? "sharing" : "not_sharing");
  $("#fix").textContent = app.position.denied
    ? t("geo_denied")
    : here
      ? `${state} · ${t("accuracy", { m: Math.round(here.accuracy ?? 0) })} · ${here.lat.toFixed(5)}, ${here.lon.toFixed(5)}`
      : `${state} · ${t("no_fix")}`;
  $("#broadcasts").replaceChildren(
    ...app.channel.broadcasts().slice(-5).reverse()
      .map((item) => element("li", {}, element("span", { class: "from" }, item.from ?? ""), " ", item.text)),
  );
}

function renderOutbox(entries) {
  const list = $("#outbox");
  if (!entries.length) {
    list.replaceChildren(element("li", { class: "muted" }, t("outbox_empty")));
    return;
  }
  list.replaceChildren(
    ...entries.map((entry) =>
      element(
        "li",
        { dataset: { state: entry.state, id: entry.id, command: entry.command } },
        element("span", { class: "what" }, t(entry.command, entry.body), entry.photo || entry.uploaded ? ` · ${t("photo")}` : ""),
        element("span", { class: "state" }, t(`state_${entry.state}`)),
        element("span", { class: "when" }, new Date(entry.created).toLocaleTimeString(lang() === "zh" ? "zh-CN" : "en-GB")),
        entry.state === "refused" ? element("span", { class: "why" }, refusal(entry.code, entry.message)) : null,
      ),
    ),
  );
}

boot();

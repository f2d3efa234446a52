// The command centre: wires the token, the live feed, the views, the map and the
// panels. Data comes only over the live WebSocket; commands go out over HTTP.

import { Actions } from "./actions.js";
import { CheckOns, viewsFor } from "./checkons.js";
import { claims, forgetToken, fragment, keepToken, takeToken } from "./auth.js";
import { Commands } from "./commands.js";
import { element } from "./dom.js";
import { Feed } from "./feed.js";
import { lang, onLanguage, setLanguage, t, term, translate } from "./i18n.js";
import { refusal as inWords } from "./refusals.js";
import { IncidentPanel } from "./incident.js";
import { MapView } from "./map.js";
import { Board, renderRoster, renderStats, statsTabs } from "./panels.js";
import { PersonPanel } from "./people.js";
import { Replay } from "./replay.js";
import { fieldClock, PEOPLE_VIEWS, VIEWS, Views } from "./views.js";
import { WarningLayer } from "./warnings.js";

const config = JSON.parse(document.getElementById("config").textContent);
const $ = (id) => document.getElementById(id);
const socketBase = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}`;

const page = {
  token: null,
  operationId: null,
  mode: "live",
  views: new Views(),
  feed: null,
  connection: { state: "connecting" },
};

const board = new Board($("board"), (id) => {
  mapView.open(`incident:${id}`);
  incident.open(id);
}, config.waiting_minutes);
statsTabs($("stats"));
$("board").querySelector("[data-sort-reset]").addEventListener("click", () => {
  board.sort = null;
  board.render(page.views, page.mode === "live");
});
$("waiting-alarm").addEventListener("click", () => {
  const select = $("board").querySelector('select[data-filter="status"]');
  select.value = "unassigned";
  select.dispatchEvent(new Event("change"));
});

/** The kind filter's choices, in the chosen language. */
function kindChoices() {
  const select = $("board").querySelector('select[data-filter="kind"]');
  const chosen = select.value;
  select.replaceChildren(element("option", { value: "" }, t("filter_all_kinds")),
    ...config.kinds.map((kind) => element("option", { value: kind }, term(kind))));
  select.value = chosen;
}
kindChoices();
const actions = new Actions({
  panel: $("action"), toast: $("toast"), commands: null, views: page.views, config, commander: false,
});
const incident = new IncidentPanel({ panel: $("incident"), views: page.views, actions, page });
const mapView = new MapView($("map"), config, {
  pickIncident: (key) => incident.open(key.replace(/^incident:/, "")),
  clickMap: (latlng) => page.mode === "live" && actions.report(latlng),
});
const warningLayer = new WarningLayer(mapView.map);
const person = new PersonPanel({ actions, page });
const checkons = new CheckOns({ section: $("checkons"), actions, page });
// A roster line opens that volunteer's panel (enrol a phone, revoke a lost one's token).
$("roster").addEventListener("click", (event) => {
  const line = event.target.closest("li[data-key]");
  if (line && actions.commander && page.mode === "live") person.open(line.dataset.key);
});
$("roster").addEventListener("keydown", (event) => {
  const line = event.target.closest("li[data-key]");
  if (line && event.key === "Enter" && actions.commander && page.mode === "live") person.open(line.dataset.key);
});

// Rendering follows the data at most once a frame.
let dirty = new Set();
let scheduled = false;
function changed(views) {
  for (const view of views) dirty.add(view);
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    const views = dirty;
    dirty = new Set();
    render(views);
  });
}

function render(views) {
  const started = performance.now();
  const live = page.mode === "live";
  if (views.has("operations")) {
    showOperation();
    mapView.setArea(operationRow()?.area ?? null);
  }
  if (views.has("map") || views.has("operations")) mapView.render(page.views.rows.map);
  if (views.has("warnings")) warningLayer.render(page.views.rows.warnings);
  if (views.has("board")) board.render(page.views, live);
  else if (views.has("roster")) board.tick(page.views, live); // who is nearest moved
  if (["stats", "board", "roster", "hazards"].some((v) => views.has(v))) showStats();
  if (views.has("roster")) renderRoster($("roster"), page.views, page.operationId);
  if (views.has("roster") || views.has("board")) actions.refresh();
  if (["board", "timeline", "roster"].some((v) => views.has(v))) incident.refresh();
  if (["operations", ...PEOPLE_VIEWS].some((v) => views.has(v))) checkons.render(); // not the roster: it moves too often
  document.body.dataset.position = String(page.views.position ?? "");
  showClock();
  page.renderMs = performance.now() - started; // the last render's cost, for a person tuning it
  page.onRender?.(page.renderMs); // brigade bench page listens here
}

/** The statistics, and the header's count of incidents waiting too long. */
function showStats() {
  const now = page.views.now(page.mode === "live");
  const late = renderStats($("stats"), page.views, page.operationId, { now, limits: config.waiting_minutes });
  const alarm = $("waiting-alarm");
  alarm.hidden = late === 0;
  alarm.dataset.count = String(late);
  alarm.textContent = t("waiting_alarm", { n: late });
}

function showClock() {
  const now = page.views.now(page.mode === "live");
  $("clock").textContent = Number.isNaN(page.views.asOf) ? "" : fieldClock(now, page.views.offset);
}

function showConnection(state, detail = {}) {
  page.connection = { state, ...detail };
  const badge = $("connection");
  badge.dataset.state = state;
  const labels = {
    connecting: t("connecting"), connected: page.mode === "live" ? t("connected") : t("replaying"),
    reconnecting: t("reconnecting", { s: Math.ceil((detail.wait ?? 0) / 1000) }),
    unauthorized: t("unauthorized"), refused: `${t("refused")}${detail.message ? `: ${detail.message}` : ""}`,
  };
  badge.textContent = labels[state] ?? state;
  if (page.views.position != null) badge.title = `#${page.views.position}`;
  if (state === "unauthorized") {
    const why = { expired: "token_expired", revoked: "token_revoked" }[detail.reason];
    signIn(t(why ?? "token_rejected"));
  }
}

const liveUrl = () => `${socketBase}/ws/live?token=${encodeURIComponent(page.token)}`;

/** Subscribe to every view of the chosen operation, live. */
function goLive() {
  page.feed?.stop();
  page.views.take({ type: "reset" });
  page.feed = new Feed({
    url: liveUrl,
    subscribe: (after) => ({
      type: "subscribe", views: [...VIEWS, ...viewsFor(page.who?.role)], operation_id: page.operationId, after,
    }),
    onFrame: (frame) => page.views.take(frame),
    onState: showConnection,
  });
  page.feed.start();
}

const replay = new Replay({ views: page.views, socketBase, page, showConnection, bar: $("replay-bar") });

function setMode(mode) {
  if (mode === "replay" && !config.playback) {
    actions.notify(t("replay_unavailable"), "warn");
    return;
  }
  page.mode = mode;
  document.body.dataset.mode = mode;
  for (const button of document.querySelectorAll("#modes button")) {
    button.setAttribute("aria-pressed", String(button.dataset.mode === mode));
  }
  actions.close();
  incident.close();
  if (mode === "live") {
    replay.stop();
    goLive();
  } else {
    page.feed?.stop();
    page.feed = null;
    replay.start();
  }
}

// The operation: from the fragment, this tab's last choice, or picked from those with activity.
function chooseOperation(id) {
  page.operationId = id;
  actions.operationId = id;
  sessionStorage.setItem("brigade.operation", id);
  const params = fragment();
  params.set("operation", id);
  history.replaceState(null, "", `${location.pathname}${location.search}#${params}`);
  showOperation();
  $("picker").hidden = true;
  mapView.fitted = false;
  setMode(page.mode);
}

/** The chosen operation's row of the operations view: its name, kind, area, status. */
function operationRow() {
  return page.operationId ? page.views.rows.operations.get(page.operationId) : undefined;
}

function showOperation() {
  const id = page.operationId;
  const row = operationRow();
  const button = $("operation");
  if (!id) button.textContent = t("no_operation");
  else if (!row) button.textContent = `${t("operation")} ${id.slice(0, 8)}`;
  else button.textContent = row.status === "closed" ? `${row.name} · ${term("closed")}` : row.name;
  button.title = row ? `${row.name} · ${term(row.kind)} · ${id}` : id ?? "";
  button.dataset.status = row?.status ?? "";
}

function pickOperation() {
  // Every operation, from the operations view: open ones first, the newest first.
  page.feed?.stop();
  const directory = new Views();
  const list = $("picker").querySelector("ul");
  const opened = (row) => Date.parse(row.opened_at ?? "") || 0;
  const feed = new Feed({
    url: liveUrl,
    subscribe: (after) => ({ type: "subscribe", views: ["operations", "stats"], after }),
    onFrame: (frame) => {
      directory.take(frame);
      const rows = [...directory.rows.operations.values()];
      if (rows.length === 1 && frame.type === "snapshot" && frame.view === "operations") {
        feed.stop();
        chooseOperation(rows[0].id);
        return;
      }
      rows.sort((a, b) => Number(a.status !== "open") - Number(b.status !== "open") || opened(b) - opened(a));
      list.replaceChildren(...rows.map((row) => {
        const incidents = directory.rows.stats.get(row.id)?.incidents ?? 0;
        const button = element("button", { type: "button", dataset: { operation: row.id, status: row.status } },
          element("strong", {}, row.name),
          element("span", {}, ` · ${term(row.kind)} · ${term(row.status)} · ${incidents} ${t("incidents").toLowerCase()}`));
        button.addEventListener("click", () => {
          feed.stop();
          chooseOperation(row.id);
        });
        return element("li", {}, button);
      }));
    },
    onState: showConnection,
  });
  page.feed = feed;
  feed.start();
  $("picker").hidden = false;
}

$("picker").querySelector("form").addEventListener("submit", (event) => {
  event.preventDefault();
  const id = new FormData(event.target).get("operation").trim();
  if (id) {
    page.feed?.stop();
    chooseOperation(id);
  }
});

function signIn(message = "") {
  page.feed?.stop();
  const overlay = $("login");
  const error = overlay.querySelector(".error");
  error.textContent = message;
  error.hidden = !message;
  overlay.hidden = false;
  overlay.querySelector("input").focus();
}

$("login").querySelector("form").addEventListener("submit", (event) => {
  event.preventDefault();
  const token = new FormData(event.target).get("token").trim();
  if (!token) return;
  keepToken(token);
  $("login").hidden = true;
  start(token);
});

/** Who is signed in, in the chosen language. */
function showWho() {
  const who = page.who;
  if (!who) return;
  $("who").textContent = `${who.subject} · ${term(who.role)}`;
  // Said a day ahead, so that a screen is not signed out unawares in the night.
  if (who.expires && who.expires - Date.now() < 86_400_000) {
    const when = new Date(who.expires).toLocaleString();
    $("who").textContent += ` · ${t("token_expires", { when })}`;
  }
  $("who").title = $("who").textContent; // whole, where the header cuts it short
}

function start(token) {
  page.token = token;
  const who = claims(token);
  const commander = who.role === "commander";
  actions.commands = new Commands(token);
  actions.commander = commander;
  document.body.dataset.role = who.role;
  page.who = who;
  showWho();
  const wanted = fragment().get("operation") || sessionStorage.getItem("brigade.operation");
  if (wanted) chooseOperation(wanted);
  else pickOperation();
}

$("operation").addEventListener("click", () => pickOperation());
// The after-action report, so far: fetched with the token, opened in a new tab
// (while the click still counts as the person's, a few seconds).
$("report").addEventListener("click", async () => {
  if (!page.operationId || !actions.commands) return;
  try {
    const url = await actions.commands.report(page.operationId);
    if (!window.open(url, "_blank")) location.assign(url);
  } catch (error) {
    actions.notify(`${t("refused_title")}: ${inWords(error)}`, "warn");
  }
});
$("signout").addEventListener("click", () => {
  forgetToken();
  sessionStorage.removeItem("brigade.operation");
  page.feed?.stop();
  replay.stop();
  signIn();
});
$("language").addEventListener("click", () => setLanguage(lang() === "zh" ? "en" : "zh"));
// Escape closes the panel on top: the dispatch list or an image first, then the incident.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  if (!$("action").hidden) actions.close();
  else if (!$("incident").hidden) incident.close();
});
for (const button of document.querySelectorAll("#modes button")) {
  button.addEventListener("click", () => setMode(button.dataset.mode));
}
onLanguage(() => {
  $("language").textContent = lang() === "zh" ? "English" : "中文";
  showConnection(page.connection.state, page.connection);
  mapView.drawLegend();
  kindChoices();
  showWho();
  board.rows.clear(); // lines are rebuilt in the new language
  if (incident.id) incident.open(incident.id);
  showOperation();
  render(new Set(VIEWS));
});

page.views.onChange(changed);
setInterval(() => {
  board.tick(page.views, page.mode === "live");
  showStats();
  showClock();
}, 1000);

setLanguage(lang());
translate(document);
window.brigade = page; // for a person at the console, and for the browser tests
const token = takeToken();
if (token) start(token);
else signIn();

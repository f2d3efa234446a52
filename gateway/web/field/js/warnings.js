// Risk warnings over me, pushed on /ws/me (the `warnings` row): shown above every
// screen in their colour, headline and instruction in the app's language. A warning
// not seen before, or raised to a higher level, is announced: a banner to dismiss,
// and a vibration where the phone has one. What was announced is kept, so a reload
// or a reconnect does not announce it again.

import { $, element } from "./dom.js";
import { lang, t } from "./i18n.js";

const SEEN = "brigade.field.warnings"; // warning id: the highest level announced
const RANK = { blue: 1, yellow: 2, orange: 3, red: 4 };

let ready = false;

/** A text in the app's language, else the other one. */
const words = (texts) => (texts ? texts[lang()] || texts.zh || texts.en || "" : "");

function seen() {
  try {
    return JSON.parse(localStorage.getItem(SEEN) || "{}");
  } catch {
    return {};
  }
}

function setup() {
  ready = true;
  $("#warning-dismiss").addEventListener("click", () => {
    $("#warning-banner").hidden = true;
  });
}

export function showWarnings(app) {
  if (!ready) setup();
  const row = app.channel?.rows.warnings;
  const items = row?.items ?? [];
  const box = $("#warnings");
  box.hidden = !items.length;
  const when = (text) => new Date(text).toLocaleString(lang() === "zh" ? "zh-CN" : "en-GB", { dateStyle: "short", timeStyle: "short" });
  box.replaceChildren(
    ...items.map((item) =>
      element(
        "article",
        { class: "warning", dataset: { level: item.level, id: item.id } },
        element("h2", {}, element("span", { class: "level" }, t("warning_level", { level: t(item.level) })), " ", words(item.headline)),
        words(item.instruction) ? element("p", { class: "instruction" }, words(item.instruction)) : null,
        element("p", { class: "until" }, item.area_desc, " · ", t("warning_until", { t: when(item.expiry) })),
      ),
    ),
  );
  // Before the rows kept or sent are in, nothing is known: forget nothing either.
  if (row) announce(items);
  const banner = $("#warning-banner");
  const shown = items.find((item) => item.id === banner.dataset.id);
  if (!banner.hidden && shown) {
    // The language may have changed since it was announced.
    $("#warning-banner-headline").textContent = words(shown.headline);
    $("#warning-banner-instruction").textContent = words(shown.instruction);
  }
}

/** A banner (and a vibration) for each warning new to this phone or raised. */
function announce(items) {
  const known = seen();
  const fresh = items.filter((item) => (known[item.id] ?? 0) < RANK[item.level]);
  const current = Object.fromEntries(items.map((item) => [item.id, Math.max(known[item.id] ?? 0, RANK[item.level])]));
  localStorage.setItem(SEEN, JSON.stringify(current));
  if (!fresh.length) return;
  const top = fresh.reduce((a, b) => (RANK[b.level] > RANK[a.level] ? b : a));
  const banner = $("#warning-banner");
  banner.dataset.level = top.level;
  banner.dataset.id = top.id;
  const what = $("#warning-banner-what");
  what.dataset.i18n = known[top.id] ? "warning_raised" : "warning_new";
  what.textContent = t(what.dataset.i18n);
  banner.hidden = false;
  navigator.vibrate?.([400, 150, 400]);
}

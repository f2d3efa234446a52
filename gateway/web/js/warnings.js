// Risk warnings on the map: each standing warning's area as a polygon in its colour
// (blue, yellow, orange, red), under everything else, its headline on hover. Rows
// come from the warnings view; each carries its area as a GeoJSON Polygon.

import { element } from "./dom.js";
import { LABELS, lang, t, TERMS, term } from "./i18n.js";

const L = window.L;

export const LEVELS = { blue: "#3d7bff", yellow: "#f5c242", orange: "#f08a24", red: "#e5393b" };

// This module's words, in the page's one table.
Object.assign(LABELS.en, { level_warning: "{level} warning", until: "until {when}" });
Object.assign(LABELS.zh, { level_warning: "{level}预警", until: "有效至 {when}" });
Object.assign(TERMS.en, { blue: "blue", yellow: "yellow", orange: "orange", red: "red" });
Object.assign(TERMS.zh, { blue: "蓝色", yellow: "黄色", orange: "橙色", red: "红色" });

/** A warning's text in the page's language, else in the other one. */
const said = (texts) => texts?.[lang()] || texts?.[lang() === "zh" ? "en" : "zh"] || "";

const latLng = ([lon, lat]) => [lat, lon];

export class WarningLayer {
  constructor(map) {
    this.map = map;
    map.createPane("warnings").style.zIndex = "405"; // above tiles, under lines
    this.layers = new Map(); // warning id -> { row, layer }
  }

  /** Bring the polygons in line with the warnings view's rows: active ones only,
   * changed in place. */
  render(rows) {
    for (const [key, entry] of this.layers) {
      const row = rows.get(key);
      if (row?.status === "active") continue;
      entry.layer.closeTooltip();
      entry.layer.remove();
      this.layers.delete(key);
    }
    for (const [key, row] of rows) {
      if (row.status !== "active") continue;
      const entry = this.layers.get(key);
      if (entry?.row === row) continue;
      const colour = LEVELS[row.level] ?? LEVELS.blue;
      const rings = row.geometry.coordinates.map((ring) => ring.map(latLng));
      const style = { color: colour, fillColor: colour };
      let layer = entry?.layer;
      if (layer) {
        layer.setLatLngs(rings).setStyle(style);
      } else {
        layer = L.polygon(rings, {
          ...style, pane: "warnings", weight: 2, fillOpacity: 0.12, dashArray: "6 4",
          className: "warning-area",
        }).bindTooltip(() => this.tooltip(key), { sticky: true });
        layer.addTo(this.map);
      }
      const path = layer.getElement?.() ?? layer._path;
      if (path) Object.assign(path.dataset, { key, layer: "warning", level: row.level });
      this.layers.set(key, { row, layer });
    }
    // An open tooltip says the row as it now stands, in the language now chosen.
    for (const [key, { layer }] of this.layers) {
      if (layer.isTooltipOpen()) layer.setTooltipContent(() => this.tooltip(key));
    }
  }

  tooltip(key) {
    const row = this.layers.get(key)?.row;
    if (!row) return "";
    const when = new Date(row.expiry).toLocaleString();
    return element("div", { class: "warning-tip" },
      element("strong", {}, `${t("level_warning", { level: term(row.level) })} · ${said(row.headline)}`),
      element("div", {}, said(row.instruction)),
      element("small", {}, `${row.area_desc} · ${t("until", { when })}`));
  }
}

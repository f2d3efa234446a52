// The map: Leaflet over the base layer (basemap.js); one layer per feature of the
// live map view, updated in place as its row changes. Incidents cluster where they
// are dense, open ones above ended ones; routes and cleared roads are drawn while
// their incident is open and fade when it ends.

import { baseLayer } from "./basemap.js";
import { element } from "./dom.js";
import { lang, place, t, term } from "./i18n.js";
import { ended } from "./views.js";

const L = window.L;

// Luojiang district, Quanzhou: where the map starts before anything is known.
const HOME = [[24.88, 118.52], [24.98, 118.66]];

export const SEVERITY = { 1: "#5fb35f", 2: "#b6c93a", 3: "#f5c242", 4: "#f08a24", 5: "#e5393b" };
export const STATUS = { available: "#3ecf6a", dispatched: "#ffb020", on_scene: "#3d9bff", off_duty: "#8a94a0" };

// One glyph per incident kind (24×24, drawn white on the severity's colour).
const GLYPHS = {
  fire: "M12 2c1 4 6 6 6 12a6 6 0 0 1-12 0c0-3 2-5 3-7 0 2 1 3 2 3 0-3 0-5 1-8z",
  flood: "M3 14c3 0 3-2 6-2s3 2 6 2 3-2 6-2v3c-3 0-3 2-6 2s-3-2-6-2-3 2-6 2zM3 19c3 0 3-2 6-2s3 2 6 2 3-2 6-2v3c-3 0-3 2-6 2s-3-2-6-2-3 2-6 2zM12 3l7 7H5z",
  trapped_persons: "M12 2a3 3 0 1 1 0 6 3 3 0 0 1 0-6zM7 10h10l-2 12H9z",
  water_rescue: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zm0 5a4 4 0 1 1 0 8 4 4 0 0 1 0-8z",
  hornet_nest: "M12 2l8 5v10l-8 5-8-5V7z",
  road_blocked: "M2 8h20v7H2zM5 15h2v6H5zM17 15h2v6h-2z",
  medical: "M9 3h6v6h6v6h-6v6H9v-6H3V9h6z",
  other: "M10.5 3h3v11h-3zM10.5 17h3v3h-3z",
};

export function glyph(kind, size = 22) {
  const path = GLYPHS[kind] ?? GLYPHS.other;
  return `<svg viewBox="0 0 24 24" width="${size}" height="${size}" aria-hidden="true"><path fill="#fff" fill-rule="evenodd" d="${path}"/></svg>`;
}

function incidentIcon(props) {
  const colour = SEVERITY[props.severity] ?? SEVERITY[3];
  return L.divIcon({
    className: `incident-icon${ended(props.status) ? " ended" : ""}`,
    html: `<span style="background:${colour}" data-kind="${escape(props.kind)}" data-status="${escape(props.status)}">${glyph(props.kind)}</span>`,
    iconSize: [34, 34],
    iconAnchor: [17, 17],
  });
}

function hazardIcon(props) {
  const colour = SEVERITY[props.severity] ?? SEVERITY[3];
  return L.divIcon({
    className: "hazard-icon",
    html: `<svg viewBox="0 0 24 24" width="24" height="24"><path d="M12 2l11 20H1z" fill="${colour}" stroke="#111" stroke-width="1.5"/><path d="M11 9h2v7h-2zM11 17.5h2v2h-2z" fill="#111"/></svg>`,
    iconSize: [24, 24],
    iconAnchor: [12, 14],
  });
}

const latLng = ([lon, lat]) => [lat, lon];

const incidentTitle = (props) => `${term(props.kind)} · ${place(props.address)}`;

/** Volunteers off duty (on no operation's shift) stay off the map; the roster lists
 * them. A route or cleared road is shown while its incident is open. */
function shown(row, rows) {
  const props = row.properties;
  if (props.layer === "volunteer") return props.status !== "off_duty";
  if (props.layer === "track") return props.operation_id != null;
  if (props.layer === "route" || props.layer === "road") return lineOpen(props, rows);
  return true;
}

function lineOpen(props, rows) {
  const incident = rows.get(`incident:${props.incident_id}`);
  return incident != null && !ended(incident.properties.status);
}

const isLine = (row) => row.properties.layer === "route" || row.properties.layer === "road";
// How long a line takes to fade once its incident has ended (app.css: .fading).
const FADE_MS = 1500;

/** A cluster's badge: how many, coloured by the most severe open incident in it. */
function clusterIcon(cluster, open) {
  const markers = cluster.getAllChildMarkers();
  const worst = Math.max(...markers.map((m) => m.options.severity ?? 3));
  const colour = open ? SEVERITY[worst] ?? SEVERITY[3] : "#56606b";
  const size = markers.length < 10 ? 38 : markers.length < 50 ? 46 : 54;
  return L.divIcon({
    className: `incident-cluster${open ? "" : " ended"}`,
    html: `<span style="--c:${colour}" data-count="${markers.length}" data-severity="${worst}">${markers.length}</span>`,
    iconSize: [size, size],
  });
}

/** Text from the field (names, notes, captions) as a node, never parsed as HTML. */
const plain = (text) => element("span", {}, text);

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);

export class MapView {
  /** config: the page's config; handlers: { pickIncident(key), clickMap(latlng) }. */
  constructor(element, config, handlers) {
    this.handlers = handlers;
    const attributionControl = Boolean(config.tile_url || config.basemap);
    // A last zoom (street level and a little more) that clustering needs to know.
    this.map = L.map(element, { zoomControl: true, attributionControl, preferCanvas: false, maxZoom: 19 });
    this.map.fitBounds(HOME);
    this.base = baseLayer(this.map, element, config, lang());
    L.control.scale({ metric: true, imperial: false, maxWidth: 160 }).addTo(this.map);
    this.legend = L.control({ position: "bottomright" });
    this.legend.onAdd = () => L.DomUtil.create("div", "legend");
    this.legend.addTo(this.map);
    this.drawLegend();
    this.area = L.rectangle(HOME, {
      color: "#9fb4cc", weight: 2, dashArray: "8 6", fill: true, fillOpacity: 0.06, interactive: false,
      className: "operation-area",
    }).addTo(this.map);
    this.given = null; // the area the operation was opened with, [west, south, east, north]
    this.fittedGiven = false;
    this.panes();
    this.clusters = { open: this.cluster("incidents", true), ended: this.cluster("ended", false) };
    this.layers = new Map(); // key -> { row, layer }
    this.fitted = false;
    this.map.on("click", (event) => handlers.clickMap(event.latlng));
    // The panels and bars around the map change its size; Leaflet must be told.
    new ResizeObserver(() => this.map.invalidateSize()).observe(element);
  }

  panes() {
    for (const [name, z] of [["lines", 410], ["ended", 600], ["people", 620], ["incidents", 640]]) {
      this.map.createPane(name).style.zIndex = String(z);
    }
  }

  /** Incidents grouped where they would overlap: open ones in their own group, in
   * a pane above the ended ones'. Apart at street level, spread when still stacked. */
  cluster(pane, open) {
    return L.markerClusterGroup({
      clusterPane: pane,
      maxClusterRadius: 36,
      disableClusteringAtZoom: 16,
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      chunkedLoading: true,
      iconCreateFunction: (cluster) => clusterIcon(cluster, open),
    }).addTo(this.map);
  }

  groupFor(props) {
    return ended(props.status) ? this.clusters.ended : this.clusters.open;
  }

  /** What the colours and lines mean, in the chosen language. */
  drawLegend() {
    this.base.relabel(lang());
    this.retitle();
    const swatch = (colour, label, shape = "dot") => `<li><i class="${shape}" style="--c:${colour}"></i>${label}</li>`;
    const element = this.legend.getContainer();
    element.innerHTML = `<ul>
      ${[1, 2, 3, 4, 5].map((n) => swatch(SEVERITY[n], `${t("severity")} ${n}`)).join("")}
      ${swatch("#56606b", term("resolved"))}${swatch(SEVERITY[4], t("map_cluster"), "cluster")}
      ${["available", "dispatched", "on_scene"].map((status) => swatch(STATUS[status], term(status), "ring")).join("")}
      ${swatch("#4fb3ff", t("route"), "dash")}${swatch("#3ecf6a", t("road"), "line")}
      ${swatch(SEVERITY[4], t("hazard"), "tri")}</ul>`;
  }

  /** Bring the layers in line with the map view's rows. */
  render(rows) {
    // Markers join and leave their cluster groups in one batch per frame: a
    // snapshot of hundreds of incidents is clustered once, not once per marker.
    this.batch = { add: new Map(), remove: new Map() };
    for (const [key, entry] of this.layers) {
      const row = rows.get(key);
      if (!row || !shown(row, rows)) {
        if (row && isLine(row)) this.fade(entry.layer);
        else this.removeLayer(entry);
        this.layers.delete(key);
      }
    }
    for (const [key, row] of rows) {
      if (!shown(row, rows)) continue;
      const entry = this.layers.get(key);
      if (entry?.row === row) continue;
      if (entry) this.update(key, entry, row);
      else this.add(key, row);
    }
    const { add, remove } = this.batch;
    this.batch = null;
    for (const [group, markers] of remove) group.removeLayers(markers);
    for (const [group, markers] of add) group.addLayers(markers);
    if (this.reopen) this.layers.get(this.reopen)?.layer.openPopup();
    this.reopen = null;
    this.frame();
  }

  /** Into (or out of) a cluster group: batched while rendering, at once otherwise. */
  grouped(group, marker, join) {
    if (!this.batch) {
      if (join) group.addLayer(marker);
      else group.removeLayer(marker);
      return;
    }
    const pending = join ? this.batch.add : this.batch.remove;
    if (!pending.has(group)) pending.set(group, []);
    pending.get(group).push(marker);
  }

  /** The area the operations view gives the operation (a GeoJSON bbox), or null. It
   * is drawn here, when the operations view changes, and fitted once; the map's
   * deltas leave it alone. */
  setArea(bbox) {
    this.given = Array.isArray(bbox) && bbox.length === 4 ? bbox : null;
    const element = this.map.getContainer();
    if (!this.given) {
      delete element.dataset.area;
      return;
    }
    const [west, south, east, north] = this.given;
    const area = L.latLngBounds([south, west], [north, east]);
    this.area.setBounds(area);
    element.dataset.area = this.given.join(",");
    // Fitted once, or again if the first fit was only to what was on the map.
    if (!this.fitted || !this.fittedGiven) {
      this.fitted = this.fittedGiven = true;
      this.map.fitBounds(area, { maxZoom: 15, animate: false });
    }
  }

  /** Without a given area, the operation's area is drawn around what is on the map
   * (not the rows it leaves off, such as off-duty volunteers); the view fits it once. */
  frame() {
    if (this.given) return;
    const bounds = L.latLngBounds([]);
    for (const { row } of this.layers.values()) {
      const layer = row.properties.layer;
      if (layer !== "track" && layer !== "image") {
        const { coordinates, type } = row.geometry;
        for (const point of type === "Point" ? [coordinates] : coordinates) bounds.extend(latLng(point));
      }
    }
    if (!bounds.isValid()) return;
    // At least about a kilometre across, so that one incident still has an area.
    const centre = bounds.getCenter();
    bounds.extend([centre.lat - 0.005, centre.lng - 0.005]).extend([centre.lat + 0.005, centre.lng + 0.005]);
    const area = bounds.pad(0.15);
    this.area.setBounds(area);
    if (!this.fitted) {
      this.fitted = true;
      this.fittedGiven = false;
      this.map.fitBounds(area, { maxZoom: 15, animate: false });
    }
  }

  /** The line of an incident that has ended: it fades, then goes. */
  fade(layer) {
    layer.getElement?.()?.classList.add("fading");
    setTimeout(() => layer.remove(), FADE_MS);
  }

  removeLayer(entry) {
    if (entry.row.properties.layer === "incident") this.grouped(entry.group, entry.layer, false);
    else entry.layer.remove();
  }

  /** Titles follow the language: an address shows its Chinese or its pinyin. */
  retitle() {
    for (const [key, entry] of this.layers ?? []) {
      if (entry.row.properties.layer !== "incident") continue;
      entry.layer.options.title = incidentTitle(entry.row.properties);
      const marker = entry.layer.getElement();
      if (marker) marker.title = entry.layer.options.title;
      this.tag(entry.layer, key, "incident");
    }
  }

  add(key, row) {
    const props = row.properties;
    let layer;
    switch (props.layer) {
      case "incident": {
        const group = this.groupFor(props);
        layer = L.marker(latLng(row.geometry.coordinates), {
          icon: incidentIcon(props), pane: ended(props.status) ? "ended" : "incidents",
          title: incidentTitle(props), riseOnHover: true, severity: props.severity,
        });
        layer.on("click", () => this.handlers.pickIncident(key));
        // A clustered marker gets a new element each time it is shown on its own.
        layer.on("add", () => this.tag(layer, key, "incident"));
        this.grouped(group, layer, true);
        this.layers.set(key, { row, layer, group });
        return;
      }
      case "volunteer":
        layer = L.circleMarker(latLng(row.geometry.coordinates), {
          pane: "people", radius: 8, weight: 2, color: "#0b0f14", fillOpacity: 1,
          fillColor: STATUS[props.status] ?? STATUS.off_duty,
        }).bindTooltip(() => {
          const now = this.layers.get(key).row.properties;
          return plain(`${now.name} · ${term(now.status)}`);
        });
        break;
      case "track":
        layer = L.polyline(row.geometry.coordinates.map(latLng), {
          pane: "lines", color: "#cfd8e3", weight: 2, opacity: 0.55, dashArray: "2 5", interactive: false,
        });
        break;
      case "route":
        layer = L.polyline(row.geometry.coordinates.map(latLng), {
          pane: "lines", color: "#4fb3ff", weight: 5, opacity: 0.9, dashArray: "10 8",
        }).bindTooltip(plain(props.note || t("route")));
        break;
      case "road":
        layer = L.polyline(row.geometry.coordinates.map(latLng), {
          pane: "lines", color: "#3ecf6a", weight: 7, opacity: 0.8,
        }).bindTooltip(plain(props.note || t("road")));
        break;
      case "hazard":
        layer = L.marker(latLng(row.geometry.coordinates), {
          icon: hazardIcon(props), pane: "people", title: `${props.premises}: ${term(props.kind)}`,
        });
        break;
      case "image":
        layer = L.circleMarker(latLng(row.geometry.coordinates), {
          pane: "people", radius: 4, color: "#fff", weight: 1, fillColor: "#b084ff", fillOpacity: 1,
        }).bindTooltip(plain(props.caption || t("images")));
        break;
      default:
        return;
    }
    layer.addTo(this.map);
    this.tag(layer, key, props.layer);
    this.layers.set(key, { row, layer });
  }

  /** Mark the layer's element so that tests and styles can find it by key. */
  tag(layer, key, kind) {
    const element = layer.getElement?.() ?? layer._path;
    if (element) {
      element.dataset.key = key;
      element.dataset.layer = kind;
    }
  }

  update(key, entry, row) {
    const props = row.properties;
    const { layer } = entry;
    entry.row = row;
    if (row.geometry.type === "Point") layer.setLatLng(latLng(row.geometry.coordinates));
    else layer.setLatLngs(row.geometry.coordinates.map(latLng));
    if (props.layer === "incident") {
      if (this.groupFor(props) !== entry.group) {
        // Open to ended (or back, in replay): into the other group and pane.
        if (layer.isPopupOpen()) this.reopen = key;
        this.grouped(entry.group, layer, false);
        this.layers.delete(key);
        this.add(key, row);
        return;
      }
      layer.options.severity = props.severity;
      layer.options.title = incidentTitle(props);
      layer.setIcon(incidentIcon(props));
      entry.group.refreshClusters(layer);
      this.tag(layer, key, props.layer);
      if (layer.isPopupOpen()) layer.setPopupContent(this.handlers.incidentPopup(key, row));
    } else if (props.layer === "hazard") {
      layer.setIcon(hazardIcon(props));
      this.tag(layer, key, props.layer);
    } else if (props.layer === "volunteer") {
      layer.setStyle({ fillColor: STATUS[props.status] ?? STATUS.off_duty });
    }
  }

  open(key) {
    const entry = this.layers.get(key);
    if (!entry) return;
    if (entry.group) {
      // Out of its cluster first (zooming in or spreading it), then opened.
      entry.group.zoomToShowLayer(entry.layer, () => entry.layer.openPopup());
      return;
    }
    this.map.panTo(entry.layer.getLatLng());
    entry.layer.openPopup();
  }
}

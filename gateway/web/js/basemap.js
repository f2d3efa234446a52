// What lies under the incidents: the district's own PMTiles archive served by this
// server (vector tiles drawn by the vendored protomaps-leaflet, labels in the
// chosen language), a deployment's tile server, or, with neither, an offline
// background that still orients the eye (graticule, scale).

const L = window.L;

/** Lines of latitude and longitude at a spacing that suits the zoom, with labels. */
class Graticule {
  constructor(map) {
    this.map = map;
    this.layer = L.layerGroup().addTo(map);
    // Leaflet ends every zoom with a moveend too (after zoomend): one redraw each.
    map.on("moveend", () => this.draw());
  }

  draw() {
    this.layer.clearLayers();
    const bounds = this.map.getBounds();
    const span = Math.max(bounds.getEast() - bounds.getWest(), bounds.getNorth() - bounds.getSouth());
    const steps = [10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001];
    const step = steps.find((s) => span / s >= 4) ?? 0.001;
    const digits = Math.max(0, Math.ceil(-Math.log10(step)));
    const style = { color: "#6c7a8c", weight: 1, opacity: 0.45, interactive: false };
    for (let lat = Math.ceil(bounds.getSouth() / step) * step; lat <= bounds.getNorth(); lat += step) {
      this.layer.addLayer(L.polyline([[lat, bounds.getWest()], [lat, bounds.getEast()]], style));
      this.label([lat, bounds.getWest()], `${lat.toFixed(digits)}°N`, "lat");
    }
    for (let lon = Math.ceil(bounds.getWest() / step) * step; lon <= bounds.getEast(); lon += step) {
      this.layer.addLayer(L.polyline([[bounds.getSouth(), lon], [bounds.getNorth(), lon]], style));
      this.label([bounds.getNorth(), lon], `${lon.toFixed(digits)}°E`, "lon");
    }
  }

  label(at, text, axis) {
    const icon = L.divIcon({ className: `graticule-label ${axis}`, html: text, iconSize: null });
    this.layer.addLayer(L.marker(at, { icon, interactive: false, keyboard: false }));
  }
}

/** The PMTiles archive's vector tiles, redrawn with labels in a new language. */
class Archive {
  constructor(map, basemap, language, attribution) {
    this.map = map;
    this.basemap = basemap;
    this.attribution = attribution;
    this.language = null;
    this.layer = null;
    this.relabel(language);
  }

  relabel(language) {
    if (language === this.language) return;
    this.language = language;
    this.layer?.remove();
    const options = {
      url: this.basemap.url,
      flavor: "dark",
      lang: language,
      // Past the archive's last zoom its tiles are drawn larger, not asked for.
      maxDataZoom: this.basemap.max_zoom,
      pane: "tilePane",
      className: "basemap-tiles",
    };
    if (this.attribution) options.attribution = this.attribution;
    this.layer = window.protomapsL.leafletLayer(options).addTo(this.map);
  }
}

/** The base layer this server's config asks for; `relabel(language)` after a switch. */
export function baseLayer(map, element, config, language) {
  if (config.basemap && config.basemap.tile_type === "mvt" && window.protomapsL) {
    element.dataset.basemap = "archive";
    map.attributionControl.setPrefix(false);
    return new Archive(map, config.basemap, language, config.tile_attribution);
  }
  if (config.tile_url) {
    element.dataset.basemap = "tiles";
    L.tileLayer(config.tile_url, { attribution: config.tile_attribution || "", maxZoom: 19 }).addTo(map);
    map.attributionControl.setPrefix(false);
    return { relabel() {} };
  }
  element.dataset.basemap = "graticule";
  element.classList.add("offline");
  const graticule = new Graticule(map);
  graticule.draw();
  return { relabel() {} };
}

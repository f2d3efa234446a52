// Where the phone is: one watch of the Geolocation API for the distance to an
// incident, the place a report is made and the track walked (kept for "route
// guided" and "road cleared"), and, while sharing is on, position reports that go
// no more often than the server coalesces them (one a second per volunteer,
// docs/protocol.md): after moving 25 m, or every 15 s standing still.

import { getValue, setValue } from "./db.js";

const MOVED = 25; // metres
const STILL = 15_000; // ms
const FLOOR = 1_000; // ms: the server's coalescing window
const TRACK = 500; // points kept

/** Metres between two {lat, lon} points (haversine). */
export function metres(a, b) {
  const rad = Math.PI / 180;
  const dlat = (b.lat - a.lat) * rad;
  const dlon = (b.lon - a.lon) * rad;
  const h = Math.sin(dlat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dlon / 2) ** 2;
  return 2 * 6371000 * Math.asin(Math.sqrt(h));
}

// A volunteer in a typhoon, on foot or on a bicycle through water: 15 km/h.
const PACE = 15000 / 60; // metres a minute

/** Minutes to cover `m` metres (at least 1). */
export function eta(m) {
  return Math.max(1, Math.ceil(m / PACE));
}

export class Position extends EventTarget {
  constructor() {
    super();
    this.here = null; // {lat, lon, accuracy, heading, speed, at}
    this.denied = false;
    this.track = []; // [{lon, lat, at}]
    this.lastSent = null;
    this.watch = null;
  }

  async start() {
    this.track = await getValue("track", []);
    if (!("geolocation" in navigator)) return;
    this.watch = navigator.geolocation.watchPosition(
      (fix) => this.fixed(fix),
      (error) => {
        this.denied = error.code === error.PERMISSION_DENIED;
        this.dispatchEvent(new Event("change"));
      },
      { enableHighAccuracy: true, maximumAge: 5_000 },
    );
  }

  fixed(fix) {
    const { latitude: lat, longitude: lon, accuracy, heading, speed } = fix.coords;
    this.here = { lat, lon, accuracy, heading, speed, at: Date.now() };
    this.denied = false;
    const last = this.track.at(-1);
    if (!last || metres(last, this.here) >= 5) {
      this.track.push({ lon, lat, at: this.here.at });
      this.track = this.track.slice(-TRACK);
      setValue("track", this.track);
    }
    this.dispatchEvent(new Event("change"));
  }

  /** The position to report now, or null if the last one sent is recent enough. */
  due(now = Date.now()) {
    if (!this.here) return null;
    const last = this.lastSent;
    if (last) {
      const elapsed = now - last.at;
      if (elapsed < FLOOR) return null;
      if (elapsed < STILL && metres(last, this.here) < MOVED) return null;
    }
    this.lastSent = { ...this.here, at: now };
    return this.here;
  }

  /** The track walked since `since` (ms), as GeoJSON [lon, lat] points. */
  walked(since = 0) {
    return this.track.filter((point) => point.at >= since).map((point) => [point.lon, point.lat]);
  }
}

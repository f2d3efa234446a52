// The client's copy of the views: rows by key per view, kept by snapshots and deltas.

export const VIEWS = ["board", "map", "stats", "roster", "hazards", "operations", "warnings", "timeline"];

/** Whether an incident's status says it is over: greyed on the map and board, not
 * counted open, offered no dispatch. */
export const ended = (status) => status === "resolved" || status === "closed";

/** Whether a field time (ms) is later than the latest so far (NaN: none yet). */
const later = (at, latest) => at > latest || (Number.isNaN(latest) && !Number.isNaN(at));

/** The latest field time a row mentions: [ms, as written] ([NaN, ""] when none). */
function fieldTime(row) {
  if (!row) return [NaN, ""];
  const props = row.properties ?? row;
  let latest = [NaN, ""];
  for (const text of [props.last_update, props.reported_at, props.at, row.position?.at]) {
    const at = text ? Date.parse(text) : NaN;
    if (later(at, latest[0])) latest = [at, text];
  }
  return latest;
}

/** The UTC offset an ISO time was written with, in minutes ("+08:00" -> 480). */
function offsetOf(text) {
  const match = /([+-])(\d\d):?(\d\d)$/.exec(text ?? "");
  if (!match) return 0;
  return (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/** A UTC offset as ISO writes it (480 -> "+08:00"). */
export function offsetText(minutes) {
  const abs = Math.abs(minutes);
  const sign = minutes < 0 ? "-" : "+";
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** A field time as the field wrote it: "2023-07-28 10:42:05 +08:00". */
export function fieldClock(ms, offsetMinutes) {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().replace("T", " ").slice(0, 19);
  return `${local} ${offsetText(offsetMinutes)}`;
}

export class Views {
  constructor() {
    this.rows = Object.fromEntries(VIEWS.map((name) => [name, new Map()]));
    this.position = null;
    this.asOf = NaN; // the latest field time seen (ms)
    this.heardAt = 0; // wall time when asOf last moved
    this.offset = 0; // the field's UTC offset, in minutes
    this.listeners = [];
  }

  onChange(listener) {
    this.listeners.push(listener);
  }

  changed(views) {
    for (const listener of this.listeners) listener(views);
  }

  take(frame) {
    if (frame.type === "snapshot") {
      const rows = new Map(Object.entries(frame.rows));
      this.rows[frame.view] = rows;
      for (const row of rows.values()) this.seen(row);
      this.position = Math.max(this.position ?? 0, frame.position);
      this.changed(new Set([frame.view]));
    } else if (frame.type === "deltas") {
      const touched = new Set();
      for (const { view, key, row, position } of frame.changes) {
        const rows = this.rows[view] ?? (this.rows[view] = new Map());
        if (row === null) rows.delete(key);
        else rows.set(key, row);
        this.seen(row);
        this.position = Math.max(this.position ?? 0, position);
        touched.add(view);
      }
      if (touched.size) this.changed(touched);
    } else if (frame.type === "reset") {
      for (const name of Object.keys(this.rows)) this.rows[name] = new Map();
      this.position = null;
      this.asOf = NaN;
      this.changed(new Set(VIEWS));
    }
  }

  seen(row) {
    const [at, text] = fieldTime(row);
    if (later(at, this.asOf)) {
      this.asOf = at;
      this.offset = offsetOf(text);
      this.heardAt = Date.now();
    }
  }

  /** Field time now: live, the latest seen plus the wall time since; replay, as seen. */
  now(live) {
    if (Number.isNaN(this.asOf)) return Date.now();
    return live ? this.asOf + (Date.now() - this.heardAt) : this.asOf;
  }
}

// What needs a decision first. The same rules as projections/triage.py (the browser
// tests hold the two together): unassigned before assigned before ended, then a
// volunteer's SOS, then the most severe, then the longest waiting; an unassigned incident past its
// severity's limit (BRIGADE_WAITING_MINUTES) is marked.

import { ended } from "./views.js";

/** Open, and nobody dispatched or on scene: a decision is waiting. */
export const unassigned = (row) => !ended(row.status) && !row.dispatched.length && !row.on_scene.length;

const group = (row) => (unassigned(row) ? 0 : ended(row.status) ? 2 : 1);

/** Board rows in triage order (each row's group and report time worked out once,
 * not in every comparison: a busy board sorts hundreds of rows a frame). */
export function triage(rows) {
  return rows
    .map((row) => ({ row, group: group(row), at: Date.parse(row.reported_at) }))
    .sort((a, b) =>
      a.group - b.group ||
      Number(Boolean(b.row.sos)) - Number(Boolean(a.row.sos)) ||
      b.row.severity - a.row.severity ||
      a.at - b.at ||
      (a.row.number ?? 0) - (b.row.number ?? 0))
    .map(({ row }) => row);
}

/** Whether an unassigned incident has waited past its severity's limit. */
export function waitingTooLong(row, now, limits) {
  const minutes = limits?.[row.severity] ?? limits?.[String(row.severity)];
  return minutes != null && unassigned(row) && now - Date.parse(row.reported_at) > minutes * 60_000;
}

/** Great-circle distance in km between two {lat, lon}. */
export function distanceKm(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 12742 * Math.asin(Math.sqrt(h));
}

/** On shift for this operation, not busy, and allowed to be dispatched. */
export const free = (volunteer, operationId) =>
  volunteer.status === "available" && volunteer.operation_id === operationId && Boolean(volunteer.dispatchable);

/** Free volunteers per service domain they are qualified for. */
export function availability(roster, operationId) {
  const counts = {};
  for (const volunteer of roster.values()) {
    if (!free(volunteer, operationId)) continue;
    for (const domain of volunteer.qualified_domains) counts[domain] = (counts[domain] ?? 0) + 1;
  }
  return counts;
}

/** The free volunteers qualified for what the incident needs: how many, and the
 * km to the nearest with a known position (null: none placed). */
export function nearestQualified(incident, roster, operationId) {
  let best = null;
  let count = 0;
  for (const volunteer of roster.values()) {
    if (!free(volunteer, operationId)) continue;
    if (incident.needs != null && !volunteer.qualified_domains.includes(incident.needs)) continue;
    count += 1;
    if (!volunteer.position) continue;
    const km = distanceKm(volunteer.position, incident);
    if (best === null || km < best) best = km;
  }
  return { km: best, count };
}

/** A reference a person can read and say: "flood #12 · Heshi village" (`place`
 * says the address in the chosen language). */
export function reference(row, term, place = (text) => text) {
  const where = place(row.address) || `${row.lat.toFixed(4)}, ${row.lon.toFixed(4)}`;
  return `${term(row.kind)} #${row.number ?? row.id.slice(0, 4)} · ${where}`;
}

// The phone's token: from an enrolment link (#enrol=CODE, exchanged once at POST
// /enrol), a pasted token or #token=, kept in localStorage so it survives a restart.
// When the server refuses it (revoked, expired) the phone forgets it and says why.

import { commandId } from "./outbox.js";

const TOKEN = "brigade.field.token";
const WHY = "brigade.field.signed_out";
const ENROL = "brigade.field.enrol"; // {code, key}: the same key for every retry

export function token() {
  return localStorage.getItem(TOKEN);
}

export function keep(value) {
  localStorage.setItem(TOKEN, value);
  localStorage.removeItem(WHY);
}

/** Forget the token and remember why (revoked, expired, invalid, missing). */
export function signOut(reason) {
  localStorage.removeItem(TOKEN);
  localStorage.setItem(WHY, reason);
}

export function signedOutWhy() {
  return localStorage.getItem(WHY);
}

/** Who the token says (unverified: the server decides). */
export function claims(value = token()) {
  try {
    const payload = value.split(".")[1].replaceAll("-", "+").replaceAll("_", "/");
    const text = atob(payload + "=".repeat((4 - (payload.length % 4)) % 4));
    const data = JSON.parse(new TextDecoder().decode(Uint8Array.from(text, (c) => c.charCodeAt(0))));
    return { role: data.role, volunteer: data.sub, name: data.name || "", expires: data.exp * 1000 };
  } catch {
    return null;
  }
}

/** The fragment's #token= or #enrol=, taken out of the address bar. */
export function fromFragment() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  const given = { token: params.get("token"), enrol: params.get("enrol") };
  if (given.token || given.enrol) history.replaceState(null, "", location.pathname + location.search);
  if (given.token) keep(given.token);
  if (given.enrol) {
    const pending = JSON.parse(localStorage.getItem(ENROL) || "null");
    if (pending?.code !== given.enrol) {
      localStorage.setItem(ENROL, JSON.stringify({ code: given.enrol, key: commandId() }));
    }
  }
  return given;
}

export function pendingEnrolment() {
  return JSON.parse(localStorage.getItem(ENROL) || "null");
}

/**
 * Exchange the pending enrolment code for a token. Resolves to null when done,
 * to {code, message} when refused for good; rejects when the server cannot be
 * reached (try again with the same key).
 */
export async function enrol() {
  const pending = pendingEnrolment();
  if (!pending) return null;
  const response = await fetch("/enrol", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": pending.key },
    body: JSON.stringify({ code: pending.code }),
  });
  const answer = await response.json().catch(() => ({}));
  if (response.status >= 500) throw new Error(answer.code ?? "unavailable");
  localStorage.removeItem(ENROL);
  if (!response.ok) return { code: answer.code ?? "error", message: answer.message ?? "" };
  keep(answer.token);
  return null;
}

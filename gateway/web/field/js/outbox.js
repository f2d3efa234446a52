// The outbox: every action is a command with an id made on this phone, written to
// IndexedDB before anything is sent, and sent in the order it was made, one at a time,
// whenever the server can be reached. A resend carries the same id, so the server's
// idempotency makes it take effect once. A refusal is final and kept against the
// action; a network failure, a 5xx or a 503 (store unavailable) is tried again.

import { db } from "./db.js";

const KEEP_DONE = 200; // finished entries kept to show; their photos are dropped
const NEVER_FINAL = new Set([401, 408, 425, 429]);

/** A UUIDv7 (time-ordered, as docs/architecture.md asks), from the phone's randomness. */
export function commandId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let ms = Date.now();
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Field time as ISO 8601 with this phone's offset. */
export function fieldTime(date = new Date()) {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  const local = new Date(date.getTime() + offset * 60000).toISOString().slice(0, 23);
  return `${local}${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

class Retry extends Error {}

export class SignedOut extends Error {
  constructor(reason) {
    super(reason);
    this.reason = reason;
  }
}

export class Outbox extends EventTarget {
  /** `token()` gives the bearer token to send with, or null while signed out. */
  constructor(token) {
    super();
    this.token = token;
    this.draining = false;
    this.sending = null; // seq of the entry on the wire
    this.attempt = 0;
    this.timer = null;
    this.stopped = false;
    addEventListener("online", () => this.kick());
  }

  /** Keep an action; it is sent as soon as it can be. Returns the stored entry. */
  async add(command, body, { photo = null, photoAs = null, label = {} } = {}) {
    const entry = {
      id: commandId(),
      command,
      body,
      occurred_at: fieldTime(),
      created: Date.now(),
      state: "waiting",
      label,
      photo, // a Blob: IndexedDB keeps it across restarts
      photoAs, // "image" (RecordImage's sha256, media_type, size) or "hazard" (photo_sha256)
      uploaded: null,
    };
    const store = await db();
    const tx = store.transaction("outbox", "readwrite");
    if (command === "ReportPosition") {
      // Only the latest position is worth sending: older ones not yet sent go.
      for await (const cursor of tx.store.iterate()) {
        const old = cursor.value;
        if (old.command === "ReportPosition" && old.state === "waiting" && old.seq !== this.sending) {
          await cursor.delete();
        }
      }
    }
    entry.seq = await tx.store.add(entry);
    await tx.done;
    this.changed();
    this.kick();
    return entry;
  }

  /** The entries, newest first (at most `limit`). */
  async list(limit = 100) {
    const store = await db();
    const found = [];
    let cursor = await store.transaction("outbox").store.openCursor(null, "prev");
    while (cursor && found.length < limit) {
      found.push(cursor.value);
      cursor = await cursor.continue();
    }
    return found;
  }

  async waiting() {
    const store = await db();
    let n = 0;
    for await (const cursor of store.transaction("outbox").store.iterate()) {
      if (cursor.value.state === "waiting") n++;
    }
    return n;
  }

  changed() {
    this.dispatchEvent(new Event("change"));
  }

  /** Try now (the network came back, the server answered on the socket). */
  kick() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.attempt = 0;
    this.drain();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  resume() {
    this.stopped = false;
    this.kick();
  }

  async drain() {
    if (this.draining || this.stopped) return;
    this.draining = true;
    try {
      for (;;) {
        const entry = await this.next();
        if (!entry || this.stopped) return;
        this.sending = entry.seq;
        try {
          await this.send(entry);
          this.attempt = 0;
        } catch (error) {
          if (error instanceof SignedOut) {
            this.stopped = true;
            this.dispatchEvent(Object.assign(new Event("signedout"), { reason: error.reason }));
            return;
          }
          this.retryLater();
          return;
        } finally {
          this.sending = null;
        }
      }
    } finally {
      this.draining = false;
    }
  }

  retryLater() {
    // Capped exponential backoff with jitter (docs/protocol.md, "Reconnecting").
    const wait = Math.min(30000, 500 * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt = Math.min(this.attempt + 1, 10);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.drain(), wait);
  }

  async next() {
    const store = await db();
    for await (const cursor of store.transaction("outbox").store.iterate()) {
      if (cursor.value.state === "waiting") return cursor.value;
    }
    return null;
  }

  async save(entry) {
    await (await db()).put("outbox", entry);
    this.changed();
  }

  async send(entry) {
    const token = this.token();
    if (!token) throw new SignedOut("missing");
    if (entry.photo && !entry.uploaded) {
      const stored = await this.post("/images", token, entry.photo, entry.photo.type || "image/jpeg");
      if (stored.refused) return this.finish(entry, stored);
      entry.uploaded = stored.answer;
      await this.save(entry);
    }
    const body = { ...entry.body, occurred_at: entry.occurred_at };
    if (entry.uploaded && entry.photoAs === "image") {
      const { sha256, media_type, size } = entry.uploaded;
      Object.assign(body, { sha256, media_type, size });
    } else if (entry.uploaded && entry.photoAs === "hazard") {
      body.photo_sha256 = entry.uploaded.sha256;
    }
    const answer = await this.post(`/commands/${entry.command}`, token, JSON.stringify(body), "application/json", entry.id);
    return this.finish(entry, answer);
  }

  /** POST and sort the answer: accepted, refused for good, or Retry / SignedOut thrown. */
  async post(path, token, body, type, key = null) {
    const headers = { Authorization: `Bearer ${token}`, "Content-Type": type };
    if (key) headers["Idempotency-Key"] = key;
    let response;
    try {
      response = await fetch(path, { method: "POST", headers, body });
    } catch {
      throw new Retry("unreachable");
    }
    const answer = await response.json().catch(() => ({}));
    if (response.status === 401) throw new SignedOut(answer.reason ?? "invalid");
    if (response.ok) return { answer };
    if (response.status >= 500 || NEVER_FINAL.has(response.status)) throw new Retry(answer.code);
    return { refused: true, status: response.status, answer };
  }

  async finish(entry, outcome) {
    if (outcome.refused) {
      Object.assign(entry, {
        state: "refused",
        status: outcome.status,
        code: outcome.answer.code ?? "error",
        message: outcome.answer.message ?? "",
      });
    } else {
      Object.assign(entry, {
        state: "done",
        position: outcome.answer.position ?? null,
        result: outcome.answer.result ?? {},
        replayed: Boolean(outcome.answer.replayed),
      });
    }
    entry.photo = null; // sent or refused: the server has it, or it is not wanted
    entry.finished = Date.now();
    await this.save(entry);
    this.dispatchEvent(Object.assign(new Event("finished"), { entry }));
    await this.prune();
  }

  async prune() {
    const store = await db();
    const tx = store.transaction("outbox", "readwrite");
    let finished = 0;
    let cursor = await tx.store.openCursor(null, "prev");
    while (cursor) {
      if (cursor.value.state !== "waiting" && ++finished > KEEP_DONE) await cursor.delete();
      cursor = await cursor.continue();
    }
    await tx.done;
  }
}

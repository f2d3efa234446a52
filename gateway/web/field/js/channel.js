// The volunteer's own channel, /ws/me (docs/protocol.md): their shift, their
// assignments, messages and broadcasts, pushed. Rows are kept on the phone with the
// position they reflect, so the app shows the last assignment with no network and
// resumes from that position when it reconnects.

import { getValue, setValue } from "./db.js";

const STAY = 60_000; // a connection up this long resets the backoff

export class Channel extends EventTarget {
  constructor(token) {
    super();
    this.token = token;
    this.rows = {};
    this.position = null;
    this.state = "connecting"; // connecting, online, offline, signed_out
    this.socket = null;
    this.attempt = 0;
    this.timer = null;
    this.closed = false;
  }

  async start() {
    const kept = await getValue("me", null);
    if (kept) {
      this.rows = kept.rows;
      this.position = kept.position;
      this.changed();
    }
    addEventListener("online", () => this.retryNow());
    // A socket open when the phone lost its network is dead: do not wait for it.
    addEventListener("offline", () => this.socket?.close());
    this.connect();
  }

  stop() {
    this.closed = true;
    clearTimeout(this.timer);
    this.socket?.close();
  }

  retryNow() {
    if (this.closed || this.socket) return;
    clearTimeout(this.timer);
    this.attempt = 0;
    this.connect();
  }

  connect() {
    const token = this.token();
    if (!token || this.closed) return;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}/ws/me?token=${encodeURIComponent(token)}`);
    this.socket = socket;
    this.setState("connecting");
    let opened = 0;
    socket.onopen = () => {
      opened = Date.now();
      socket.send(JSON.stringify({ type: "subscribe", after: this.position }));
    };
    socket.onmessage = (message) => {
      if (this.state !== "online") {
        this.setState("online");
        this.dispatchEvent(new Event("reached"));
      }
      this.take(JSON.parse(message.data));
    };
    socket.onclose = (event) => {
      this.socket = null;
      if (event.code === 4001) {
        this.closed = true;
        this.setState("signed_out");
        this.dispatchEvent(Object.assign(new Event("signedout"), { reason: event.reason || "invalid" }));
        return;
      }
      if (this.closed) return;
      if (opened && Date.now() - opened > STAY) this.attempt = 0;
      this.setState(navigator.onLine ? "connecting" : "offline");
      const wait = Math.min(30000, 500 * 2 ** this.attempt) * (0.5 + Math.random() / 2);
      this.attempt = Math.min(this.attempt + 1, 10);
      this.timer = setTimeout(() => this.connect(), wait);
    };
  }

  setState(state) {
    this.state = state;
    this.dispatchEvent(new Event("state"));
  }

  take(frame) {
    if (frame.type === "snapshot") {
      this.rows = { ...frame.rows };
      this.position = frame.position;
    } else if (frame.type === "deltas") {
      for (const change of frame.changes) {
        if (change.row == null) delete this.rows[change.key];
        else this.rows[change.key] = change.row;
        this.position = Math.max(this.position ?? 0, change.position);
      }
    } else if (frame.type === "heartbeat") {
      this.position = Math.max(this.position ?? 0, frame.position);
      return;
    } else if (frame.type === "reset") {
      this.rows = {};
      this.position = null;
    } else {
      return;
    }
    setValue("me", { rows: this.rows, position: this.position });
    this.changed();
  }

  changed() {
    this.dispatchEvent(new Event("change"));
  }

  get me() {
    return this.rows.me ?? null;
  }

  /** Assignments, the current one first: open ones by dispatch time, newest first. */
  assignments() {
    const open = (row) => (row.state === "dispatched" || row.state === "on_scene" ? 1 : 0);
    return Object.entries(this.rows)
      .filter(([key]) => key.startsWith("assignment:"))
      .map(([, row]) => row)
      .sort((a, b) => open(b) - open(a) || String(b.dispatched_at).localeCompare(String(a.dispatched_at)));
  }

  /** Incidents I reported, the newest first. */
  reports() {
    return Object.entries(this.rows)
      .filter(([key]) => key.startsWith("report:"))
      .map(([, row]) => row)
      .sort((a, b) => String(b.reported_at).localeCompare(String(a.reported_at)));
  }

  broadcasts() {
    return this.rows.broadcasts?.items ?? [];
  }
}

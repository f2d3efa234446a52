// One subscription over a WebSocket (docs/protocol.md): snapshot, then deltas; on a
// drop, reconnect with capped exponential backoff and jitter and resume after the
// last position seen; on a reset, take the snapshots again. Live and playback
// sockets speak the same frames, so both use this.

export const UNAUTHENTICATED = 4001;
export const BAD_REQUEST = 4400;
const SILENCE_MS = 50_000; // the server sends a heartbeat every 20 s
const STEADY_MS = 60_000; // a connection up this long resets the backoff

/** The wait before reconnect attempt n: min(30 s, 0.5 s × 2^n) × a factor in [0.5, 1). */
export function backoff(attempt, random = Math.random) {
  return Math.min(30_000, 500 * 2 ** attempt) * (0.5 + random() / 2);
}

export class Feed {
  /**
   * url(): the socket's address; subscribe(after): the first frame to send;
   * onFrame(frame): every snapshot, deltas and reset frame, in order;
   * onState(state, detail): "connecting", "connected", "reconnecting" ({ wait, attempt }),
   * "unauthorized" ({ reason }: "missing", "invalid", "expired", "revoked"), "refused" ({ message }).
   */
  constructor({ url, subscribe, onFrame, onState }) {
    Object.assign(this, { url, subscribe, onFrame, onState });
    this.position = null;
    this.attempt = 0;
    this.socket = null;
    this.timer = null;
    this.stopped = true;
    this.heard = 0;
    this.watchdog = null;
  }

  start() {
    this.stopped = false;
    this.connect();
    this.watchdog = setInterval(() => this.checkSilence(), 5_000);
    this.online = () => this.reconnectNow();
    window.addEventListener("online", this.online);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.watchdog);
    window.removeEventListener("online", this.online);
    const socket = this.socket;
    this.socket = null;
    if (socket) socket.close(1000);
  }

  /** Send a control frame (playback: speed, pause, resume, seek). */
  send(frame) {
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  connect() {
    clearTimeout(this.timer);
    this.onState("connecting");
    const socket = new WebSocket(this.url());
    this.socket = socket;
    let opened = 0;
    socket.onopen = () => {
      opened = Date.now();
      this.heard = opened;
      socket.send(JSON.stringify(this.subscribe(this.position)));
      this.onState("connected");
    };
    socket.onmessage = (message) => {
      if (socket !== this.socket) return;
      this.heard = Date.now();
      let frame;
      try {
        frame = JSON.parse(message.data);
      } catch {
        return;
      }
      this.take(frame);
    };
    socket.onclose = (event) => {
      if (socket !== this.socket) return; // replaced or stopped on purpose
      this.socket = null;
      if (opened && Date.now() - opened >= STEADY_MS) this.attempt = 0;
      if (event.code === UNAUTHENTICATED) return this.onState("unauthorized", { reason: event.reason });
      if (event.code === BAD_REQUEST) return this.onState("refused", { message: this.error });
      if (this.stopped) return;
      const wait = backoff(this.attempt++);
      this.onState("reconnecting", { wait, attempt: this.attempt });
      this.timer = setTimeout(() => this.connect(), wait);
    };
  }

  take(frame) {
    switch (frame.type) {
      case "snapshot":
        this.position = Math.max(this.position ?? 0, frame.position);
        break;
      case "deltas":
        for (const change of frame.changes) {
          this.position = Math.max(this.position ?? 0, change.position);
        }
        break;
      case "reset":
        // Too far behind to resume: snapshots follow; start again from them.
        this.position = null;
        break;
      case "error":
        this.error = frame.message || frame.code;
        return;
      default:
        // A heartbeat only says the line is alive. Its position may run ahead of
        // deltas still on their way, so it does not move the resume point.
        break;
    }
    this.onFrame(frame);
  }

  checkSilence() {
    if (this.socket?.readyState === WebSocket.OPEN && Date.now() - this.heard > SILENCE_MS) {
      this.socket.close(); // a dead line: onclose reconnects
    }
  }

  reconnectNow() {
    if (!this.stopped && !this.socket) {
      this.attempt = 0;
      this.connect();
    }
  }
}

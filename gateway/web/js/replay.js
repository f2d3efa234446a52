// Replay: the same map and panels, fed by /ws/playback instead of /ws/live. It
// speaks the live socket's frames (snapshot, deltas, reset) plus a `playback`
// status; the page sends pause, resume, speed and seek (docs/protocol.md).

import { Feed } from "./feed.js";
import { t } from "./i18n.js";
import { viewsFor } from "./checkons.js";
import { fieldClock, offsetText, VIEWS } from "./views.js";

export class Replay {
  constructor({ views, socketBase, page, showConnection, bar }) {
    Object.assign(this, { views, socketBase, page, showConnection, bar });
    this.feed = null;
    this.head = 0; // the last position known live: the end of the timeline
    this.offset = 0; // the field's UTC offset, in minutes
    this.moment = bar.querySelector("#replay-moment");
    this.scrub = bar.querySelector("#replay-scrub");
    this.speed = bar.querySelector("#replay-speed");
    this.play = bar.querySelector("#replay-play");
    this.note = bar.querySelector("#replay-note");
    this.play.addEventListener("click", () => this.toggle());
    this.speed.addEventListener("change", () => this.control({ type: "speed", speed: Number(this.speed.value) }));
    this.moment.addEventListener("change", () => {
      const at = this.fieldTime();
      if (at) this.seek({ field_time: at });
    });
    this.scrub.addEventListener("change", () => this.seek({ position: Number(this.scrub.value) }));
  }

  /** The moment box's time, read as field time in the field's own offset. */
  fieldTime() {
    const value = this.moment.value;
    if (!value) return null;
    return `${value.length === 16 ? `${value}:00` : value}${offsetText(this.offset)}`;
  }

  /** Open replay at the moment live stood at (paused), so it starts from what was on
   * screen. The page offers replay only when the server serves /ws/playback. */
  start() {
    this.bar.hidden = false;
    this.head = this.views.position ?? this.head;
    this.offset = this.views.offset;
    this.scrub.max = String(Math.max(this.head, 1));
    this.scrub.value = String(this.head);
    this.note.textContent = "";
    this.open({ position: this.head });
  }

  open(moment) {
    this.feed?.stop();
    this.views.take({ type: "reset" });
    this.playing = false;
    this.play.textContent = t("play");
    let resumeAt = moment;
    this.feed = new Feed({
      url: () => `${this.socketBase}/ws/playback?token=${encodeURIComponent(this.page.token)}`,
      // After a drop, come back where the player stood, paused or playing as it was.
      subscribe: () => ({
        type: "subscribe", views: [...VIEWS, ...viewsFor(this.page.who?.role)], operation_id: this.page.operationId,
        ...resumeAt, speed: Number(this.speed.value), paused: !this.playing,
      }),
      onFrame: (frame) => {
        if (frame.type === "playback") {
          this.show(frame);
          if (frame.position != null) resumeAt = { position: frame.position };
        } else {
          this.views.take(frame);
        }
      },
      onState: this.showConnection,
    });
    this.feed.start();
  }

  show(status) {
    this.bar.dataset.state = status.state;
    this.bar.dataset.position = String(status.position ?? "");
    if (status.position != null) {
      if (status.position > this.head) {
        this.head = status.position;
        this.scrub.max = String(this.head);
      }
      if (document.activeElement !== this.scrub) this.scrub.value = String(status.position);
    }
    if (status.field_time) {
      // The player's field clock is the moment shown: ages and the clock follow it.
      const at = Date.parse(status.field_time);
      this.views.asOf = at;
      this.views.changed(new Set(["board"]));
      if (document.activeElement !== this.moment) {
        this.moment.value = fieldClock(at, this.offset).slice(0, 19).replace(" ", "T");
      }
    }
    this.playing = status.state === "playing";
    this.play.textContent = this.playing ? t("pause") : t("play");
    this.note.textContent = `#${status.position ?? 0} · ${t(this.playing ? "replaying" : "paused")}`;
  }

  control(frame) {
    this.feed?.send(frame);
  }

  toggle() {
    this.control({ type: this.playing ? "pause" : "resume" });
  }

  seek(moment) {
    this.control({ type: "seek", ...moment });
  }

  stop() {
    this.bar.hidden = true;
    this.feed?.stop();
    this.feed = null;
  }
}

// A volunteer's panel, opened from the roster: enrol a phone (a one-time link and its
// QR code) and the phones signed in, each revocable when lost (docs/protocol.md,
// "Enrolment"). Commanders only: the server refuses anyone else, and says so.

import { Refused } from "./commands.js";
import { element } from "./dom.js";
import { lang, t } from "./i18n.js";
import { refusal as inWords } from "./refusals.js";

/** A GET with the bearer token; the answer's JSON, or a Refused error. */
export async function getJson(token, path) {
  let response;
  try {
    response = await fetch(path, { headers: { Authorization: `Bearer ${token}` } });
  } catch (error) {
    throw new Refused(0, "unreachable", String(error));
  }
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Refused(response.status, answer.code ?? "error", answer.message ?? response.statusText);
  return answer;
}

/** `?after=`: the read waits until the views hold the position (docs/protocol.md). */
const since = (after, joint = "?") => (Number.isInteger(after) ? `${joint}after=${after}` : "");

const when = (iso) => (iso ? new Date(iso).toLocaleString(lang() === "zh" ? "zh-CN" : undefined) : "");

/** A refusal in words, in a box that stays until the next try. */
function refusalBox() {
  const box = element("p", { class: "refusal", role: "alert", hidden: true });
  box.say = (error) => {
    box.replaceChildren(element("strong", {}, `${t("refused_title")}: `), inWords(error));
    box.dataset.code = error.code ?? "";
    box.hidden = false;
  };
  box.clear = () => {
    box.hidden = true;
  };
  return box;
}

export class PersonPanel {
  constructor({ actions, page }) {
    Object.assign(this, { actions, page });
    this.id = null;
    this.qrUrl = null; // the QR code's blob URL, let go when the panel closes
  }

  get commands() {
    return this.actions.commands;
  }

  /** Open one volunteer's panel (from a roster row). */
  open(volunteerId) {
    if (!this.commands) return;
    const row = this.page.views.rows.roster.get(volunteerId);
    const name = row?.name ?? volunteerId.slice(0, 8);
    // Enrol a phone: how long the link may be used, then the link and its QR code.
    const ttl = element("select", { name: "ttl" },
      ...[15, 60, 1440].map((minutes) => element("option", { value: String(minutes) },
        minutes < 60 ? t("minutes_n", { n: minutes }) : minutes < 1440 ? t("hour_one") : t("day_one"))));
    const refusal = refusalBox();
    const made = element("div", { class: "enrolment", hidden: true });
    const button = element("button", { type: "button", class: "primary", dataset: { action: "enrol" } }, t("enrol_phone"));
    button.addEventListener("click", () => this.enrol(volunteerId, Number(ttl.value), { button, refusal, made }));
    // The phones signed in.
    const tokens = element("ul", { class: "tokens" });
    const tokensRefusal = refusalBox();
    const links = element("ul", { class: "tokens links" });
    this.actions.show(t("volunteer_panel", { name }),
      element("h3", {}, t("enrol_phone")),
      element("p", { class: "note" }, t("enrol_help")),
      element("div", { class: "enrol-row" }, element("label", {}, t("link_valid_for"), ttl), button),
      refusal,
      made,
      element("h3", {}, t("phones_signed_in")),
      tokensRefusal,
      tokens,
      element("h3", {}, t("links_made")),
      links);
    this.id = volunteerId;
    this.actions.panel.dataset.volunteer = volunteerId;
    this.actions.onClose = () => {
      this.forget();
      this.id = null;
      delete this.actions.panel.dataset.volunteer;
    };
    this.tokens = { list: tokens, refusal: tokensRefusal, links, made };
    this.listTokens(volunteerId);
  }

  /** Let go of the QR code's blob URL. */
  forget() {
    if (this.qrUrl) URL.revokeObjectURL(this.qrUrl);
    this.qrUrl = null;
  }

  async enrol(volunteerId, ttlMinutes, { button, refusal, made }) {
    button.disabled = true;
    refusal.clear();
    try {
      const answer = await this.commands.send("CreateEnrolment", { volunteer_id: volunteerId, ttl_minutes: ttlMinutes });
      if (this.id !== volunteerId) return;
      const result = answer.result;
      this.forget();
      // The SVG comes from our server; shown as an image (no script runs in an
      // <img>), never parsed into the page.
      this.qrUrl = URL.createObjectURL(new Blob([result.qr_svg], { type: "image/svg+xml" }));
      const link = element("a", { href: result.link, target: "_blank", rel: "noopener", class: "link" }, result.link);
      const copy = element("button", { type: "button", class: "chip" }, t("copy_link"));
      copy.addEventListener("click", async () => {
        try {
          await navigator.clipboard.writeText(result.link);
          this.actions.notify(t("link_copied"));
        } catch {
          this.actions.notify(t("copy_failed"), "warn");
        }
      });
      made.replaceChildren(
        element("img", { src: this.qrUrl, alt: t("qr_alt", { name: result.name ?? "" }), class: "qr", width: "240", height: "240" }),
        element("p", {}, t("scan_or_open")),
        link,
        element("p", { class: "expires", dataset: { expires: result.expires_at } }, t("link_expires", { when: when(result.expires_at) })),
        copy);
      made.dataset.enrolment = result.enrolment_id;
      made.hidden = false;
      this.listTokens(volunteerId, answer.position);
    } catch (error) {
      refusal.say(error);
    } finally {
      button.disabled = false;
    }
  }

  /** The volunteer's tokens that still work, each revocable; `after`, the position of
   * a command just sent, so that the list holds what it changed (read your writes). */
  async listTokens(volunteerId, after) {
    const { list, refusal } = this.tokens;
    let answer;
    try {
      answer = await getJson(this.commands.token, `/volunteers/${encodeURIComponent(volunteerId)}/tokens${since(after)}`);
    } catch (error) {
      if (this.id === volunteerId) refusal.say(error);
      return;
    }
    if (this.id !== volunteerId) return;
    refusal.clear();
    const rows = answer.rows ?? [];
    list.replaceChildren(...rows.map((row) => this.tokenItem(volunteerId, row)));
    if (!rows.length) list.replaceChildren(element("li", { class: "none" }, t("no_phones")));
    await this.listLinks(volunteerId, after);
  }

  /** The enrolment links made for this volunteer: used, expired, withdrawn or waiting. */
  async listLinks(volunteerId, after) {
    const { links, refusal } = this.tokens;
    let answer;
    try {
      answer = await getJson(this.commands.token, `/enrolments?volunteer_id=${encodeURIComponent(volunteerId)}${since(after, "&")}`);
    } catch (error) {
      if (this.id === volunteerId) refusal.say(error);
      return;
    }
    if (this.id !== volunteerId) return;
    const rows = [...(answer.rows ?? [])].sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
    links.replaceChildren(...rows.map((row) => this.linkItem(volunteerId, row)));
    if (!rows.length) links.replaceChildren(element("li", { class: "none" }, t("no_links")));
  }

  linkItem(volunteerId, row) {
    const expired = Date.parse(row.expires_at) <= Date.now();
    const state = row.redeemed_at ? "used" : row.cancelled_at ? "cancelled" : expired ? "expired" : "waiting";
    const said = {
      used: t("link_used", { at: when(row.redeemed_at) }),
      cancelled: t("link_cancelled", { at: when(row.cancelled_at) }),
      expired: t("link_expired", { at: when(row.expires_at) }),
      waiting: t("link_waiting", { at: when(row.expires_at) }),
    }[state];
    const li = element("li", { dataset: { enrolment: row.enrolment_id, state } },
      element("span", { class: "name" }, t("link_made", { at: when(row.created_at) })),
      element("span", { class: "when" }, said));
    if (state === "waiting") {
      const refusal = refusalBox();
      const withdraw = element("button", { type: "button", class: "chip", dataset: { action: "withdraw" } }, t("withdraw_link"));
      withdraw.addEventListener("click", async () => {
        withdraw.disabled = true;
        refusal.clear();
        try {
          const answer = await this.commands.send("CancelEnrolment", { enrolment_id: row.enrolment_id });
          this.actions.notify(t("link_withdrawn"));
          const { made } = this.tokens;
          if (made.dataset.enrolment === row.enrolment_id) {
            made.hidden = true; // its QR code no longer works: not left on screen
            this.forget();
          }
          await this.listLinks(volunteerId, answer.position);
        } catch (error) {
          refusal.say(error);
          withdraw.disabled = false;
        }
      });
      li.append(withdraw, refusal);
    }
    return li;
  }

  tokenItem(volunteerId, row) {
    const reason = element("input", { name: "reason", maxlength: "200", placeholder: t("revoke_reason"), "aria-label": t("revoke_reason") });
    reason.value = t("lost_phone");
    const confirm = element("button", { type: "submit", class: "danger" }, t("revoke_confirm"));
    const refusal = refusalBox();
    const form = element("form", { class: "revoke", hidden: true }, reason, confirm, refusal);
    const revoke = element("button", { type: "button", class: "chip danger", dataset: { action: "revoke" } }, t("revoke_lost"));
    revoke.addEventListener("click", () => {
      form.hidden = false;
      revoke.hidden = true;
      reason.focus();
      reason.select();
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      confirm.disabled = true;
      refusal.clear();
      try {
        const answer = await this.commands.send("RevokeToken", { token_id: row.token_id, reason: reason.value.trim() });
        this.actions.notify(t("revoked_ok"));
        await this.listTokens(volunteerId, answer.position);
      } catch (error) {
        refusal.say(error);
        confirm.disabled = false;
      }
    });
    return element("li", { dataset: { token: row.token_id } },
      element("span", { class: "name" }, row.name || t("a_phone")),
      element("span", { class: "when" }, t("token_issued", { at: when(row.issued_at), until: when(row.expires_at) })),
      revoke,
      form);
  }
}

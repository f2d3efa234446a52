// Commands go out as HTTP POSTs (docs/protocol.md), with a time-ordered id as the
// Idempotency-Key so that a retry after a network failure takes effect once.

/** A UUIDv7: 48 bits of milliseconds, then random bits. */
export function uuid7() {
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

/** A refusal: the server's stable code and its message for a person. */
export class Refused extends Error {
  constructor(status, code, message) {
    super(message);
    Object.assign(this, { status, code });
  }
}

export class Commands {
  constructor(token) {
    this.token = token;
    this.images = new Map(); // sha256 (+ size) -> blob URL
  }

  /** Send a command; the accepted outcome, or a Refused error. Network failures retry. */
  async send(name, body) {
    const key = uuid7();
    for (let attempt = 0; ; attempt++) {
      let response;
      try {
        response = await fetch(`/commands/${name}`, {
          method: "POST",
          headers: {
            Authorization: `Bearer ${this.token}`,
            "Content-Type": "application/json",
            "Idempotency-Key": key,
          },
          body: JSON.stringify(body),
        });
      } catch (error) {
        if (attempt >= 4) throw new Refused(0, "unreachable", String(error));
        await new Promise((done) => setTimeout(done, 500 * 2 ** attempt));
        continue;
      }
      const answer = await response.json().catch(() => ({}));
      if (response.ok) return answer;
      throw new Refused(response.status, answer.code ?? "error", answer.message ?? response.statusText);
    }
  }

  /** An operation's after-action report as a blob URL: reports need the token too. */
  async report(operationId) {
    const response = await fetch(`/operations/${encodeURIComponent(operationId)}/report`, {
      headers: { Authorization: `Bearer ${this.token}` },
    });
    if (!response.ok) {
      const answer = await response.json().catch(() => ({}));
      throw new Refused(response.status, answer.code ?? "error", answer.message ?? response.statusText);
    }
    return URL.createObjectURL(await response.blob());
  }

  /** An image (or its thumbnail) as a blob URL: images need the bearer token. */
  async image(sha256, thumbnail = true) {
    const id = `${sha256}:${thumbnail}`;
    if (!this.images.has(id)) {
      const loading = fetch(`/images/${encodeURIComponent(sha256)}${thumbnail ? "?thumbnail=true" : ""}`, {
        headers: { Authorization: `Bearer ${this.token}` },
      }).then(async (response) => {
        if (!response.ok) throw new Error(`image ${response.status}`);
        return URL.createObjectURL(await response.blob());
      });
      this.images.set(id, loading);
      loading.catch(() => this.images.delete(id));
    }
    return this.images.get(id);
  }
}

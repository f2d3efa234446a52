// The pages' one way to the server: the bearer token, commands with their ids
// made here (a retry sends the same id and is taken once), and images.

/** The token of `#token=...`, kept in `storage` and wiped from the address bar. */
export function takeToken(storage, key) {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  const given = params.get("token");
  if (given) {
    storage.setItem(key, given);
    params.delete("token");
    const rest = params.toString();
    history.replaceState(null, "", location.pathname + location.search + (rest ? `#${rest}` : ""));
  }
  return storage.getItem(key);
}

/** Role and subject as the token says (unverified: the server decides). */
export function claims(token) {
  try {
    const part = token.split(".")[1].replaceAll("-", "+").replaceAll("_", "/");
    const text = atob(part + "=".repeat((4 - (part.length % 4)) % 4));
    const payload = JSON.parse(new TextDecoder().decode(Uint8Array.from(text, (c) => c.charCodeAt(0))));
    return { role: String(payload.role), subject: String(payload.sub), name: String(payload.name || ""), exp: payload.exp };
  } catch {
    return { role: "", subject: "", name: "", exp: null };
  }
}

/** A refusal from the server: its stable code and its message in words. */
export class Refused extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export class Api {
  constructor(token) {
    this.token = token;
  }

  headers(extra = {}) {
    return { Authorization: `Bearer ${this.token}`, ...extra };
  }

  async read(response) {
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const detail = body.detail || body;
      throw new Refused(response.status, detail.code || body.code || `http_${response.status}`,
        detail.message || body.message || response.statusText);
    }
    return body;
  }

  async get(path) {
    return this.read(await fetch(path, { headers: this.headers(), cache: "no-store" }));
  }

  /** Send a command; `id` (made once per action, kept for retries) is its id. */
  async command(name, body, id = crypto.randomUUID()) {
    const response = await fetch(`/commands/${name}`, {
      method: "POST",
      headers: this.headers({ "Content-Type": "application/json", "Idempotency-Key": id }),
      body: JSON.stringify(body),
    });
    return this.read(response);
  }

  /** Store an image; its SHA-256, to name it in a command. */
  async upload(blob) {
    const response = await fetch("/images", {
      method: "POST", headers: this.headers({ "Content-Type": blob.type || "image/jpeg" }), body: blob,
    });
    return (await this.read(response)).sha256;
  }

  /** An image this token may see, as a blob: URL for an <img>. */
  async image(sha256, thumbnail = true) {
    const response = await fetch(`/images/${sha256}${thumbnail ? "?thumbnail=true" : ""}`, {
      headers: this.headers(),
    });
    if (!response.ok) return null;
    return URL.createObjectURL(await response.blob());
  }
}

/** A photo made smaller on the phone before it is sent: the longer side at most
 * `longest` pixels, as JPEG. A 12-megapixel photo of 4 MB leaves as about 300 KB. */
export async function shrink(file, longest = 1600, quality = 0.85) {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, longest / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("no image"))), "image/jpeg", quality));
}

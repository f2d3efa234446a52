// The bearer token: from the URL fragment (#token=...) or the sign-in box, kept in
// sessionStorage (this tab only) and wiped from the address bar.

const KEY = "brigade.token";

/** The fragment's parameters (#token=...&operation=...). */
export function fragment() {
  return new URLSearchParams(location.hash.replace(/^#/, ""));
}

export function takeToken() {
  const params = fragment();
  const given = params.get("token");
  if (given) {
    sessionStorage.setItem(KEY, given);
    params.delete("token");
    const rest = params.toString();
    history.replaceState(null, "", location.pathname + location.search + (rest ? `#${rest}` : ""));
  }
  return sessionStorage.getItem(KEY);
}

export function keepToken(token) {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken() {
  sessionStorage.removeItem(KEY);
}

/**
 * Role, who, and expiry as the token (a JWT) says; unverified: the server decides
 * what is allowed. `expires` is in milliseconds since the epoch, or null.
 */
export function claims(token) {
  try {
    const payload = token.split(".")[1].replaceAll("-", "+").replaceAll("_", "/");
    const text = atob(payload + "=".repeat((4 - (payload.length % 4)) % 4));
    const { role, sub, name, exp } = JSON.parse(
      new TextDecoder().decode(Uint8Array.from(text, (c) => c.charCodeAt(0))),
    );
    const expires = Number.isFinite(exp) ? exp * 1000 : null;
    return { role: String(role), subject: String(name || sub), expires };
  } catch {
    return { role: "unknown", subject: "", expires: null };
  }
}

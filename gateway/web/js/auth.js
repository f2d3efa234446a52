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

/** Role and subject as the token says (unverified: the server decides what is allowed). */
export function claims(token) {
  try {
    const payload = token.split(".")[0].replaceAll("-", "+").replaceAll("_", "/");
    const { r, s } = JSON.parse(atob(payload + "=".repeat((4 - (payload.length % 4)) % 4)));
    return { role: String(r), subject: String(s) };
  } catch {
    return { role: "unknown", subject: "" };
  }
}

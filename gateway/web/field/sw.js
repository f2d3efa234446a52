// The field app's service worker: it keeps the app shell so that the app opens with
// no network, answering from its cache at once and refreshing the cache behind
// (stale-while-revalidate). Only the shell's files: commands, views, images and
// sockets always go to the network (the outbox keeps what could not be sent).

const VERSION = "field-6";
const SHELL = [
  "/field",
  "/field/app.css",
  "/field/manifest.webmanifest",
  "/field/icons/icon.svg",
  "/field/icons/icon-192.png",
  "/field/js/main.js",
  "/field/js/auth.js",
  "/field/js/channel.js",
  "/field/js/db.js",
  "/field/js/dom.js",
  "/field/js/geo.js",
  "/field/js/i18n.js",
  "/field/js/job.js",
  "/field/js/outbox.js",
  "/field/js/photo.js",
  "/field/js/work.js",
  "/field/js/warnings.js",
  "/field/js/round.js",
  "/field/js/reports.js",
  "/field/vendor/idb/idb.js",
];
const KEPT = new Set(SHELL);

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(VERSION).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name !== VERSION).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin || !KEPT.has(url.pathname)) return;
  event.respondWith(
    caches.open(VERSION).then(async (cache) => {
      const kept = await cache.match(url.pathname);
      const fresh = fetch(url.pathname, { cache: "no-cache" })
        .then((response) => {
          if (response.ok) cache.put(url.pathname, response.clone());
          return response;
        });
      if (kept) {
        event.waitUntil(fresh.catch(() => undefined));
        return kept;
      }
      return fresh;
    }),
  );
});

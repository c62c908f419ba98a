// atpace service worker: keeps the practice page's app shell, so practice goes on without a connection.
//
// Served from /sw.js (scope "/") by atpace.web.pages.offline, which writes the version below: a hash of
// the shell's files, so a new release replaces the cached shell and the old cache is deleted.
// Never cached here: /api (answers and items live in IndexedDB, see store.js) and pages with a student's
// data; a failed navigation gets the offline practice shell instead.
const VERSION = "__ATPACE_SHELL_VERSION__";
const CACHE = `atpace-shell-${VERSION}`;
const SHELL_PAGE = "/practice/offline";
const SHELL = [
  SHELL_PAGE,
  "/manifest.webmanifest",
  "/static/app.css",
  "/static/school.css",
  "/static/app.js",
  "/static/vendor/htmx-4.0.1.min.js",
  "/static/offline/practice.js",
  "/static/offline/checker.js",
  "/static/offline/store.js",
  "/static/offline/offline.css",
  "/static/offline/icon.svg",
  "/static/offline/icon-192.png",
  "/static/offline/icon-512.png",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })))),
  );
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith("atpace-shell-") && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

async function shellPage() {
  const cache = await caches.open(CACHE);
  const page = await cache.match(SHELL_PAGE);
  return page || new Response("You are offline.", { status: 503, headers: { "Content-Type": "text/plain" } });
}

async function navigate(request) {
  try {
    return await fetch(request);
  } catch {
    return shellPage(); // offline: practice goes on from what the browser keeps
  }
}

async function shellFile(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  return fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
  } else if (SHELL.includes(url.pathname) && url.pathname !== SHELL_PAGE) {
    event.respondWith(shellFile(request));
  }
});

// Faultline's service worker: after a first visit every page works offline.
// scripts/offline.py writes the build's copy (dist/sw.js) from this file,
// after the pages are merged: FILES is every file of the build, VERSION
// a hash of their contents, so a new deploy is a new worker with a new
// cache. Not minified (it is written after the build's hooks).
const VERSION = '__VERSION__';
const FILES = __FILES__;
const CACHE = `faultline-${VERSION}`;

// Install: fetch every file of this version into its own cache.
self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(FILES))
      .then(() => self.skipWaiting()),
  );
});

// A new version takes over at once and drops the older caches: each page
// names its own hashed files, so a page of either version stays whole.
self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('faultline-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// From the cache first (the query, such as a lessons file's ?v=, is not
// part of the key), else from the network.
self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    caches
      .open(CACHE)
      .then((cache) => cache.match(request, { ignoreSearch: true }))
      .then((hit) => hit || fetch(request)),
  );
});

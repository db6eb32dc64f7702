// The service worker of the trainer's pages, served as /sw.js (offline/views.py puts self.LAJU_SW
// before this code: the version, the app shell's URLs and the offline fallback page).
//
// Hand-written rather than Workbox: it does three small things, and every rule here is one the
// project must be able to read and test (which pages may stay on a phone is the server's decision,
// given per page with the X-Offline-Cache header).
// - static files: from the cache, fetched and kept on a miss;
// - pages: from the network; a page the server marked X-Offline-Cache is kept, and shown from the
//   cache when the network fails or hangs (lie-fi); any other page falls back to /offline/ when the
//   network fails;
// - nothing else (POSTs, htmx partials, the sync endpoint) is touched.
/* global self, caches, fetch, Response, URL */
"use strict";

var CONFIG = self.LAJU_SW;
var SHELL = "laju-shell-" + CONFIG.version;
var PAGES = "laju-pages";  // the page script deletes entries from here at logout and when a roster expires
var NETWORK_TIMEOUT_MS = 8000;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL).then(function (cache) {
      return cache.addAll(CONFIG.shell.concat([CONFIG.fallback]));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("laju-shell-") === 0 && name !== SHELL;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function withTimeout(promise, ms) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timeout")); }, ms);
    promise.then(function (value) { clearTimeout(timer); resolve(value); },
                 function (error) { clearTimeout(timer); reject(error); });
  });
}

function staticFile(request) {
  return caches.match(request).then(function (hit) {
    if (hit) return hit;
    return fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(SHELL).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
  });
}

function pageKey(url) {
  var u = new URL(url);
  return u.origin + u.pathname;  // one copy per page; a search (?q=) is never kept
}

function fallback() {
  return caches.match(CONFIG.fallback).then(function (page) {
    return page || new Response("offline", { status: 503, headers: { "Content-Type": "text/plain" } });
  });
}

// Network first. Only a page the phone has a copy of gives up on a hanging network (lie-fi) after
// NETWORK_TIMEOUT_MS; any other page waits as long as the network takes, and fails to /offline/.
function page(request) {
  var key = pageKey(request.url);
  return caches.open(PAGES).then(function (cache) {
    return cache.match(key).then(function (copy) {
      var network = fetch(request).then(function (response) {
        // A redirect (say, to the login page) is never kept: the copy on the phone stays the last good one.
        if (response.ok && !response.redirected && response.headers.get("X-Offline-Cache") === "1") {
          cache.put(key, response.clone());
        }
        return response;
      });
      if (!copy) return network.catch(fallback);
      return withTimeout(network, NETWORK_TIMEOUT_MS).catch(function () { return copy; });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf(CONFIG.staticPrefix) === 0) {
    event.respondWith(staticFile(request));
  } else if (request.mode === "navigate") {
    event.respondWith(page(request));
  }
});

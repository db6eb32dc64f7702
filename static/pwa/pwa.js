// On every page (the service worker only for a logged-in user): registers the service worker (/sw.js), keeps the phone's
// offline store in order, and guards the logout. The store (IndexedDB through idb, vendored in
// static/vendor/idb) holds, per user, the queue of actions not yet confirmed by the server and the
// rosters of the trainer's own sessions of today and the next days. window.LajuOffline is what the
// session page's script (static/participants/checkin.js) uses.
(function () {
  "use strict";
  var body = document.body;
  var USER = body && body.getAttribute("data-offline-user") ? Number(body.getAttribute("data-offline-user")) : null;
  var PAGES = "laju-pages";  // the service worker's copies of pages (static/pwa/sw.js)
  var UNSENT = "laju-unsent-";  // + user id: how many actions wait, for the logout's warning
  var FORGET = "laju-forget";  // the user who just logged out

  if ("serviceWorker" in navigator && body && body.hasAttribute("data-service-worker")) {
    navigator.serviceWorker.register(body.getAttribute("data-service-worker"), { scope: "/" }).catch(function () {});
  }
  if (!window.idb || !window.indexedDB) return;

  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = window.idb.openDB("laju-offline", 1, {
        upgrade: function (database) {
          var actions = database.createObjectStore("actions", { keyPath: "client_id" });
          actions.createIndex("user", "user");
          var rosters = database.createObjectStore("rosters", { keyPath: "key" });
          rosters.createIndex("user", "user");
          database.createObjectStore("meta", { keyPath: "key" });
        }
      });
    }
    return dbPromise;
  }

  function bySeq(a, b) { return a.seq - b.seq; }

  var store = {
    user: USER,
    actions: function (user) {
      return db().then(function (d) { return d.getAllFromIndex("actions", "user", user); }).then(function (all) {
        return all.sort(bySeq);
      });
    },
    putAction: function (action) { return db().then(function (d) { return d.put("actions", action); }); },
    getAction: function (clientId) { return db().then(function (d) { return d.get("actions", clientId); }); },
    removeAction: function (clientId) { return db().then(function (d) { return d.delete("actions", clientId); }); },
    roster: function (user, session) { return db().then(function (d) { return d.get("rosters", user + ":" + session); }); },
    saveRoster: function (payload) {
      if (!payload || !payload.keep) return Promise.resolve();
      var record = { key: payload.user + ":" + payload.session, user: payload.user, session: payload.session,
                     url: payload.url, expires_at: payload.expires_at, payload: payload };
      return db().then(function (d) { return d.put("rosters", record); });
    },
    // Rosters and page copies of a user leave the phone (at logout, or when someone else logs in here).
    forgetRosters: function (user) {
      return db().then(function (d) {
        return d.getAllKeysFromIndex("rosters", "user", user).then(function (keys) {
          var tx = d.transaction("rosters", "readwrite");
          keys.forEach(function (key) { tx.store.delete(key); });
          return tx.done;
        });
      }).then(function () { return window.caches ? caches.delete(PAGES) : null; });
    },
    // Rosters expire when their session's day is over; their page copies go with them.
    purgeExpired: function () {
      var now = Date.now();
      return db().then(function (d) { return d.getAll("rosters"); }).then(function (all) {
        var old = all.filter(function (r) { return Date.parse(r.expires_at) <= now; });
        return db().then(function (d) {
          var tx = d.transaction("rosters", "readwrite");
          old.forEach(function (r) { tx.store.delete(r.key); });
          return tx.done;
        }).then(function () {
          if (!window.caches || !old.length) return null;
          return caches.open(PAGES).then(function (cache) {
            return Promise.all(old.map(function (r) { return cache.delete(new URL(r.url, location.origin).href); }));
          });
        });
      });
    }
  };
  store.unsent = function (user) {
    try { return Number(localStorage.getItem(UNSENT + user) || 0); } catch (e) { return 0; }
  };
  store.mirrorUnsent = function (user, count) {
    try { localStorage.setItem(UNSENT + user, String(count)); } catch (e) { /* the warning is then skipped */ }
  };
  window.LajuOffline = store;

  // The page after a logout: the rosters and page copies of who logged out leave the phone.
  var forget = null;
  try { forget = localStorage.getItem(FORGET); } catch (e) { forget = null; }
  if (forget) {
    store.forgetRosters(Number(forget)).then(function () { localStorage.removeItem(FORGET); }).catch(function () {});
  }

  if (USER === null) return;

  // Someone else used this phone before: their rosters and page copies are not for this user.
  store.ready = db().then(function (d) {
    return d.get("meta", "owner").then(function (owner) {
      var steps = [];
      if (owner && owner.user !== USER) {
        steps.push(d.getAll("rosters").then(function (all) {
          var tx = d.transaction("rosters", "readwrite");
          all.filter(function (r) { return r.user !== USER; }).forEach(function (r) { tx.store.delete(r.key); });
          return tx.done;
        }));
        if (window.caches) steps.push(caches.delete(PAGES));
      }
      steps.push(d.put("meta", { key: "owner", user: USER }));
      return Promise.all(steps);
    });
  }).then(store.purgeExpired).catch(function () {});

  // Logging out with unsent actions asks first (synchronously: the logout must not wait for IndexedDB,
  // so checkin.js mirrors the count in localStorage). The rosters and page copies leave the phone on
  // the next page (the login page), which finds the "forget" mark. The queue stays, under this user
  // only: it is sent after their next login and nobody else sees it.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var action = form && form.getAttribute && form.getAttribute("action");
    if (!action || action.indexOf(body.getAttribute("data-logout-url")) !== 0) return;
    var unsent = store.unsent(USER);
    var warning = "(" + unsent + ") " + (body.getAttribute("data-logout-warning") || "");
    if (unsent && !window.confirm(warning)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    try { localStorage.setItem(FORGET, String(USER)); } catch (e) { /* private mode: the owner check still tidies up */ }
  }, true);
})();

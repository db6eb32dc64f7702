// The session page that works with no connection. Every check-in, undo and walk-in goes into a
// durable queue in IndexedDB under the logged-in user (static/pwa/pwa.js), with its client id and
// the phone's time, and leaves it only on the server's receipt for that id (applied, already
// applied, merged, refused with a reason): never because of a status code alone. The queue is sent
// to the sync endpoint (offline/views.py) at once, when the connection returns, on a timer with
// back-off while anything waits (lie-fi), and from "Send now". An expired login or a stale CSRF
// token keeps the queue and asks to log in again. The roster shown is the server's (from the page
// or, offline, the copy on the phone), with what still waits drawn over it.
(function () {
  "use strict";
  var configEl = document.getElementById("checkin-config");
  var rosterEl = document.getElementById("roster-data");
  if (!configEl || !rosterEl) return;
  var CONFIG = JSON.parse(configEl.textContent);
  var TEXT = CONFIG.text;
  var USER = CONFIG.user;
  var SESSION = CONFIG.session;
  var BATCH = 50;
  var BACKOFF_FIRST = 2000;
  var BACKOFF_MAX = 20000;
  var DOUBLE_TAP_MS = 600;

  var store = window.LajuOffline || null;
  var payload = JSON.parse(rosterEl.textContent);
  var queue = [];             // this user's waiting and refused actions, oldest first
  var notes = {};             // participant id -> the server's last word on them
  var inFlight = {};          // client ids being sent right now
  var sending = false;
  var failing = false;        // the last attempt failed: lie-fi or offline
  var loginNeeded = false;
  var backoff = BACKOFF_FIRST;
  var timer = null;
  var seq = Date.now();

  // ---- small helpers -------------------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }
  function mine(a) { return a.user === USER; }
  function here(a) { return a.session === SESSION; }
  function waiting() { return queue.filter(function (a) { return a.state === "waiting"; }); }
  function lastPending(participant) {
    var found = null;
    queue.forEach(function (a) {
      if (a.state === "waiting" && here(a) && a.participant === participant && a.kind !== "walk_in") found = a;
    });
    return found;
  }
  function offline() { return !navigator.onLine || failing; }
  function rowData(participant) {
    for (var i = 0; i < payload.rows.length; i++) if (payload.rows[i].id === participant) return payload.rows[i];
    return null;
  }

  // ---- the store ---------------------------------------------------------------------------
  function loadQueue() {
    if (!store) return Promise.resolve();
    return store.actions(USER).then(function (all) { queue = all.filter(mine); }).catch(function () {});
  }
  function save(action) {
    queue.push(action);
    return store ? store.putAction(action).catch(function () {}) : Promise.resolve();
  }
  function drop(clientId) {
    queue = queue.filter(function (a) { return a.client_id !== clientId; });
    return store ? store.removeAction(clientId).catch(function () {}) : Promise.resolve();
  }
  function newAction(kind, fields) {
    seq += 1;
    var action = { client_id: uuid(), user: USER, session: SESSION, kind: kind, device_at: new Date().toISOString(),
                   seq: seq, created: Date.now(), state: "waiting" };
    Object.keys(fields).forEach(function (k) { action[k] = fields[k]; });
    return action;
  }
  function usePayload(fresh) {
    if (!fresh || fresh.session !== SESSION) return;
    payload = fresh;
    if (store) store.saveRoster(fresh).catch(function () {});
  }

  // ---- acting ------------------------------------------------------------------------------
  function status(participant) {
    var row = rowData(participant);
    return row ? row.status : "";
  }
  function act(kind, participant, label) {
    var pending = lastPending(participant);
    var attended = status(participant) === "attended";
    var done = Promise.resolve();
    if (kind === "check_in") {
      if (pending && pending.kind === "check_in") return done;             // a double tap
      if (pending && pending.kind === "undo" && !inFlight[pending.client_id]) done = drop(pending.client_id);
      else if (!attended || pending) done = save(newAction("check_in", { participant: participant, label: label }));
    } else if (kind === "undo") {
      if (pending && pending.kind === "undo") return done;
      // the second tap of a double tap lands on the Undo that replaced the button: not meant as an undo
      if (pending && pending.kind === "check_in" && Date.now() - pending.created < DOUBLE_TAP_MS) return done;
      if (pending && pending.kind === "check_in" && !inFlight[pending.client_id]) done = drop(pending.client_id);
      else if (attended || pending) done = save(newAction("undo", { participant: participant, label: label }));
    }
    delete notes[participant];
    return done.then(function () { render(); sendSoon(0); });
  }

  // ---- drawing -----------------------------------------------------------------------------
  function actionArea(participant, state) {
    var box = el("div", { "class": "d-flex flex-column align-items-end gap-1 row-action" });
    if (state === "attended" || state === "pending_in") {
      if (state === "attended") {
        box.appendChild(el("span", { "class": "badge text-bg-success p-2", "data-testid": "checked-in", text: "✓ " + TEXT.checked_in }));
      } else {
        box.appendChild(el("span", { "class": "badge text-bg-warning p-2", "data-testid": "queued-badge", text: TEXT.waiting }));
      }
      if (payload.may_change) {
        box.appendChild(el("button", { type: "button", "class": "btn btn-link btn-sm p-0 text-danger", "data-act": "undo",
                                       "data-participant": participant, "data-testid": "undo-check-in", text: TEXT.undo }));
      }
    } else if (!payload.may_change) {
      box.appendChild(el("span", { "class": "small text-muted", "data-testid": "status-" + state,
                                   text: state === "no_show" ? TEXT.no_show : TEXT.registered }));
    } else {
      box.appendChild(el("button", { type: "button", "class": "btn btn-success tap-target px-3", "data-act": "check_in",
                                     "data-participant": participant, text: TEXT.check_in }));
      if (state === "no_show") box.appendChild(el("div", { "class": "small text-muted", text: TEXT.no_show }));
    }
    return box;
  }
  function shownState(participant, serverStatus) {
    var pending = lastPending(participant);
    if (pending && pending.kind === "check_in") return "pending_in";
    if (pending && pending.kind === "undo") return serverStatus === "attended" ? "registered" : serverStatus;
    return serverStatus;
  }
  function noteFor(participant) {
    var pending = lastPending(participant);
    if (pending) {
      return el("div", { "class": "small text-warning-emphasis row-note", "data-testid": "queued",
                         text: pending.kind === "undo" ? TEXT.undo_queued : TEXT.queued });
    }
    if (notes[participant]) return el("div", { "class": "small text-success row-note", role: "status", text: notes[participant] });
    return null;
  }
  function rosterRow(row) {
    var detail = el("div", { "class": "small text-muted" });
    if (row.guest) {
      detail.textContent = TEXT.guest;
      detail.setAttribute("data-testid", "guest-" + row.id);
    } else {
      detail.appendChild(document.createTextNode(row.detail || ""));
      if (row.phone) {
        detail.appendChild(document.createTextNode(" · "));
        detail.appendChild(el("span", { "class": "text-nowrap", "data-testid": "row-phone", text: row.phone }));
      }
      detail.appendChild(document.createTextNode(" · "));
      detail.appendChild(el("a", { href: CONFIG.edit_url.replace("/0/", "/" + row.id + "/"), "class": "small",
                                   "data-testid": "edit-" + row.id, text: TEXT.edit }));
    }
    var info = el("div", { "class": "text-break row-info" }, [el("div", { "class": "fw-semibold", text: row.name }), detail, noteFor(row.id)]);
    var li = el("li", { "class": "list-group-item d-flex justify-content-between align-items-center gap-2",
                        id: "roster-person-" + row.id, "data-testid": "row-" + row.id,
                        "data-search": [row.name, row.detail, row.phone].join(" ") }, [info, actionArea(row.id, shownState(row.id, row.status))]);
    return li;
  }
  function walkInRow(action) {
    var data = action.data || {};
    var info = el("div", { "class": "text-break row-info" }, [
      el("div", { "class": "fw-semibold", text: data.full_name || "" }),
      el("div", { "class": "small text-muted", text: [data.business_name || data.agency || "", data.phone || ""].join(" · ") }),
      el("div", { "class": "small text-warning-emphasis row-note", "data-testid": "queued", text: TEXT.walk_in_queued })
    ]);
    var box = el("div", { "class": "d-flex flex-column align-items-end gap-1 row-action" }, [
      el("span", { "class": "badge text-bg-warning p-2", "data-testid": "queued-badge", text: TEXT.waiting })
    ]);
    if (!inFlight[action.client_id]) {
      box.appendChild(el("button", { type: "button", "class": "btn btn-link btn-sm p-0 text-danger", "data-act": "remove",
                                     "data-client": action.client_id, text: TEXT.remove }));
    }
    return el("li", { "class": "list-group-item d-flex justify-content-between align-items-center gap-2",
                      "data-testid": "pending-walk-in", "data-search": [data.full_name, data.business_name, data.phone].join(" ") },
              [info, box]);
  }
  function renderCounts() {
    var attended = document.querySelector("[data-testid=count-attended]");
    var registered = document.querySelector("[data-testid=count-registered]");
    if (attended) attended.textContent = payload.counts.attended;
    if (registered) registered.textContent = payload.counts.registered;
  }
  function renderRoster() {
    var list = document.getElementById("roster");
    if (!list) return;
    var empty = list.querySelector(".roster-empty");
    var items = payload.rows.map(rosterRow);
    queue.forEach(function (a) { if (a.state === "waiting" && here(a) && a.kind === "walk_in") items.push(walkInRow(a)); });
    list.replaceChildren.apply(list, [empty].concat(items).filter(Boolean));
    filterRoster();
  }
  function renderSearchRows() {
    document.querySelectorAll("#search-results li[id^='search-person-']").forEach(function (li) {
      var participant = Number(li.id.replace("search-person-", ""));
      var current = li.lastElementChild;  // the action part: the server's form, badge or status, or ours
      var row = rowData(participant);
      var state = shownState(participant, row ? row.status : (current && current.querySelector("[data-testid=checked-in]") ? "attended" : li.getAttribute("data-status") || "registered"));
      if (current) current.replaceWith(actionArea(participant, state));
      var info = li.querySelector(".row-info");
      var oldNote = info && info.querySelector(".row-note, [role=status]");
      if (oldNote) oldNote.remove();
      var note = noteFor(participant);
      if (info && note) info.appendChild(note);
    });
  }
  // Online, a tap's action is usually answered within a second: the banner would flash above the
  // roster and move the rows under a second tap (a double tap then opened the walk-in page). It shows
  // only once actions have waited QUIET_MS, or at once when offline, failing or logged out.
  var QUIET_MS = 1500;
  var waitingSince = null;
  function settling(count) {
    if (!count) { waitingSince = null; return false; }
    if (waitingSince === null) {
      waitingSince = Date.now();
      setTimeout(renderStatus, QUIET_MS + 50);
    }
    return navigator.onLine && !loginNeeded && !failing && Date.now() - waitingSince < QUIET_MS;
  }
  function renderStatus() {
    var banner = document.getElementById("offline-banner");
    if (!banner) return;
    var count = waiting().length;
    var quiet = settling(count);
    var state = document.getElementById("sync-state");
    var text = "";
    if (loginNeeded) text = TEXT.login;
    else if (!navigator.onLine) text = TEXT.offline;
    else if (sending) text = TEXT.sending;
    else if (failing && count) text = TEXT.failed;
    state.textContent = text;
    document.getElementById("pending-count").textContent = count;
    document.getElementById("pending-wrap").classList.toggle("d-none", !count);
    document.getElementById("send-now").classList.toggle("d-none", !count || loginNeeded);
    document.getElementById("login-again").classList.toggle("d-none", !loginNeeded);
    banner.classList.toggle("d-none", quiet || !(text || count));
    renderRefused();
  }
  function renderRefused() {
    var box = document.getElementById("refused-list");
    if (!box) return;
    var refused = queue.filter(function (a) { return a.state === "refused"; });
    box.classList.toggle("d-none", !refused.length);
    box.replaceChildren.apply(box, refused.map(function (a) {
      var who = a.label || (a.data && a.data.full_name) || "";
      return el("div", { "class": "alert alert-danger py-2 d-flex justify-content-between align-items-start gap-2", "data-testid": "refused" }, [
        el("div", {}, [el("div", { "class": "fw-semibold", text: TEXT.refused + " " + who }), el("div", { "class": "small", text: a.reason || "" })]),
        el("button", { type: "button", "class": "btn btn-sm btn-outline-dark", "data-act": "dismiss", "data-client": a.client_id, text: TEXT.dismiss })
      ]);
    }));
  }
  function render() {
    if (store && store.mirrorUnsent) store.mirrorUnsent(USER, waiting().length);
    renderCounts();
    renderRoster();
    renderSearchRows();
    renderStatus();
  }

  // ---- searching the saved roster when there is no connection --------------------------------
  function digits(s) {
    var d = String(s || "").replace(/\D/g, "");
    if (d.indexOf("62") === 0) d = d.slice(2);
    if (d.indexOf("0") === 0) d = d.slice(1);
    return d;
  }
  function filterRoster() {
    var input = document.getElementById("q");
    var note = document.getElementById("offline-search-note");
    var query = input && offline() ? input.value.trim().toLowerCase() : "";
    if (note) note.classList.toggle("d-none", !query);
    document.querySelectorAll("#roster > li[data-search]").forEach(function (li) {
      var hay = li.getAttribute("data-search").toLowerCase();
      var qd = digits(query);
      var hit = !query || hay.indexOf(query) >= 0 || (qd.length >= 3 && digits(hay).indexOf(qd) >= 0);
      li.classList.toggle("d-none", !hit);
    });
  }

  // ---- sending -----------------------------------------------------------------------------
  function sendSoon(delay) {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!waiting().length) return;
    timer = setTimeout(send, delay);
  }
  function isJson(response) {
    return (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
  }
  // Sent to the login page (the login expired) or refused (a stale CSRF token): log in again, keep the queue.
  // Any other answer without JSON (a proxy's error page, say) is a failed attempt, tried again later.
  function loggedOut(response) {
    return (response.redirected && response.url.indexOf(CONFIG.login_url.split("?")[0]) >= 0) ||
      response.status === 401 || response.status === 403;
  }
  function send() {
    timer = null;
    var batch = waiting().slice(0, BATCH);
    if (sending || !batch.length) { renderStatus(); return Promise.resolve(); }
    sending = true;
    renderStatus();
    return fetch(CONFIG.sync_url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (loggedOut(response)) throw new Error("login");
        if (!response.ok || !isJson(response)) throw new Error("no answer");
        return response.json();
      })
      .then(function (who) {
        // Another account is logged in on this phone now: this queue is not theirs to send.
        if (who.user !== USER) throw new Error("login");
        loginNeeded = false;
        batch = batch.filter(function (a) { return queue.indexOf(a) >= 0 && a.state === "waiting"; });  // not cancelled meanwhile
        if (!batch.length) return null;
        batch.forEach(function (a) { inFlight[a.client_id] = true; });
        var actions = batch.map(function (a) {
          return { client_id: a.client_id, kind: a.kind, session: a.session, participant: a.participant, data: a.data, device_at: a.device_at };
        });
        return fetch(CONFIG.sync_url, {
          method: "POST", credentials: "same-origin", cache: "no-store",
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": who.csrf },
          body: JSON.stringify({ actions: actions })
        });
      })
      .then(function (response) {
        if (response === null) return { receipts: [] };
        if (loggedOut(response)) throw new Error("login");
        if (!isJson(response)) throw new Error("no answer");
        return response.json().then(function (answer) {
          if (!answer.receipts) throw new Error(answer.error || "no receipts");
          return answer;
        });
      })
      .then(function (answer) {
        return settle(answer).then(function () {
          failing = false;
          backoff = BACKOFF_FIRST;
          sending = false;
          inFlight = {};
          render();
          if (waiting().length) sendSoon(0);
        });
      })
      .catch(function (error) {
        sending = false;
        inFlight = {};
        if (error && error.message === "login") loginNeeded = true;
        else failing = true;
        render();
        sendSoon(backoff);
        backoff = Math.min(backoff * 2, BACKOFF_MAX);
      });
  }
  // Only a receipt takes an action out of the queue; a refusal stays visible with its reason.
  function settle(answer) {
    var steps = [];
    var lastWord = null;
    answer.receipts.forEach(function (receipt) {
      var action = null;
      queue.forEach(function (a) { if (a.client_id === receipt.client_id) action = a; });
      if (!action) return;
      if (receipt.outcome === "refused") {
        action.state = "refused";
        action.reason = receipt.reason;
        if (store) steps.push(store.putAction(action).catch(function () {}));
      } else {
        if (receipt.participant && receipt.message) notes[receipt.participant] = receipt.message;
        if (receipt.session === SESSION && receipt.message) lastWord = receipt;
        steps.push(drop(receipt.client_id));
      }
    });
    Object.keys(answer.rosters || {}).forEach(function (key) {
      var fresh = answer.rosters[key];
      if (fresh.session === SESSION) usePayload(fresh);
      else if (store) steps.push(store.saveRoster(fresh).catch(function () {}));
    });
    return Promise.all(steps).then(function () { showNotice(lastWord); });
  }
  // A person who is no longer on the page (a guest whose check-in was undone) gets the server's word above the list.
  function showNotice(receipt) {
    var alert = document.getElementById("checkin-alert");
    if (!alert || !receipt || rowData(receipt.participant)) return;
    alert.replaceChildren(el("div", { "class": "alert alert-success py-2", "data-testid": "checkin-notice", text: receipt.message }));
  }

  // ---- the offline walk-in -------------------------------------------------------------------
  function showWalkIn(show) {
    var section = document.getElementById("offline-walk-in");
    if (!section) return;
    section.classList.toggle("d-none", !show);
    if (show) {
      var first = section.querySelector("input[name=full_name]");
      if (first) first.focus();
    }
  }
  function saveWalkIn(form) {
    if (!form.reportValidity()) return;
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (name !== "client_id" && name !== "csrfmiddlewaretoken" && name !== "consent_version") data[name] = value;
    });
    if (data.consent) data.consent = true;
    if (data.whatsapp_opt_in) data.whatsapp_opt_in = true;
    save(newAction("walk_in", { data: data, label: data.full_name })).then(function () {
      form.reset();
      showWalkIn(false);
      render();
      sendSoon(0);
    });
  }

  // ---- wiring ------------------------------------------------------------------------------
  // Check-in and undo forms the server drew (search results; the roster before this script ran).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList) return;
    if (form.id === "offline-walk-in-form") {
      event.preventDefault();
      saveWalkIn(form);
      return;
    }
    var kind = form.classList.contains("checkin-form") ? "check_in" : form.classList.contains("undo-form") ? "undo" : "";
    if (!kind) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    var participant = Number(form.getAttribute("data-participant") || new FormData(form).get("participant"));
    var li = form.closest("li");
    var name = li ? (li.querySelector(".fw-semibold") || {}).textContent : "";
    act(kind, participant, name);
  }, true);

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-act]") : null;
    if (button) {
      var what = button.getAttribute("data-act");
      if (what === "check_in" || what === "undo") {
        var participant = Number(button.getAttribute("data-participant"));
        var row = rowData(participant);
        act(what, participant, row ? row.name : "");
      } else if (what === "remove" || what === "dismiss") {
        var clientId = button.getAttribute("data-client");
        if (!inFlight[clientId]) drop(clientId).then(render);
      }
      return;
    }
    var link = event.target.closest ? event.target.closest("#walk-in-link") : null;
    if (link && offline() && document.getElementById("offline-walk-in")) {
      event.preventDefault();
      showWalkIn(true);
    }
    if (event.target.id === "offline-walk-in-cancel") showWalkIn(false);
    if (event.target.id === "send-now") { backoff = BACKOFF_FIRST; failing = false; send(); }
  });

  var search = document.getElementById("q");
  if (search) search.addEventListener("input", filterRoster);
  document.addEventListener("htmx:sendError", function () { failing = true; filterRoster(); renderStatus(); });
  document.addEventListener("htmx:afterSwap", function () { renderSearchRows(); });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful && failing) { failing = false; filterRoster(); renderStatus(); sendSoon(0); }
  });
  window.addEventListener("online", function () { backoff = BACKOFF_FIRST; failing = false; render(); sendSoon(0); });
  window.addEventListener("offline", render);

  // Start: the newest roster (the page's, or the phone's copy if a sync since made it newer), the queue, then send.
  var ready = store && store.ready ? store.ready : Promise.resolve();
  ready.then(function () {
    return store ? store.roster(USER, SESSION).catch(function () { return null; }) : null;
  }).then(function (saved) {
    if (saved && saved.payload && Date.parse(saved.payload.fetched_at) > Date.parse(payload.fetched_at)) payload = saved.payload;
    else if (store) store.saveRoster(payload).catch(function () {});
    return loadQueue();
  }).then(function () {
    render();
    sendSoon(0);
  });
})();

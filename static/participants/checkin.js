// Check-in that tolerates a lost connection: taps made offline are kept in localStorage with
// their client ids and replayed when the phone is back online. The server treats a replayed
// client id as the same check-in, so sending one twice is harmless.
(function () {
  "use strict";
  var KEY = "laju-checkin-queue";
  var words = document.getElementById("checkin-text");
  var text = words ? words.dataset : {};

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(queue) { localStorage.setItem(KEY, JSON.stringify(queue)); }

  function banner() {
    var el = document.getElementById("offline-banner");
    if (!el) return;
    var queue = load();
    if (!navigator.onLine) {
      el.textContent = text.offline + (queue.length ? " " + text.pending + " " + queue.length : "");
      el.classList.remove("d-none");
    } else if (queue.length) {
      el.textContent = text.pending + " " + queue.length;
      el.classList.remove("d-none");
    } else {
      el.classList.add("d-none");
    }
  }

  function enqueue(form) {
    var data = new FormData(form);
    var item = {
      url: form.getAttribute("action"),
      participant: data.get("participant"),
      client_id: data.get("client_id"),
      csrf: data.get("csrfmiddlewaretoken")
    };
    var queue = load();
    if (!queue.some(function (q) { return q.client_id === item.client_id; })) queue.push(item);
    save(queue);
    var button = form.querySelector("button");
    if (button) { button.disabled = true; button.textContent = "⏳"; }
    var note = document.createElement("div");
    note.className = "small text-warning";
    note.setAttribute("data-testid", "queued");
    note.textContent = text.queued;
    form.appendChild(note);
    banner();
  }

  // Which rows of this person the page shows, so the server's answer updates each of them (and adds a
  // roster row for someone checked in from the search results).
  function shownRows(participant) {
    return ["search", "roster"].filter(function (where) {
      return document.getElementById(where + "-person-" + participant);
    }).join(",");
  }

  function applyUpdate(html) {
    // The answer holds only out-of-band parts (counter, rows); htmx places each by its id.
    if (html && window.htmx) window.htmx.swap(document.body, html, { swapStyle: "none" });
  }

  function replay() {
    var queue = load();
    if (!queue.length || !navigator.onLine) { banner(); return; }
    var item = queue[0];
    var body = new FormData();
    body.append("participant", item.participant);
    body.append("client_id", item.client_id);
    body.append("csrfmiddlewaretoken", item.csrf);
    body.append("shown", shownRows(item.participant));
    fetch(item.url, { method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status >= 500) throw new Error("server");
        // Sent (or refused for good, e.g. 404): either way it leaves the queue.
        save(load().filter(function (q) { return q.client_id !== item.client_id; }));
        return response.json().catch(function () { return {}; });
      })
      .then(function (data) {
        if (data && data.ok) applyUpdate(data.html);
        replay();
      })
      .catch(function () { banner(); });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("checkin-form")) return;
    if (!navigator.onLine) {
      event.preventDefault();
      event.stopImmediatePropagation();
      enqueue(form);
    }
  }, true);

  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt;
    if (form && form.classList && form.classList.contains("checkin-form")) enqueue(form);
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.classList) return;
    if (form.classList.contains("checkin-form") || form.classList.contains("undo-form")) {
      event.detail.parameters["shown"] = shownRows(form.getAttribute("data-participant"));
    }
  });

  window.addEventListener("online", replay);
  window.addEventListener("offline", banner);
  document.addEventListener("DOMContentLoaded", replay);
})();

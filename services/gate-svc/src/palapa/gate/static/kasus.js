// Kasus saya, live: the signed-in citizen's one stream (/kasus/aliran, Server-Sent Events) says which case changed;
// the page then fetches itself again and swaps its live regions ([data-live]) for the server's fresh rendering, so
// every word stays the server's (one rendering, no second one here). Without this script the pages work the same
// after a reload. EventSource resumes with Last-Event-ID on its own; the server ends the stream every few minutes
// and the reconnection passes the gate's session check again.
(function () {
  "use strict";
  var root = document.querySelector("[data-aliran]");
  if (!root || !window.EventSource || !window.fetch || !window.DOMParser) {
    return;
  }
  var only = root.getAttribute("data-tiket"); // a case's page follows that case only
  var said = document.getElementById("aliran-status");
  var changed = {};
  var timer = null;
  var source = new EventSource(root.getAttribute("data-aliran"));

  function say(text) {
    if (said) {
      said.textContent = text;
    }
  }

  // Replaces the regions that differ from the fresh page; returns how many did (a replayed event changes none).
  function swap(fresh) {
    var regions = document.querySelectorAll("[data-live]");
    var swapped = 0;
    for (var i = 0; i < regions.length; i++) {
      var name = regions[i].getAttribute("data-live");
      var next = fresh.querySelector('[data-live="' + name + '"]');
      if (next && next.innerHTML !== regions[i].innerHTML) {
        regions[i].replaceWith(document.importNode(next, true));
        swapped++;
      }
    }
    return swapped;
  }

  function refresh() {
    timer = null;
    var views = changed;
    changed = {};
    fetch(window.location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (answer) {
        if (!answer.ok || answer.redirected) {
          throw new Error("page " + answer.status);
        }
        return answer.text();
      })
      .then(function (html) {
        if (!swap(new DOMParser().parseFromString(html, "text/html"))) {
          return; // nothing new on this page (e.g. the entries replayed as the stream opened)
        }
        var words = Object.keys(views).map(function (ticket) {
          return ticket + ": " + views[ticket];
        });
        say("Diperbarui " + new Date().toLocaleTimeString("id-ID") + " — " + words.join("; "));
      })
      .catch(function () {
        say("Pembaruan tidak dapat ditampilkan; muat ulang halaman.");
      });
  }

  function changedView(event) {
    var view;
    try {
      view = JSON.parse(event.data);
    } catch (e) {
      return;
    }
    if (!view || typeof view.ticket !== "string" || (only && view.ticket !== only)) {
      return;
    }
    var name = view.nop_formatted ? "NOP " + view.nop_formatted : view.ticket; // a followed bill: by its NOP
    changed[name] = String(view.status_label || view.status || "");
    if (timer === null) {
      timer = window.setTimeout(refresh, 250); // several changes at once: one fetch
    }
  }

  source.addEventListener("complaint.updated", changedView);
  source.addEventListener("ticket.updated", changedView);
  source.addEventListener("bill.updated", changedView);
  source.addEventListener("open", function () {
    root.setAttribute("data-aliran-siap", "1");
    say("Halaman ini diperbarui langsung.");
  });
  source.addEventListener("error", function () {
    if (source.readyState === EventSource.CLOSED) {
      // refused (signed out, session over): the browser does not try again
      say("Pembaruan langsung berhenti; muat ulang halaman atau masuk lagi.");
    }
  });
})();

// Citizen page: look up a ticket (a complaint, a letter request, an emergency incident), then follow it live
// over Server-Sent Events.
// The browser's EventSource reconnects by itself and sends Last-Event-ID, so the server replays
// exactly what was missed.
"use strict";

(function () {
  const TICKET = /^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$/;
  const when = new Intl.DateTimeFormat("id-ID", {
    dateStyle: "long", timeStyle: "short", timeZone: "Asia/Jakarta",
  });
  const $ = (id) => document.getElementById(id);
  const SUBMITTED_LABELS = { service_request: "Diajukan", incident: "Dilaporkan" };
  let source = null;
  let shown = { ticket: null, revision: 0 };

  function formatTime(iso) {
    if (!iso) return "—";
    const d = new Date(iso);
    return isNaN(d) ? iso : when.format(d) + " WIB";
  }

  function setConnection(state, text) {
    const el = $("connection");
    el.hidden = false;
    el.dataset.state = state;
    el.textContent = text;
  }

  function render(view) {
    if (view.ticket !== shown.ticket || view.revision < shown.revision) return;
    shown.revision = view.revision;
    $("not-found").hidden = true;
    $("ticket").hidden = false;
    $("ticket-number").textContent = "Tiket " + view.ticket;
    const status = $("status");
    status.textContent = view.status_label;
    status.dataset.status = view.status;
    // a complaint (ComplaintUpdated) or a tracked ticket (TicketUpdated: a letter request or an incident);
    // only what is shown differs, the stream and its revisions are the same
    const tracked = typeof view.kind === "string";
    document.querySelectorAll("[data-for]").forEach((el) => {
      el.hidden = (el.dataset.for === "tracked") !== tracked;
    });
    $("title").hidden = !tracked;
    $("title").textContent = tracked ? view.title : "";
    $("opd").textContent = view.opd || "—";
    $("category").textContent = view.category || "—";
    $("place").textContent = view.place || "—";
    $("submitted-label").textContent = SUBMITTED_LABELS[view.kind] || "Dilaporkan";
    $("submitted").textContent = formatTime(tracked ? view.opened_at : view.submitted_at);
    $("updated").textContent = formatTime(view.updated_at);
    const list = $("timeline");
    list.replaceChildren(...(view.timeline || []).map((entry) => {
      const li = document.createElement("li");
      li.dataset.testid = "timeline-item";
      li.dataset.status = entry.status;
      const label = document.createElement("span");
      label.className = "label";
      label.textContent = entry.label;
      const time = document.createElement("time");
      time.dateTime = entry.at;
      time.textContent = formatTime(entry.at);
      li.append(label, time);
      if (entry.note) { // v2: why (rejection reason, re-routing, escalation)
        const note = document.createElement("p");
        note.className = "note";
        note.textContent = entry.note;
        li.append(note);
      }
      return li;
    }));
  }

  function listen(ticket) {
    if (source) source.close();
    setConnection("connecting", "Menyambung…");
    source = new EventSource("/tickets/" + encodeURIComponent(ticket) + "/events");
    source.onopen = () => setConnection("open", "Terhubung — pembaruan langsung");
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        // The server refused the stream (not a dropped connection): try again a little later.
        setConnection("closed", "Koneksi terputus. Mencoba lagi…");
        setTimeout(() => { if (shown.ticket === ticket) listen(ticket); }, 5000);
      } else {
        setConnection("reconnecting", "Menyambung ulang…");
      }
    };
    const onUpdate = (ev) => {
      try { render(JSON.parse(ev.data)); } catch (err) { console.error("pembaruan tidak terbaca", err); }
    };
    source.addEventListener("complaint.updated", onUpdate);
    source.addEventListener("ticket.updated", onUpdate);
  }

  async function track(raw) {
    const ticket = raw.trim().toUpperCase();
    const error = $("ticket-error");
    if (!TICKET.test(ticket)) {
      error.textContent = "Nomor tiket tidak valid. Gunakan bentuk seperti CURHAT-1042 atau SIMAKEL-3107.";
      error.hidden = false;
      $("ticket-input").setAttribute("aria-invalid", "true");
      return;
    }
    error.hidden = true;
    $("ticket-input").removeAttribute("aria-invalid");
    $("ticket-input").value = ticket;
    shown = { ticket, revision: 0 };
    $("ticket").hidden = true;
    $("not-found").hidden = true;
    history.replaceState(null, "", "?tiket=" + encodeURIComponent(ticket));
    listen(ticket); // listen before the lookup, so an update in between is not missed
    try {
      const res = await fetch("/tickets/" + encodeURIComponent(ticket), { headers: { Accept: "application/json" } });
      if (shown.ticket !== ticket) return;
      if (res.status === 404) {
        if (shown.revision === 0) $("not-found").hidden = false; // keep listening: it may appear later
      } else if (res.ok) {
        render(await res.json());
      } else {
        error.textContent = "Terjadi kesalahan saat memuat tiket. Silakan coba lagi.";
        error.hidden = false;
      }
    } catch (err) {
      error.textContent = "Tidak dapat menghubungi server. Periksa koneksi Anda.";
      error.hidden = false;
    }
  }

  $("track-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    track($("ticket-input").value);
  });

  const initial = new URLSearchParams(location.search).get("tiket");
  if (initial) {
    $("ticket-input").value = initial;
    track(initial);
  }
})();

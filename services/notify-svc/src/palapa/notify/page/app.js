// Citizen page: follow a case by its private link (#tiket=…&kunci=…) or its ticket and key, live over Server-Sent
// Events. The reader reconnects by itself and sends Last-Event-ID, so the server replays exactly what was missed.
"use strict";

(function () {
  const TICKET = /^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$/;
  const when = new Intl.DateTimeFormat("id-ID", {
    dateStyle: "long", timeStyle: "short", timeZone: "Asia/Jakarta",
  });
  const $ = (id) => document.getElementById(id);
  const SUBMITTED_LABELS = { service_request: "Diajukan", incident: "Dilaporkan" };
  let source = null; // the AbortController of the stream being read
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

  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function refuse(text) {
    const error = $("ticket-error");
    error.textContent = text;
    error.hidden = false;
  }

  // Server-Sent Events read with fetch, not EventSource: EventSource cannot send a header, and the case's key must
  // not go into the URL (servers and proxies log URLs). It resumes after Last-Event-ID as EventSource would.
  async function listen(ticket, key, mine) {
    let lastId = null;
    let delay = 1000;
    while (!mine.signal.aborted) {
      setConnection(lastId === null ? "connecting" : "reconnecting", lastId === null ? "Menyambung…" : "Menyambung ulang…");
      try {
        const headers = { Accept: "text/event-stream", "X-Case-Key": key };
        if (lastId !== null) headers["Last-Event-ID"] = lastId;
        const res = await fetch("/tickets/" + encodeURIComponent(ticket) + "/events",
          { headers, signal: mine.signal, cache: "no-store" });
        if (res.status === 404) { // not recorded yet (a complaint filed a moment ago): keep waiting for it
          if (shown.revision === 0) $("not-found").hidden = false;
          setConnection("waiting", "Menunggu tiket tercatat…");
          await wait(3000);
          continue;
        }
        if (res.status === 401 || res.status === 403) {
          const body = await res.json().catch(() => ({}));
          refuse(body.detail || "Tiket ini hanya dapat dibuka dengan tautan pribadinya.");
          setConnection("closed", "Tidak tersambung");
          return;
        }
        if (!res.ok || !res.body) throw new Error("HTTP " + res.status);
        setConnection("open", "Terhubung — pembaruan langsung");
        delay = 1000;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "", event = "message", data = [];
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf("\n")) >= 0) {
            const line = buffer.slice(0, end).replace(/\r$/, "");
            buffer = buffer.slice(end + 1);
            if (line === "") {
              if (data.length && (event === "complaint.updated" || event === "ticket.updated")) onUpdate(data.join("\n"));
              event = "message";
              data = [];
            } else if (!line.startsWith(":")) { // a comment line is a keep-alive
              const colon = line.indexOf(":");
              const name = colon < 0 ? line : line.slice(0, colon);
              let field = colon < 0 ? "" : line.slice(colon + 1);
              if (field.startsWith(" ")) field = field.slice(1);
              if (name === "event") event = field;
              else if (name === "data") data.push(field);
              else if (name === "id") lastId = field;
            }
          }
        }
      } catch (err) {
        if (mine.signal.aborted) return;
      }
      setConnection("reconnecting", "Menyambung ulang…");
      await wait(delay);
      delay = Math.min(delay * 2, 15000);
    }
  }

  function onUpdate(text) {
    try { render(JSON.parse(text)); } catch (err) { console.error("pembaruan tidak terbaca", err); }
  }

  function track(raw, rawKey) {
    const ticket = raw.trim().toUpperCase();
    const key = (rawKey || "").trim();
    if (!TICKET.test(ticket)) {
      refuse("Nomor tiket tidak valid. Gunakan bentuk seperti CURHAT-1042 atau SIMAKEL-3107.");
      $("ticket-input").setAttribute("aria-invalid", "true");
      return;
    }
    $("ticket-input").removeAttribute("aria-invalid");
    if (!key) {
      refuse("Nomor tiket saja tidak membuka laporan: buka tautan pribadi dari tanda terima Anda, atau isi kunci aksesnya.");
      return;
    }
    $("ticket-error").hidden = true;
    $("ticket-input").value = ticket;
    $("key-input").value = key;
    shown = { ticket, revision: 0 };
    $("ticket").hidden = true;
    $("not-found").hidden = true;
    if (source) source.abort();
    source = new AbortController();
    listen(ticket, key, source);
  }

  $("track-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    track($("ticket-input").value, $("key-input").value);
  });

  // the private link: #tiket=…&kunci=… (after '#': the browser never sends it, so no server logs it)
  const link = new URLSearchParams(location.hash.slice(1));
  const initial = link.get("tiket") || new URLSearchParams(location.search).get("tiket");
  if (initial) {
    $("ticket-input").value = initial;
    track(initial, link.get("kunci"));
  }
})();

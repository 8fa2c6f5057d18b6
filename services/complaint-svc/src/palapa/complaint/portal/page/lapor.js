// The complaint form: checked here for quick feedback, and again by the server, which has the last word.
// One key per filled-in form (Idempotency-Key): a double click or a retry files one complaint, not two.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const FIELDS = ["form", "kategori", "uraian", "kelurahan", "lokasi", "foto", "nama", "telepon", "email"];
  let key = newKey();
  let point = null;
  let sending = false;

  function newKey() {
    return (crypto.randomUUID ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint8Array(16)),
      (b) => b.toString(16).padStart(2, "0")).join(""));
  }

  function clearErrors() {
    for (const f of FIELDS) {
      $("err-" + f).hidden = true;
      const input = $(f);
      if (input) input.removeAttribute("aria-invalid");
    }
  }

  function showError(field, message) {
    const el = $("err-" + (FIELDS.includes(field) ? field : "form"));
    el.textContent = message;
    el.hidden = false;
    const input = $(field);
    if (input) { input.setAttribute("aria-invalid", "true"); input.focus(); }
  }

  function check(data) {
    if (!data.kategori) return ["kategori", "Pilih kategori pengaduan."];
    if (data.uraian.length < 15) return ["uraian", "Ceritakan keluhan Anda paling sedikit 15 karakter."];
    if (!data.kelurahan && !data.lat) return ["lokasi", "Pilih kelurahan atau gunakan titik lokasi Anda."];
    if (data.foto && !/^https?:\/\//.test(data.foto)) return ["foto", "Tautan foto harus diawali https:// atau http://."];
    if (data.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(data.email)) return ["email", "Alamat e-mail tidak valid."];
    if (data.telepon && !/^\+?[0-9 ()-]{6,20}$/.test(data.telepon)) return ["telepon", "Nomor telepon tidak valid."];
    return null;
  }

  function collect() {
    const anonim = $("anonim").checked;
    const text = (id) => $(id).value.trim();
    return {
      kategori: text("kategori"), uraian: text("uraian"), kelurahan: text("kelurahan"),
      lat: point ? String(point.lat) : "", long: point ? String(point.long) : "", foto: text("foto"), anonim,
      nama: anonim ? "" : text("nama"), telepon: anonim ? "" : text("telepon"), email: anonim ? "" : text("email"),
    };
  }

  async function send(ev) {
    ev.preventDefault();
    if (sending) return; // a second click while the first is on its way
    clearErrors();
    const data = collect();
    const problem = check(data);
    if (problem) { showError(...problem); return; }
    sending = true;
    $("send").disabled = true;
    $("send").textContent = "Mengirim…";
    try {
      const res = await fetch("/complaints", {
        method: "POST", body: JSON.stringify(data),
        headers: { "Content-Type": "application/json", "Idempotency-Key": key, Accept: "application/json" },
      });
      const body = await res.json().catch(() => ({}));
      if (res.ok) {
        $("ticket").textContent = body.ticket;
        // the link and the PIN come once (they are stored hashed): a repeated send answers the ticket only
        $("secrets").hidden = !body.link;
        $("no-secrets").hidden = !!body.link;
        $("link").href = body.link || "#";
        $("link").textContent = body.link || "";
        $("pin").textContent = body.pin || "";
        $("complaint-form").hidden = true;
        $("done").hidden = false;
      } else {
        showError(body.field || "form", body.detail || "Pengaduan belum terkirim. Silakan coba lagi.");
      }
    } catch (err) {
      showError("form", "Tidak dapat menghubungi server. Periksa koneksi Anda lalu kirim lagi.");
    } finally {
      sending = false;
      $("send").disabled = false;
      $("send").textContent = "Kirim pengaduan";
    }
  }

  async function loadCategories() {
    try {
      const res = await fetch("/open311/v2/services.json");
      for (const s of await res.json()) {
        const opt = document.createElement("option");
        opt.value = s.service_code;
        opt.textContent = s.service_name;
        $("kategori").append(opt);
      }
    } catch (err) {
      showError("form", "Daftar kategori belum termuat. Muat ulang halaman.");
    }
  }

  $("use-location").addEventListener("click", () => {
    if (!navigator.geolocation) { showError("lokasi", "Peramban ini tidak dapat membaca lokasi. Pilih kelurahan."); return; }
    navigator.geolocation.getCurrentPosition((pos) => {
      point = { lat: pos.coords.latitude.toFixed(6), long: pos.coords.longitude.toFixed(6) };
      $("point").textContent = "Titik lokasi: " + point.lat + ", " + point.long;
      $("point").hidden = false;
    }, () => showError("lokasi", "Lokasi tidak dapat dibaca. Izinkan akses lokasi atau pilih kelurahan."));
  });
  $("anonim").addEventListener("change", () => { $("identity").hidden = $("anonim").checked; });
  $("complaint-form").addEventListener("submit", send);
  $("again").addEventListener("click", () => {
    key = newKey();
    point = null;
    $("complaint-form").reset();
    $("point").hidden = true;
    $("identity").hidden = false;
    $("done").hidden = true;
    $("link").textContent = ""; // the secrets leave the page with the receipt
    $("pin").textContent = "";
    $("complaint-form").hidden = false;
  });
  loadCategories();
})();

// Search page of the citizens' directory: ask GET /directory/search and show what each service needs.
// Every text from the server is set with textContent (never as HTML).
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  let asked = 0;

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function fact(label, value, testid) {
    const div = el("div");
    const dd = el("dd", "", value);
    dd.dataset.testid = testid;
    div.append(el("dt", "", label), dd);
    return div;
  }

  function card(hit) {
    const li = el("li", "card");
    li.dataset.testid = "result";
    li.dataset.service = hit.service_id;
    const title = el("h2", "", hit.name);
    title.dataset.testid = "result-name";
    li.append(title, el("p", "meta", hit.app_name + " · " + hit.opd));
    if (hit.description) li.append(el("p", "desc", hit.description));
    const facts = el("dl", "facts");
    facts.append(fact("Biaya", hit.fee_text, "fee"), fact("Lama proses", hit.days_text, "days"));
    li.append(facts);
    li.append(el("h3", "", "Persyaratan"));
    const reqs = el("ul", "reqs");
    reqs.dataset.testid = "requirements";
    for (const r of hit.requirements) reqs.append(el("li", "", r));
    li.append(reqs);
    const where = el("p", "where");
    where.dataset.testid = "where";
    if (hit.served.where === "portal") {
      where.append("Dilayani di portal Palapa: ");
      const a = el("a", "", "buka di portal");
      a.href = hit.served.url;
      where.append(a);
    } else if (hit.served.url) {
      where.append("Dilayani di aplikasi " + hit.app_name + ": ");
      const a = el("a", "", hit.served.url);
      a.href = hit.served.url;
      a.rel = "noopener noreferrer";
      where.append(a);
    } else {
      where.append("Dilayani di kantor " + hit.opd);
    }
    li.append(where);
    return li;
  }

  async function run(q, field) {
    const mine = ++asked;
    const error = $("search-error");
    const params = new URLSearchParams({ q, limit: "10" });
    if (field) params.set("field", field);
    $("summary").textContent = "Mencari…";
    let res, body;
    try {
      res = await fetch("/directory/search?" + params.toString(), { headers: { Accept: "application/json" } });
      body = await res.json();
    } catch (err) {
      if (mine !== asked) return;
      $("summary").textContent = "";
      error.textContent = "Layanan pencarian tidak dapat dihubungi. Coba lagi sebentar lagi.";
      error.hidden = false;
      return;
    }
    if (mine !== asked) return; // an older answer arriving late
    if (!res.ok) {
      $("summary").textContent = "";
      error.textContent = body.detail || "Pencarian tidak dapat diproses.";
      error.hidden = false;
      $("results").replaceChildren();
      return;
    }
    error.hidden = true;
    const fixed = Object.entries(body.corrected || {}).map(([a, b]) => "“" + a + "” → “" + b + "”");
    const note = fixed.length ? " (ejaan disesuaikan: " + fixed.join(", ") + ")" : "";
    $("summary").textContent = body.items.length
      ? body.items.length + " layanan ditemukan" + note
      : "Tidak ada layanan yang cocok. Coba kata lain, misalnya nama dokumen atau dinasnya.";
    $("results").replaceChildren(...body.items.map(card));
  }

  function submit(ev) {
    if (ev) ev.preventDefault();
    const q = $("q").value;
    const field = $("field").value;
    const url = new URL(window.location.href);
    url.searchParams.set("q", q);
    if (field) url.searchParams.set("bidang", field); else url.searchParams.delete("bidang");
    history.replaceState(null, "", url);
    run(q, field);
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("search-form").addEventListener("submit", submit);
    $("field").addEventListener("change", () => submit());
    const start = new URL(window.location.href).searchParams;
    if (start.get("bidang")) $("field").value = start.get("bidang");
    if (start.get("q")) { $("q").value = start.get("q"); submit(); }
  });
})();

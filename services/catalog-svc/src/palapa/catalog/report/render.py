"""The report as an HTML page in Bahasa Indonesia, every figure from GET /report's JSON (pure)."""

from __future__ import annotations

from html import escape

from ..census.parse import WARGAKU_FIELDS
from .charts import PALETTE, bars, number, stacked

AUDIENCE = {"warga": "Masyarakat", "pegawai": "Internal pemerintah"}
KIND = {"layanan publik": "Layanan publik", "administrasi pemerintahan": "Administrasi pemerintahan",
        "website profil": "Website profil"}
LIFECYCLE = {"aktif": "Aktif", "dorman": "Tidak aktif / dorman", "pensiun": "Pensiun"}
#: Green for what runs, amber for what waits for a decision, grey for what is switched off; the two audiences apart.
COLORS = {"Aktif": "#2da44e", "Tidak aktif / dorman": "#d29922", "Pensiun": "#8c959f", "Masyarakat": "#1f6feb",
          "Internal pemerintah": "#8250df"}
MAX_ROWS = 40  # rows of a table on the page; the JSON has them all


def _label(mapping: dict[str, str], key: str) -> str:
    return mapping.get(key, key.capitalize() if key != "-" else "(tanpa bidang)")


def _card(n: int, text: str, name: str) -> str:
    return (f'<div class="card" data-figure="{name}"><span class="n">{number(n)}</span>'
            f'<span class="t">{escape(text)}</span></div>')


def _summary(r: dict) -> str:
    s, w = r["service_apps"], r["profile_websites"]
    pub = s["active_in_public_fields"]
    fields = ", ".join(f"{number(n)} {escape(f)}" for f, n in pub["by_field"].items())
    aud = r["by_audience"]
    return (f'<p class="summary" data-testid="ringkasan">Dari <b>{number(r["total"])}</b> aplikasi, '
            f'<b>{number(aud.get("pegawai", 0))}</b> melayani internal pemerintah dan '
            f'<b>{number(aud.get("warga", 0))}</b> melayani masyarakat. Ada <b>{number(s["total"])}</b> aplikasi '
            f'layanan (<b>{number(s["active"])}</b> aktif, <b>{number(s["inactive"])}</b> mati) dan '
            f'<b>{number(w["total"])}</b> website profil (<b>{number(w["active"])}</b> aktif, '
            f'<b>{number(w["inactive"])}</b> mati). Dari {number(s["active"])} aplikasi layanan aktif, '
            f'<b>{number(pub["total"])}</b> berada di lima bidang layanan publik ({fields}); '
            f'<b>{number(s["active_government_administration"])}</b> aplikasi administrasi pemerintahan dan '
            f'<b>{number(s["active_other_public_services"])}</b> layanan publik lainnya.</p>')


def _charts(r: dict) -> str:
    s = r["service_apps"]
    pub = s["active_in_public_fields"]
    lifecycles = [k for k in LIFECYCLE if any(k in row for row in r["kind_by_lifecycle"].values())]
    out = [
        bars("audience", "Sasaran pengguna", [(_label(AUDIENCE, k), v) for k, v in r["by_audience"].items()],
             color=COLORS["Masyarakat"]),
        stacked("kind-lifecycle", "Jenis aplikasi menurut status",
                [(_label(KIND, k), [(LIFECYCLE[c], row.get(c, 0)) for c in lifecycles])
                 for k, row in r["kind_by_lifecycle"].items()], [LIFECYCLE[c] for c in lifecycles], COLORS),
        bars("active-services", f"{number(s['active'])} aplikasi layanan aktif",
             [*((f"Bidang {f}", n) for f, n in pub["by_field"].items()),
              ("Administrasi pemerintahan", s["active_government_administration"]),
              ("Layanan publik lainnya", s["active_other_public_services"])], color=PALETTE[1]),
    ]
    fields = sorted(r["field_by_audience"].items(), key=lambda kv: -sum(kv[1].values()))[:20]
    out.append(stacked("field-audience", "Bidang layanan menurut sasaran pengguna (20 terbesar)",
                       [(_label({}, f), [(AUDIENCE[a], row.get(a, 0)) for a in AUDIENCE]) for f, row in fields],
                       list(AUDIENCE.values()), COLORS))
    return "".join(out)


def _plan(r: dict) -> str:
    plan = r["plan"]
    out = ['<div class="cards">',
           _card(plan["wargaku"]["total"], "dilebur ke Wargaku (untuk warga)", "wargaku"),
           _card(plan["kantorku"]["total"], "dilebur ke Kantorku (untuk pegawai)", "kantorku"),
           _card(plan["switched_off"]["total"], "dimatikan", "switched-off"),
           _card(plan["kept"]["total"], "tetap berjalan untuk sementara", "kept"), "</div>"]
    for name, title, color in (("wargaku", "Wargaku menurut klaster", PALETTE[0]),
                               ("kantorku", "Kantorku menurut klaster", PALETTE[4])):
        clusters = sorted(plan[name]["clusters"].items(), key=lambda kv: (-len(kv[1]), kv[0]))
        if clusters:
            out.append(bars(f"plan-{name}", title, [(c.capitalize(), len(ids)) for c, ids in clusters], color=color))
    return "".join(out)


def _members(apps: list[dict], shown: int = 8) -> str:
    names = "<br>".join(escape(a["name"]) + " — " + escape(a["opd"]) for a in apps[:shown])
    return names + (f"<br>dan {number(len(apps) - shown)} aplikasi lainnya" if len(apps) > shown else "")


def _duplicates(r: dict) -> str:
    d = r["duplicates"]
    rows = "".join(
        f'<tr data-testid="duplikat"><td>{escape(g["field"])}</td><td>{escape(", ".join(g["shared_words"]))}</td>'
        f'<td>{_members(g["apps"])}</td></tr>' for g in d["groups"][:MAX_ROWS])
    more = f'<p>dan {number(d["total_groups"] - MAX_ROWS)} kelompok lainnya</p>' if d["total_groups"] > MAX_ROWS else ""
    body = (f'<table><tr><th>Bidang</th><th>Kata yang sama</th><th>Aplikasi — OPD</th></tr>{rows}</table>{more}'
            if d["groups"] else "<p>Tidak ada aplikasi yang tumpang tindih menurut aturan ini.</p>")
    return (f'<p data-figure="duplicate-groups"><b>{number(d["total_groups"])}</b> kelompok, '
            f'<b>{number(d["apps_involved"])}</b> aplikasi.</p><p class="rule">{escape(d["rule"])}</p>{body}')


def _evidence(e: dict) -> str:
    if e.get("source") == "pemeriksaan":
        def when(key):
            return escape(str(e.get(key))[:16].replace("T", " ")) if e.get(key) else "tidak pernah"
        return (f'Tanpa heartbeat maupun event selama {e.get("threshold_days", 0):g} hari; heartbeat terakhir: '
                f'{when("last_heartbeat_at")}; event terakhir: {when("last_event_at")}')
    return "Sensus: tidak aktif" + (f' — {escape(e["note"])}' if e.get("note") else "")


def _candidates(r: dict) -> str:
    c = r["dormant_candidates"]
    rows = "".join(f'<tr data-testid="kandidat-dorman"><td>{escape(a["name"])}</td><td>{escape(a["opd"])}</td>'
                   f'<td>{_evidence(a["evidence"])}</td></tr>' for a in c["apps"][:MAX_ROWS])
    more = f'<p>dan {number(c["total"] - MAX_ROWS)} aplikasi lainnya</p>' if c["total"] > MAX_ROWS else ""
    return (f'<p data-figure="dormant-candidates"><b>{number(c["total"])}</b> aplikasi menunggu keputusan '
            f'(dipensiunkan hanya setelah dikonfirmasi petugas).</p>'
            f'<table><tr><th>Aplikasi</th><th>OPD</th><th>Bukti</th></tr>{rows}</table>{more}')


def page(r: dict) -> str:
    """The whole page: figures, charts, the consolidation plan, duplicates and dormant candidates."""
    s, aud = r["service_apps"], r["by_audience"]
    cards = "".join([
        _card(r["total"], "aplikasi tercatat", "total"),
        _card(aud.get("pegawai", 0), "melayani internal pemerintah", "internal"),
        _card(aud.get("warga", 0), "melayani masyarakat", "public"),
        _card(s["active"], "aplikasi layanan aktif", "active-services"),
        _card(s["inactive"] + r["profile_websites"]["inactive"], "aplikasi mati", "dead"),
    ])
    fields = ", ".join(WARGAKU_FIELDS)
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Peta dan rasionalisasi aplikasi</title><link rel="icon" href="data:,">\
<link rel="stylesheet" href="/report/page.css"></head>
<body><header><h1>Peta dan rasionalisasi aplikasi pemerintah kota</h1>
<p>Dihitung dari katalog aplikasi saat halaman ini dibuka (data lengkap: <a href="/report">/report</a>).</p></header>
<main>
<section><h2>Ringkasan</h2><div class="cards">{cards}</div>{_summary(r)}</section>
<section><h2>Peta aplikasi</h2><div class="grid">{_charts(r)}</div></section>
<section><h2>Rencana konsolidasi</h2><p class="rule">Aplikasi layanan aktif untuk warga di bidang {escape(fields)}
dilebur ke Wargaku; aplikasi aktif untuk pegawai dilebur ke Kantorku per bidang; aplikasi yang tidak aktif
dimatikan.</p>{_plan(r)}</section>
<section><h2>Aplikasi yang tumpang tindih</h2>{_duplicates(r)}</section>
<section><h2>Kandidat dorman</h2>{_candidates(r)}</section>
</main></body></html>"""

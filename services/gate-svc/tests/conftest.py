"""gate-svc's tests: catalog-svc and taxbill-svc answering as they do (their shapes, recorded), without them."""

import httpx
import pytest

DOMISILI = {
    "service_id": "surat-domisili", "name": "Surat Keterangan Domisili", "app_id": "si-makel", "app_name": "Si Makel",
    "opd": "Kelurahan", "field": "administrasi", "audience": "warga",
    "description": "Surat keterangan tempat tinggal dari kelurahan.",
    "requirements": ["Fotokopi KTP-el", "Surat pengantar RT/RW"], "fee": 0, "fee_text": "Gratis", "days": 1,
    "days_text": "1 hari kerja", "served": {"where": "portal", "url": "http://127.0.0.1:8103/"},
}
KK = {**DOMISILI, "service_id": "kk-baru", "name": "Pembuatan Kartu Keluarga Baru", "app_id": "dukcapil-online",
      "app_name": "Layanan Online Dispendukcapil", "opd": "DISPENDUKCAPIL",
      "served": {"where": "tautan", "url": "https://dispendukcapil.mojokertokota.go.id/layanan/kk"}}
EVIL = {**KK, "service_id": "evil", "name": "<script>alert(1)</script>", "description": "\"><img src=x onerror=1>"}
BILL = {"nop": "357601000100000000", "nop_formatted": "35.76.010.001.000-0000.0", "year": 2026, "amount_due": 1250000,
        "due_date": "2026-08-31", "paid": False, "status_label": "Belum dibayar", "paid_at": None,
        "updated_at": "2026-12-07T09:00:00+00:00"}


def upstream(request: httpx.Request) -> httpx.Response:
    path, params = request.url.path, request.url.params
    if path == "/directory/search":
        q = params["q"]
        if q == "rusak":
            return httpx.Response(500, text="boom")
        items = [DOMISILI] if "domisili" in q else [EVIL] if q == "evil" else []
        return httpx.Response(200, json={"query": q, "corrected": {}, "items": items})
    if path.startswith("/directory/services/"):
        found = {s["service_id"]: s for s in (DOMISILI, KK, EVIL)}.get(path.rsplit("/", 1)[1])
        if found:
            return httpx.Response(200, json=found)
        return httpx.Response(404, json={"detail": "Layanan tidak ada", "reason": "unknown_service"})
    if path.startswith("/tax-bills/"):
        if path.endswith("357601000100000000") or path.endswith("35.76.010.001.000-0000.0"):
            return httpx.Response(200, json=BILL)
        if "abc" in path:
            return httpx.Response(400, json={"detail": "NOP tidak valid: tulis 18 digit", "reason": "malformed_nop"})
        return httpx.Response(404, json={"detail": "Tagihan PBB tidak ditemukan", "reason": "unknown_bill"})
    return httpx.Response(404, json={"detail": "?", "reason": "not_found"})


@pytest.fixture
def upstream_transport() -> httpx.MockTransport:
    """catalog-svc's directory and taxbill-svc's bills, answering as recorded (a 500 for the search "rusak")."""
    return httpx.MockTransport(upstream)

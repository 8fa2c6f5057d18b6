"""The operations console /ops end to end on the shared platform: Caddy in front of gate-svc, ops-svc keeping the
platform's dead letters, the real identity provider (code + PKCE). A poison event (unsigned) that complaint-svc
dead-letters shows up at /ops masked; the SRE discards it with a reason (CSRF checked, audited); another, re-driven
straight to complaint-svc from the page, is refused there again (still unsigned) and waits; nobody else gets in.
Then once in Chromium: sign in as SRE, see a dead letter, discard it; axe-core finds no serious violation."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import expect

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintSubmitted
from palapa.testkit import EventProducer, eventually
from palapa.testkit.identity import Identity

from .browsing import (
    DESK,
    browser_sign_in,
    chromium_page,
    csrf_of,
    needs_chromium,
    serious_violations,
    staff_sign_in,
)

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]


@pytest_asyncio.fixture(loop_scope="session")
async def gate(platform):
    async with httpx.AsyncClient(base_url=platform.gate.url, timeout=30) as client:
        yield client


@pytest_asyncio.fixture(loop_scope="session")
async def producer(platform):
    p = EventProducer(platform.kafka, signer=platform.tool_signer)
    await p.kafka.start()
    yield p
    await p.kafka.stop()


async def poison(producer, ticket: str) -> None:
    """An unsigned complaint: complaint-svc refuses it before any effect and dead-letters it."""
    event = ComplaintSubmitted(ticket=ticket, source_app="portal", source_ref=ticket, category="Lampu jalan",
                               description="Hubungi saya di 081234567890", submitted_at=datetime.now(UTC),
                               reporter_name="Joko Susilo", reporter_phone="081234567890")
    await producer.send(Envelope(event, source="/apps/portal", subject=ticket), signed=False)


async def sign_in(gate: httpx.AsyncClient, who: str) -> dict[str, str]:
    return await staff_sign_in(gate, "/ops", "ops_sesi", who)


async def listed(gate, cookie, ticket: str) -> str:
    """The id of the dead letter of `ticket` once the console lists it (complaint-svc → topic → ops-svc)."""
    async def there():
        page = await gate.get("/ops", params={"consumer": "complaint-svc", "reason": "unsigned"}, headers=cookie)
        for letter_id in re.findall(r'href="/ops/dead-letters/(\d+)"', page.text):
            shown = await gate.get(f"/ops/dead-letters/{letter_id}", headers=cookie)
            if ticket in shown.text:
                return letter_id
        return None

    return await eventually(there, timeout=90, what=f"the dead letter of {ticket} at /ops")


async def test_only_a_signed_in_sre_gets_in(gate):
    assert (await gate.get("/ops")).headers["location"] == "/ops/masuk"
    forged = await gate.get("/ops", headers={"Cookie": "ops_sesi=made-up"})
    assert (forged.status_code, forged.headers["location"]) == (303, "/ops/masuk")
    for who in ("desk", "dishub", "nobody"):
        cookie = await sign_in(gate, who)
        for path in ("/ops", "/ops/outbox", "/ops/consumers", "/ops/bridges", "/ops/dead-letters/1"):
            refused = await gate.get(path, headers=cookie)
            assert refused.status_code == 403 and "sre" in refused.text, (who, path)
    # a /petugas session is no /ops session (its cookie is scoped to /petugas, and its name is another)
    assert (await gate.get("/ops", headers={"Cookie": "petugas_sesi=x"})).status_code == 303


async def test_sre_sees_a_poison_event_masked_and_discards_it_with_a_reason(gate, producer, platform):
    await poison(producer, "OPS-1")
    cookie = await sign_in(gate, "sre")
    letter_id = await listed(gate, cookie, "OPS-1")
    page = await gate.get(f"/ops/dead-letters/{letter_id}", headers=cookie)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "081234567890" not in page.text and "Joko" not in page.text  # masked
    assert "signature refused" in page.text and "<script" not in page.text
    forged = await gate.post(f"/ops/dead-letters/{letter_id}/discard", headers=cookie, data={"why": "tanpa token"})
    assert forged.status_code == 403
    short = await gate.post(f"/ops/dead-letters/{letter_id}/discard", headers=cookie,
                            data={"csrf": csrf_of(page.text), "why": "x"})
    assert short.status_code == 422 and "waiting" in short.text  # a reason is required; nothing changed
    done = await gate.post(f"/ops/dead-letters/{letter_id}/discard", headers=cookie,
                           data={"csrf": csrf_of(page.text), "why": "event uji tanpa tanda tangan"})
    assert (done.status_code, done.headers["location"]) == (303, f"/ops/dead-letters/{letter_id}")
    after = await gate.get(f"/ops/dead-letters/{letter_id}", headers=cookie)
    assert "discarded" in after.text and "event uji tanpa tanda tangan" in after.text
    sre = await Identity(platform.issuer).token("sre")
    async with httpx.AsyncClient(base_url=platform.running["ops-svc"].url) as ops:
        audit = (await ops.get("/audit", params={"object_type": "dead_letter", "object_id": letter_id},
                               headers={"Authorization": f"Bearer {sre}"})).json()["items"]
    assert [(a["action"], a["actor"], a["why"]) for a in audit] == [
        ("ops.dead_letter.discard", "sre", "event uji tanpa tanda tangan")]
    outbox = await gate.get("/ops/outbox", headers=cookie)
    assert outbox.status_code == 200 and "complaint-svc" in outbox.text and "ops-svc" in outbox.text
    assert (await gate.get("/ops/bridges", headers=cookie)).status_code == 200

    async def ops_svc_consuming():  # ops-svc's group on the dead-letter topic, with its lag, among the others
        page = await gate.get("/ops/consumers", headers=cookie)
        return page.status_code == 200 and "palapa.platform.deadletter.v1" in page.text and "<svg" in page.text

    await eventually(ops_svc_consuming, what="the consumers page showing ops-svc's partition")


async def test_sre_re_drives_straight_to_the_consumer_from_the_page_and_a_still_refused_letter_waits(gate, producer):
    await poison(producer, "OPS-2")
    cookie = await sign_in(gate, "sre")
    letter_id = await listed(gate, cookie, "OPS-2")
    page = await gate.get(f"/ops/dead-letters/{letter_id}", headers=cookie)
    assert "Kirim langsung ke complaint-svc" in page.text
    # handed to complaint-svc itself (gate → ops-svc → complaint-svc's POST /ops/redeliver, the SRE's token each
    # time): unsigned, it is refused again there, so the letter waits and the page says why
    again = await gate.post(f"/ops/dead-letters/{letter_id}/redrive", headers=cookie,
                            data={"csrf": csrf_of(page.text), "to": "consumer", "why": "coba langsung"})
    assert again.status_code == 409 and "masih menolaknya" in again.text and "signature refused" in again.text
    assert "waiting" in again.text and "Kirim langsung ke complaint-svc" in again.text


async def test_sre_releases_a_parked_outbox_row_from_the_page_and_it_goes_out(gate, platform):
    """A row complaint-svc's relay parked (written here as the relay parks one) is released at /ops/outbox."""
    from sqlalchemy import MetaData, select

    from palapa.kit.db import make_engine
    from palapa.kit.outbox import Outbox
    from palapa.kit.tables import outbox_table

    table = outbox_table(MetaData(schema="complaint"))
    event = ComplaintSubmitted(ticket="OPS-PARK-1", source_app="portal", source_ref="p1", category="Lampu jalan",
                               description="-", submitted_at=datetime.now(UTC))
    engine = make_engine(platform.database_url, pool_size=1)
    try:
        async with engine.begin() as conn:
            row = Outbox.row(Envelope(event, source="/services/complaint-svc", subject="OPS-PARK-1"))
            row_id = (await conn.execute(table.insert().values(
                **row, parked_at=datetime.now(UTC), park_reason="MessageSizeTooLargeError (uji)")
                .returning(table.c.id))).scalar_one()
        cookie = await sign_in(gate, "sre")
        page = await gate.get("/ops/outbox", headers=cookie)
        assert f"/ops/outbox/complaint-svc/{row_id}/release" in page.text and "MessageSizeTooLargeError" in page.text
        done = await gate.post(f"/ops/outbox/complaint-svc/{row_id}/release", headers=cookie,
                               data={"csrf": csrf_of(page.text), "why": "batas ukuran diperbaiki"})
        assert (done.status_code, done.headers["location"]) == (303, "/ops/outbox")

        async def published():
            async with engine.connect() as conn:
                return await conn.scalar(select(table.c.published_at).where(table.c.id == row_id)) is not None

        await eventually(published, what="the released row published by complaint-svc's relay")
    finally:
        await engine.dispose()


async def test_sre_replays_a_bridge_from_a_confirmed_point_in_time_with_a_reason(gate, platform):
    cookie = await sign_in(gate, "sre")
    listing = await gate.get("/ops/bridges", headers=cookie)
    assert 'href="/ops/bridges/curhat-ning-ita/replay"' in listing.text and "Sweep rekonsiliasi" in listing.text
    form = await gate.get("/ops/bridges/curhat-ning-ita/replay", headers=cookie)
    assert form.status_code == 200 and 'type="datetime-local"' in form.text
    url, csrf = "/ops/bridges/curhat-ning-ita/replay", csrf_of(form.text)
    typed = {"csrf": csrf, "since": "2026-12-01T08:00", "why": "complaint-svc dibangun ulang"}
    assert (await gate.post(url, headers=cookie, data={**typed, "why": "x"})).status_code == 422
    assert (await gate.post(url, headers=cookie, data={**typed, "csrf": "lain"})).status_code == 403
    check = await gate.post(url, headers=cookie, data=typed)  # nothing happens before the time is confirmed
    assert check.status_code == 200 and "1 Desember 2026 01:00:00 UTC" in check.text
    confirmed = re.search(r'name="konfirmasi" value="([^"]+)"', check.text).group(1)
    assert confirmed == "2026-12-01T08:00:00+07:00"
    done = await gate.post(url, headers=cookie, data={**typed, "konfirmasi": confirmed})
    assert done.status_code == 200 and "Replay dimulai" in done.text, done.text
    sre = await Identity(platform.issuer).token("sre")
    async with httpx.AsyncClient(base_url=platform.running["bridge-curhat"].url) as bridge:
        audit = (await bridge.get("/audit", params={"object_id": "curhat-ning-ita"},
                                  headers={"Authorization": f"Bearer {sre}"})).json()["items"]
    assert ("bridge.replay", "sre", "complaint-svc dibangun ulang") in [(a["action"], a["actor"], a["why"])
                                                                        for a in audit]
    desk = await sign_in(gate, "desk")
    assert (await gate.get(url, headers=desk)).status_code == 403
    assert (await gate.post(url, headers=desk, data={**typed, "konfirmasi": confirmed})).status_code == 403
    assert (await gate.get("/ops/bridges/..%2Fapps/replay", headers=cookie)).status_code == 404


async def test_the_service_level_page_shows_breaches_escalations_and_the_dead_letter_rate(gate):
    cookie = await sign_in(gate, "sre")
    page = await gate.get("/ops/layanan", headers=cookie)
    assert page.status_code == 200 and "Pelanggaran SLA per OPD" in page.text and "Eskalasi menunggu" in page.text
    assert "Dead letter per jam" in page.text and "tidak terjangkau" not in page.text and "<svg" in page.text
    assert "Ujung topic menurut ListOffsets broker" in page.text and "Dead letter disimpan" in page.text


@pytest.mark.browser
@needs_chromium
async def test_an_sre_signs_in_in_chromium_sees_a_dead_letter_and_discards_it(platform, gate, producer):
    await poison(producer, "OPS-9")
    letter_id = await listed(gate, await sign_in(gate, "sre"), "OPS-9")
    url = platform.gate.url
    async with chromium_page(DESK) as (page, findings):
        await browser_sign_in(page, url, "/ops", "sre")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Dead letters")
        await page.get_by_role("link", name=f"#{letter_id}").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text(f"Dead letter #{letter_id}")
        found = await serious_violations(page, url, ("/ops", f"/ops/dead-letters/{letter_id}", "/ops/outbox",
                                                     "/ops/consumers", "/ops/bridges", "/ops/layanan",
                                                     "/ops/bridges/curhat-ning-ita/replay"))
        assert found == {}, found
        await page.goto(url + f"/ops/dead-letters/{letter_id}")
        await page.get_by_label("Alasan membuang (wajib)").fill("uji di peramban")
        await page.get_by_role("button", name="Buang (discard)").click()
        await expect(page.get_by_text("uji di peramban")).to_be_visible()
        await expect(page.get_by_role("button", name="Buang (discard)")).to_have_count(0)
        findings.assert_clean()

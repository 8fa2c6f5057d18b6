"""The staff workspace /petugas end to end, as `./palapa up` runs it: Caddy in front of gate-svc and complaint-svc
(their own processes), the real identity provider (code + PKCE). complaint-svc decides who sees and moves what;
the gate keeps the token server-side and every form behind its session's CSRF token. Then once in Chromium:
sign in through the gate and see the queue; axe-core finds no serious or critical violation on its pages.
The desk re-routes with a reason; escalations wait for the Sekda or the Wali Kota, who leave instructions; the
on-time chart per OPD."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

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
async def stack(platform):
    """The gate (a browser's client on the one address) and complaint-svc (to see what it holds)."""
    async with httpx.AsyncClient(base_url=platform.gate.url, timeout=30) as gate, \
            httpx.AsyncClient(base_url=platform.running["complaint-svc"].url, timeout=30) as complaint:
        yield gate, complaint


@pytest_asyncio.fixture(loop_scope="session")
async def producer(platform):
    p = EventProducer(platform.kafka, signer=platform.tool_signer)
    await p.kafka.start()
    yield p
    await p.kafka.stop()


@pytest.fixture
def identity_provider(platform) -> Identity:
    return Identity(platform.issuer)


async def file_case(complaint: httpx.AsyncClient, producer, identity_provider, ticket: str, category: str,
                    at: datetime | None = None) -> dict:
    event = ComplaintSubmitted(ticket=ticket, source_app="portal", source_ref=ticket, category=category,
                               description="Lampu mati di depan sekolah", submitted_at=at or datetime.now(UTC),
                               reporter_name="Joko Susilo")
    await producer.send(Envelope(event, source="/apps/portal", subject=ticket))
    desk = {"Authorization": f"Bearer {await identity_provider.token('desk')}"}

    async def there():
        res = await complaint.get(f"/complaints/{ticket}", headers=desk)
        return res.json() if res.status_code == 200 else None

    return await eventually(there, what=f"{ticket} received")


async def test_the_desk_signs_in_sees_the_queue_by_deadline_and_moves_a_case_only_along_the_lifecycle(
        stack, producer, identity_provider):
    gate, complaint = stack
    await file_case(complaint, producer, identity_provider, "PETUGAS-1", "Lampu jalan")
    cookie = await sign_in(gate, "desk")
    queue = await gate.get("/petugas", headers=cookie)
    assert queue.status_code == 200 and "PETUGAS-1" in queue.text and "Petugas Meja Pengaduan" in queue.text
    assert queue.headers["cache-control"] == "no-store"
    assert "PETUGAS-1" in (await gate.get("/petugas", params={"kelurahan": "", "category": "lampu jalan"},
                                          headers=cookie)).text
    assert "PETUGAS-1" not in (await gate.get("/petugas", params={"category": "Sampah"}, headers=cookie)).text
    case = await gate.get("/petugas/kasus/PETUGAS-1", headers=cookie)
    assert case.status_code == 200 and "Joko Susilo" in case.text  # the desk may see the reporter
    offered = set(re.findall(r'name="status" value="([a-z_]+)"', case.text))
    assert offered == {"verified", "dispositioned", "in_progress", "resolved", "rejected", "not_our_remit",
                       "duplicate"}  # received's legal next moves, nothing else
    moved = await gate.post("/petugas/kasus/PETUGAS-1/status", headers=cookie,
                            data={"csrf": csrf_of(case.text), "status": "verified", "note": "Sudah dicek"})
    assert (moved.status_code, moved.headers["location"]) == (303, "/petugas/kasus/PETUGAS-1")
    after = await gate.get("/petugas/kasus/PETUGAS-1", headers=cookie)
    assert "Sudah dicek" in after.text and 'value="received"' not in after.text
    illegal = await gate.post("/petugas/kasus/PETUGAS-1/status", headers=cookie,
                              data={"csrf": csrf_of(case.text), "status": "closed"})
    assert illegal.status_code == 409 and "Perubahan ditolak" in illegal.text


async def test_a_page_without_a_session_or_with_a_forged_one_sends_to_the_sign_in(stack):
    gate, _ = stack
    for headers in ({}, {"Cookie": "petugas_sesi=dipalsukan"}):
        for path in ("/petugas", "/petugas/kasus/PETUGAS-1"):
            answer = await gate.get(path, headers=headers)
            assert (answer.status_code, answer.headers["location"]) == (303, "/petugas/masuk")
        posted = await gate.post("/petugas/kasus/PETUGAS-1/status", headers=headers, data={"status": "closed"})
        assert (posted.status_code, posted.headers["location"]) == (303, "/petugas/masuk")


async def test_a_callback_with_an_unknown_or_replayed_state_signs_no_one_in(stack):
    gate, _ = stack
    answer = await gate.get("/petugas/callback", params={"code": "abc", "state": "tebakan"})
    assert answer.status_code == 400 and "set-cookie" not in answer.headers


async def test_a_form_without_the_sessions_csrf_token_is_refused(stack, producer, identity_provider):
    gate, complaint = stack
    await file_case(complaint, producer, identity_provider, "PETUGAS-2", "Lampu jalan")
    cookie = await sign_in(gate, "desk")
    for form in ({"status": "verified"}, {"status": "verified", "csrf": "salah"}):
        refused = await gate.post("/petugas/kasus/PETUGAS-2/status", headers=cookie, data=form)
        assert refused.status_code == 403 and "CSRF" in refused.text
    assert (await gate.post("/petugas/keluar", headers=cookie, data={})).status_code == 403
    case = await gate.get("/petugas/kasus/PETUGAS-2", headers=cookie)
    assert "Diterima" in case.text or 'value="verified"' in case.text  # unchanged: still received


async def test_an_officer_sees_and_moves_only_their_opds_cases(stack, producer, identity_provider):
    gate, complaint = stack
    await file_case(complaint, producer, identity_provider, "PETUGAS-3", "Lampu jalan")  # DISHUB's
    dinkes = await sign_in(gate, "dinkes")
    queue = await gate.get("/petugas", headers=dinkes)
    assert queue.status_code == 200 and "PETUGAS-3" not in queue.text
    other = await gate.get("/petugas/kasus/PETUGAS-3", headers=dinkes)
    assert other.status_code == 404 and "Lampu mati" not in other.text and "Joko" not in other.text
    move = await gate.post("/petugas/kasus/PETUGAS-3/status", headers=dinkes,
                           data={"csrf": csrf_of(queue.text), "status": "verified"})
    assert move.status_code == 403
    dishub = await sign_in(gate, "dishub")
    mine = await gate.get("/petugas/kasus/PETUGAS-3", headers=dishub)
    assert mine.status_code == 200 and "Lampu mati" in mine.text and "Joko" not in mine.text  # no identity
    assert "PETUGAS-3" in (await gate.get("/petugas", headers=dishub)).text


async def test_signing_out_ends_the_session(stack):
    gate, _ = stack
    cookie = await sign_in(gate, "dishub")
    queue = await gate.get("/petugas", headers=cookie)
    out = await gate.post("/petugas/keluar", headers=cookie, data={"csrf": csrf_of(queue.text)})
    assert out.status_code == 200 and "telah keluar" in out.text
    assert (await gate.get("/petugas", headers=cookie)).status_code == 303


async def test_the_desk_reroutes_a_case_with_its_reason_and_an_officer_gets_no_form_and_a_403(
        stack, producer, identity_provider):
    gate, complaint = stack
    await file_case(complaint, producer, identity_provider, "PETUGAS-11", "Lampu jalan")  # DISHUB's
    desk = await sign_in(gate, "desk")
    case = await gate.get("/petugas/kasus/PETUGAS-11", headers=desk)
    assert 'action="/petugas/kasus/PETUGAS-11/alihkan"' in case.text
    blank = await gate.post("/petugas/kasus/PETUGAS-11/alihkan", headers=desk,
                            data={"csrf": csrf_of(case.text), "opd": "DLH", "reason": " "})
    assert blank.status_code in (409, 422) and "Perubahan ditolak" in blank.text
    moved = await gate.post("/petugas/kasus/PETUGAS-11/alihkan", headers=desk,
                            data={"csrf": csrf_of(case.text), "opd": "DLH", "reason": "Lampu taman, bukan jalan"})
    assert (moved.status_code, moved.headers["location"]) == (303, "/petugas/kasus/PETUGAS-11")
    after = await gate.get("/petugas/kasus/PETUGAS-11", headers=desk)
    assert "Dialihkan dari DISHUB ke DLH: Lampu taman, bukan jalan" in after.text
    mine = await gate.get("/petugas", params={"mine": "true"}, headers=desk)  # "Kasus saya": what the desk acted on
    assert "<h1>Kasus saya</h1>" in mine.text and "PETUGAS-11" in mine.text and "PETUGAS-9" not in mine.text
    token = {"Authorization": f"Bearer {await identity_provider.token('desk')}"}
    log = (await complaint.get("/audit", params={"object_id": "PETUGAS-11"}, headers=token)).json()["items"]
    assert [(r["actor"], r["action"], r["why"]) for r in log] == [
        ("meja-diskominfo", "case.reroute", "Lampu taman, bukan jalan")]
    officer = await sign_in(gate, "dishub")  # no longer theirs: as DLH's officer would, they see no form
    dlh_case = (await complaint.get("/complaints/PETUGAS-11", headers=token)).json()
    assert dlh_case["opd"] == "DLH"
    queue = await gate.get("/petugas", headers=officer)
    refused = await gate.post("/petugas/kasus/PETUGAS-11/alihkan", headers=officer,
                              data={"csrf": csrf_of(queue.text), "opd": "DISHUB", "reason": "Milik kami"})
    assert refused.status_code == 403
    await file_case(complaint, producer, identity_provider, "PETUGAS-12", "Lampu jalan")  # DISHUB's own
    mine = await gate.get("/petugas/kasus/PETUGAS-12", headers=officer)
    assert mine.status_code == 200 and "/alihkan" not in mine.text and "/arahan" not in mine.text
    tried = await gate.post("/petugas/kasus/PETUGAS-12/alihkan", headers=officer,
                            data={"csrf": csrf_of(mine.text), "opd": "DLH", "reason": "Bukan kami"})
    assert tried.status_code == 403 and "complaints-desk" in tried.text
    assert (await complaint.get("/complaints/PETUGAS-12", headers=token)).json()["opd"] == "DISHUB"


async def test_escalations_wait_for_their_leader_who_leaves_an_instruction(stack, producer, identity_provider):
    gate, complaint = stack
    # received a month ago: complaint-svc's deadline checker escalates it up to the Wali Kota on its next pass
    await file_case(complaint, producer, identity_provider, "PETUGAS-13", "Lampu jalan",
                    at=datetime.now(UTC) - timedelta(days=30))
    token = {"Authorization": f"Bearer {await identity_provider.token('desk')}"}

    async def escalated():
        case = (await complaint.get("/complaints/PETUGAS-13", headers=token)).json()
        return case["escalation_level"] == 3

    await eventually(escalated, timeout=180, what="PETUGAS-13 escalated to the Wali Kota")
    wali, sekda, desk, officer = [await sign_in(gate, who) for who in ("walikota", "sekda", "desk", "dishub")]
    waiting = await gate.get("/petugas/eskalasi", headers=wali)
    assert waiting.status_code == 200 and 'href="/petugas/kasus/PETUGAS-13"' in waiting.text
    assert "Wali Kota" in waiting.text and "Joko" not in waiting.text
    assert "PETUGAS-13" not in (await gate.get("/petugas/eskalasi", headers=sekda)).text  # level 2 only
    assert "PETUGAS-13" in (await gate.get("/petugas/eskalasi", headers=desk)).text  # the desk sees all
    assert (await gate.get("/petugas/eskalasi", headers=officer)).status_code == 403
    said = await gate.post("/petugas/kasus/PETUGAS-13/arahan", headers=wali,
                           data={"csrf": csrf_of(waiting.text), "note": "Perbaiki lampu ini minggu ini"})
    assert (said.status_code, said.headers["location"]) == (303, "/petugas/kasus/PETUGAS-13")
    case = await gate.get("/petugas/kasus/PETUGAS-13", headers=wali)
    assert "Arahan Wali Kota: Perbaiki lampu ini minggu ini" in case.text and "/arahan" in case.text
    desk_page = await gate.get("/petugas/kasus/PETUGAS-13", headers=desk)
    assert "/arahan" not in desk_page.text
    refused = await gate.post("/petugas/kasus/PETUGAS-13/arahan", headers=desk,
                              data={"csrf": csrf_of(desk_page.text), "note": "Bukan wewenang meja"})
    assert refused.status_code == 403
    log = (await complaint.get("/audit", params={"object_id": "PETUGAS-13"}, headers=token)).json()["items"]
    assert ("wali-kota", "case.instruct", "Perbaiki lampu ini minggu ini") in [
        (r["actor"], r["action"], r["why"]) for r in log]


async def test_the_on_time_page_charts_each_opd_with_the_numbers_in_a_table(stack, producer, identity_provider):
    gate, complaint = stack
    await file_case(complaint, producer, identity_provider, "PETUGAS-14", "Lampu jalan")
    desk = await sign_in(gate, "desk")
    case = await gate.get("/petugas/kasus/PETUGAS-14", headers=desk)
    done = await gate.post("/petugas/kasus/PETUGAS-14/status", headers=desk,
                           data={"csrf": csrf_of(case.text), "status": "resolved", "note": "Lampu diganti"})
    assert done.status_code == 303
    officer = await sign_in(gate, "dishub")  # any signed-in staff: the figures are counts, no citizen data
    kinerja = await gate.get("/petugas/kinerja", headers=officer)
    assert kinerja.status_code == 200 and "<svg" in kinerja.text and "<table>" in kinerja.text
    assert re.search(r'<th scope="row">DISHUB</th>', kinerja.text)
    assert not re.search(r"\sstyle=", kinerja.text) and "<script" not in kinerja.text
    async with httpx.AsyncClient(base_url=gate.base_url) as stranger:  # no session (gate's jar holds one now)
        assert (await stranger.get("/petugas/kinerja")).status_code == 303  # to the sign-in


@pytest.mark.browser
@needs_chromium
async def test_a_desk_officer_signs_in_through_the_gate_in_chromium_and_sees_the_queue(
        platform, stack, producer, identity_provider):
    _, complaint = stack
    await file_case(complaint, producer, identity_provider, "PETUGAS-9", "Lampu jalan")
    gate = platform.gate.url
    async with chromium_page(DESK) as (page, findings):
        await browser_sign_in(page, gate, "/petugas", "desk")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Antrean pengaduan")
        assert page.url.startswith(gate + "/petugas")
        await expect(page.get_by_role("link", name="PETUGAS-9")).to_be_visible()
        found = await serious_violations(page, gate, ("/petugas", "/petugas/kasus/PETUGAS-9",
                                                      "/petugas/kasus/TIDAK-ADA", "/petugas/eskalasi",
                                                      "/petugas/kinerja"))
        assert found == {}, found
        await page.goto(gate + "/petugas")
        await page.get_by_role("button", name="Keluar").click()
        await expect(page.get_by_text("Anda telah keluar")).to_be_visible()
        findings.assert_clean()


async def sign_in(gate: httpx.AsyncClient, who: str) -> dict[str, str]:
    return await staff_sign_in(gate, "/petugas", "petugas_sesi", who)

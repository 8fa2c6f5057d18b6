"""A PSC 119 incident called in from a citizen's phone is claimed at the gate by that number (issue 20, "Kasus
saya"), on the shared platform: tracking-svc, notify-svc, gate-svc, Caddy and the message simulators as their own
processes. The incident comes as bridge-psc119 sends it (signed by the stack's tool key): only the caller's keyed
hash, with the stack's account secret. The caller signs in with the number, sees the incident offered, claims it with
the button; it is on their one stream (/kasus/aliran) and the ambulance's dispatch arrives there live; another citizen
neither sees, opens nor claims it."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.async_api import expect

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import AmbulanceDispatched, IncidentReported
from palapa.contracts.phone import normalise, phone_hash
from palapa.testkit import EventProducer, eventually
from palapa.testkit.sse import open_stream

from .browsing import chromium_page, needs_chromium
from .test_citizen_cases import VIEWPORTS, code_sent_to, csrf_of, new_number
from .test_curhat_claim_by_phone import sign_in_as

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

T0 = datetime.now(UTC).replace(microsecond=0)


def psc(event) -> Envelope:
    return Envelope(event, source="/apps/psc-119", subject=event.ticket)


async def called_in(platform, number: str) -> tuple[str, str, EventProducer]:
    """An incident reported by PSC 119 from `number` (as bridge-psc119 sends it: the keyed hash only); its ticket, its
    legacy id and the producer (started: the caller stops it)."""
    ref = str(800_000 + secrets.randbelow(100_000))
    producer = EventProducer(platform.kafka, signer=platform.tool_signer)
    await producer.kafka.start()
    await producer.send(psc(IncidentReported(
        ticket=f"PSC119-{ref}", source_app="psc-119", source_ref=ref, kind="persalinan", kelurahan="Kranggan",
        kecamatan="Prajurit Kulon", reported_at=T0,
        caller_phone_hash=phone_hash(normalise(number), platform.secret.encode()))))
    return f"PSC119-{ref}", ref, producer


async def test_an_incident_is_claimed_by_the_phone_it_was_called_from_and_moves_live(platform):
    number = new_number()
    caller = phone_hash(normalise(number), platform.secret.encode())
    ticket, ref, producer = await called_in(platform, number)
    try:
        async with (httpx.AsyncClient(base_url=platform.gate.url, timeout=15) as owner,
                    httpx.AsyncClient(base_url=platform.gate.url, timeout=15) as other):
            await sign_in_as(owner, platform, number)
            await sign_in_as(other, platform, new_number())

            async def offered():
                page = await owner.get("/kasus")
                return page if f'data-claimable="{ticket}"' in page.text else None

            page = await eventually(offered, timeout=60, interval=0.5, what=f"{ticket} offered to its caller")
            assert "Kejadian darurat dari nomor Anda di PSC 119" in page.text and number[1:] not in page.text
            assert caller not in page.text
            stranger_page = await other.get("/kasus")
            assert ticket not in stranger_page.text
            refused = await other.post("/kasus/klaim-darurat", data={"csrf": csrf_of(stranger_page), "tiket": ticket})
            assert refused.status_code == 404 and "tidak dilaporkan dari nomor HP Anda" in refused.text
            claimed = await owner.post("/kasus/klaim-darurat", data={"csrf": csrf_of(page), "tiket": ticket})
            assert claimed.status_code == 303, claimed.text
            listed = await owner.get(claimed.headers["location"])
            assert f'data-ticket="{ticket}"' in listed.text and f'data-claimable="{ticket}"' not in listed.text
            assert "Petugas PSC 119 sedang menyiapkan ambulans" in listed.text
            assert (await other.get(f"/kasus/{ticket}")).status_code == 404

            async with open_stream(owner, "/kasus/aliran") as stream:
                first = await _event_of(stream, ticket, "reported")  # the newest view, put on the feed at the claim
                await producer.send(psc(AmbulanceDispatched(ticket=ticket, source_app="psc-119", source_ref=ref,
                                                            dispatched_at=T0 + timedelta(minutes=3))))
                moved = await _event_of(stream, ticket, "dispatched")
            assert first["status_label"] == "Laporan diterima" and moved["status_label"] == "Ambulans berangkat"
            one = await owner.get(f"/kasus/{ticket}")
            assert one.status_code == 200 and "Ambulans dalam perjalanan ke lokasi kejadian." in one.text
    finally:
        await producer.kafka.stop()


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
async def test_in_a_browser_the_caller_claims_the_incident_and_sees_the_ambulance_leave_without_a_reload(platform,
                                                                                                     viewport):
    gate, number = platform.gate.url, new_number()
    ticket, ref, producer = await called_in(platform, number)
    try:
        async with chromium_page(VIEWPORTS[viewport]) as (page, findings):
            await page.goto(gate + "/masuk")
            await page.get_by_label("Nomor HP").fill(number)
            await page.get_by_role("button", name="Kirim kode").click()
            await page.get_by_label("Kode masuk").fill(await code_sent_to(platform, number))
            await page.get_by_role("button", name="Masuk", exact=True).click()
            await expect(page.get_by_role("heading", level=1)).to_have_text("Kasus saya")

            async def offered():
                await page.goto(gate + "/kasus")
                return await page.locator(f'[data-claimable="{ticket}"]').count() == 1 or None

            await eventually(offered, timeout=60, interval=1, what=f"{ticket} offered in the browser")
            offer = page.get_by_role("heading", name="Kejadian darurat dari nomor Anda di PSC 119")
            await expect(offer).to_be_visible()
            await findings.check("/kasus (kejadian ditawarkan)")
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= VIEWPORTS[viewport]["width"], f"the page scrolls sideways at {viewport}: {width}px"
            await page.get_by_role("button", name=f"Tambahkan {ticket} ke akun saya").click()
            await expect(page.get_by_test_id("notice")).to_contain_text("Kejadian darurat sudah ditambahkan")
            item = page.locator(f'[data-ticket="{ticket}"]')
            await expect(item).to_contain_text("Laporan diterima")
            await findings.check("/kasus (kejadian)")

            await page.get_by_role("link", name="Gawat darurat PSC 119: persalinan").click()
            await expect(page.get_by_test_id("status")).to_have_text("Laporan diterima")
            await expect(page.locator("[data-aliran-siap]")).to_have_count(1, timeout=30_000)
            await page.evaluate("window.__samaHalaman = true")
            await findings.check("/kasus/<PSC119-n>")
            await producer.send(psc(AmbulanceDispatched(ticket=ticket, source_app="psc-119", source_ref=ref,
                                                        dispatched_at=T0 + timedelta(minutes=3))))
            await expect(page.get_by_test_id("status")).to_have_text("Ambulans berangkat", timeout=60_000)
            await expect(page.get_by_test_id("selanjutnya")).to_contain_text("Ambulans dalam perjalanan")
            assert await page.evaluate("window.__samaHalaman") is True, "the page was reloaded"
            await findings.check("/kasus/<PSC119-n> (diperbarui langsung)")
            findings.assert_clean()
    finally:
        await producer.kafka.stop()


async def _event_of(stream, ticket: str, status: str) -> dict:
    while True:
        view = (await stream.next_event(timeout=60)).json()
        if view.get("ticket") == ticket and view.get("status") == status:
            return view

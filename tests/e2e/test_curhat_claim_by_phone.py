"""A complaint written into Curhat Ning Ita with the reporter's phone number is claimed at the gate by that number
(issue 20, "Kasus saya"), on the shared platform: sim-curhat's database, bridge-curhat, complaint-svc, gate-svc, Caddy
and the message simulators as their own processes. The bridge carries only the number's keyed hash; the citizen who
signs in with the number sees the case offered, claims it with the button, and it is theirs; another citizen sees
nothing and cannot claim it."""

from __future__ import annotations

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import async_playwright, expect
from sqlalchemy.ext.asyncio import create_async_engine

from palapa.curhat_legacy import insert_complaint
from palapa.testkit import eventually

from .browsing import CHROMIUM, CHROMIUM_ARGS, needs_chromium
from .test_citizen_cases import VIEWPORTS, code_sent_to, csrf_of, new_number

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]


async def sign_in_as(http: httpx.AsyncClient, platform, number: str) -> None:
    form = await http.get("/masuk")
    sent = await http.post("/masuk", data={"csrf": csrf_of(form), "hp": number})
    assert sent.status_code == 303, sent.text
    done = await http.post("/masuk/kode", data={"csrf": csrf_of(form), "kode": await code_sent_to(platform, number)})
    assert done.status_code == 303 and done.headers["location"] == "/kasus", done.text


async def filed_in_curhat(platform, number: str) -> str:
    """A tb_pengaduan row with `number` as the legacy app writes it (0812-3456-7890); its ticket."""
    legacy = create_async_engine(platform.legacy_database_url)
    try:
        source_id = await insert_complaint(
            legacy, nik="3576 0123 4567 0002", nama_pelapor="Siti Aminah",
            no_hp=f"{number[:4]}-{number[4:8]}-{number[8:]}", kategori="Jalan Rusak",
            isi_laporan="Jalan berlubang di depan SDN Kranggan 2, mohon segera diperbaiki.")
    finally:
        await legacy.dispose()
    return f"CURHAT-{source_id}"


async def test_a_curhat_complaint_is_claimed_by_the_phone_it_was_filed_with_and_by_no_one_else(platform):
    number = new_number()
    ticket = await filed_in_curhat(platform, number)
    async with (httpx.AsyncClient(base_url=platform.gate.url, timeout=15) as owner,
                httpx.AsyncClient(base_url=platform.gate.url, timeout=15) as other):
        await sign_in_as(owner, platform, number)
        await sign_in_as(other, platform, new_number())

        async def offered():
            page = await owner.get("/kasus")
            return page if f'data-claimable="{ticket}"' in page.text else None

        page = await eventually(offered, timeout=60, interval=0.5, what=f"{ticket} offered to its number")
        assert "Aduan dengan nomor Anda di Curhat Ning Ita" in page.text and number[1:] not in page.text
        stranger_page = await other.get("/kasus")
        assert ticket not in stranger_page.text
        refused = await other.post("/kasus/klaim-hp", data={"csrf": csrf_of(stranger_page), "tiket": ticket})
        assert refused.status_code == 404 and "tidak tercatat dengan nomor HP Anda" in refused.text
        claimed = await owner.post("/kasus/klaim-hp", data={"csrf": csrf_of(page), "tiket": ticket})
        assert claimed.status_code == 303, claimed.text
        listed = await owner.get(claimed.headers["location"])
        assert f'data-ticket="{ticket}"' in listed.text and f'data-claimable="{ticket}"' not in listed.text
        assert "Jalan berlubang" in (await owner.get(f"/kasus/{ticket}")).text
        assert (await other.get(f"/kasus/{ticket}")).status_code == 404
        again = await other.post("/kasus/klaim-hp", data={"csrf": csrf_of(stranger_page), "tiket": ticket})
        assert again.status_code == 404  # still not theirs, and no word of whose it is


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
async def test_in_a_browser_the_citizen_claims_it_with_the_button(platform, viewport):
    gate, number = platform.gate.url, new_number()
    ticket = await filed_in_curhat(platform, number)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(locale="id-ID", viewport=VIEWPORTS[viewport])
            await page.goto(gate + "/masuk")
            await page.get_by_label("Nomor HP").fill(number)
            await page.get_by_role("button", name="Kirim kode").click()
            await page.get_by_label("Kode masuk").fill(await code_sent_to(platform, number))
            await page.get_by_role("button", name="Masuk", exact=True).click()
            await expect(page.get_by_role("heading", level=1)).to_have_text("Kasus saya")

            async def offered():
                await page.goto(gate + "/kasus")
                return await page.locator(f'[data-claimable="{ticket}"]').count() == 1

            await eventually(offered, timeout=60, interval=1, what=f"{ticket} offered in the browser")
            await expect(page.get_by_role("heading", name="Aduan dengan nomor Anda di Curhat Ning Ita")).to_be_visible()
            found = [v["id"] for v in (await Axe().run(page)).response["violations"]
                     if v["impact"] in ("serious", "critical")]
            assert found == [], found
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= VIEWPORTS[viewport]["width"], f"the page scrolls sideways at {viewport}: {width}px"
            await page.get_by_role("button", name=f"Tambahkan {ticket} ke akun saya").click()
            await expect(page.get_by_test_id("notice")).to_contain_text("Aduan sudah ditambahkan")
            await expect(page.locator(f'[data-ticket="{ticket}"]')).to_be_visible()
            assert await page.locator(f'[data-claimable="{ticket}"]').count() == 0
        finally:
            await browser.close()

"""A letter from the kelurahan through the gate (issue 20), on the shared platform with Si Makel's simulator and
bridge-simakel: search → the service → sign in by phone → request the letter → it is in "Kasus saya" and in Si
Makel → a status change made in Si Makel arrives live, without a reload, in "Kasus saya" and on the letter's page
(the citizen's one stream, /kasus/aliran). In Chromium on a desktop and a 375-px phone, axe-core clean; over HTTP,
another citizen, the stream refused without a session or after sign-out, and a refusal."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import expect

from palapa.testkit import eventually
from palapa.testkit.sse import open_stream

from .browsing import chromium_page, needs_chromium
from .test_citizen_cases import VIEWPORTS, code_sent_to, csrf_of, new_number, signed_in

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

FORM = {"jenis": "SKD", "kelurahan": "Kranggan", "nama": "Siti Aminah", "nik": "3576014101900001", "hp": "",
        "keperluan": "Syarat membuka rekening"}


def simakel(platform) -> str:
    return f"http://127.0.0.1:{platform.ports['sim-simakel']}"


async def legacy_ticket(http: httpx.AsyncClient, letter_path: str) -> str:
    """Si Makel's own ticket once the bridge filed the letter (the letter's page shows it)."""
    async def filed():
        text = (await http.get(letter_path)).text
        found = re.search(r'data-testid="si-makel">(SIMAKEL-\d+)<', text)
        return found.group(1) if found else None

    return await eventually(filed, timeout=60, interval=0.5, what=f"{letter_path} filed in Si Makel")


async def moved_in_simakel(platform, legacy: str, code: str) -> None:
    async with httpx.AsyncClient(base_url=simakel(platform), timeout=10) as sim:
        answer = await sim.post(f"/sim/permohonan/{legacy.split('-')[1]}/status", json={"kode": code})
        assert answer.status_code == 200, answer.text


async def test_a_letter_is_filed_in_si_makel_followed_by_its_owner_only_and_a_refusal_says_why(platform):
    async with (httpx.AsyncClient(base_url=platform.gate.url, timeout=15) as citizen,
                httpx.AsyncClient(base_url=platform.gate.url, timeout=15) as stranger):
        await signed_in(platform, citizen)
        await signed_in(platform, stranger)
        form = await citizen.get("/surat?layanan=surat-domisili")
        sent = await citizen.post("/surat", data={"csrf": csrf_of(form), **FORM})
        assert sent.status_code == 303 and sent.headers["location"].startswith("/kasus/SURAT-"), sent.text
        path = sent.headers["location"]
        legacy = await legacy_ticket(citizen, path)
        async with httpx.AsyncClient(base_url=simakel(platform), timeout=10) as sim:
            listed = (await sim.get("/api/permohonan", params={"per_halaman": 500})).text
        assert f'<permohonan id="{legacy.split("-")[1]}">' in listed and "3576014101900001" in listed
        assert (await stranger.get(path)).status_code == 404
        assert path.split("/")[-1] not in (await stranger.get("/kasus")).text
        forged = await stranger.post("/surat", data=FORM)
        assert forged.status_code == 403  # no CSRF token: nothing sent

        outsider = await citizen.post("/surat", data={"csrf": csrf_of(form), **FORM, "nik": "3578014101900001"})
        refused = outsider.headers["location"]

        async def said_why():
            text = (await citizen.get(refused)).text
            return "Ditolak oleh Si Makel" in text and "NIK bukan penduduk Kota Mojokerto" in text

        await eventually(said_why, timeout=60, interval=0.5, what="Si Makel's refusal on the letter")

        # the citizen's one stream carries both letters (the newest entries replayed at opening), the stranger's none
        ticket, refused_ticket = path.rsplit("/", 1)[1], refused.rsplit("/", 1)[1]
        async with open_stream(citizen, "/kasus/aliran") as stream:
            seen = set()
            while not {ticket, refused_ticket} <= seen:
                seen.add((await stream.next_event(timeout=60)).json()["ticket"])
        async with httpx.AsyncClient(base_url=platform.gate.url, timeout=15) as anybody:
            nobody = await anybody.get("/kasus/aliran")
        await stranger.post("/keluar", data={"csrf": csrf_of(await stranger.get("/kasus"))})
        for answer in (nobody, await stranger.get("/kasus/aliran")):  # no session; signed out
            assert answer.status_code == 401 and answer.json()["reason"] == "citizen_session_required"


@needs_chromium
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
async def test_a_citizen_requests_a_letter_and_sees_si_makels_move_in_kasus_saya(platform, viewport):
    gate, number = platform.gate.url, new_number()
    async with chromium_page(VIEWPORTS[viewport]) as (page, findings):
        check_axe = findings.check

        await page.goto(gate + "/")
        await page.get_by_label("Layanan yang dicari").fill("bikin surat domisili")
        await page.keyboard.press("Enter")
        await page.get_by_role("link", name="Surat Keterangan Domisili").first.click()
        service_page = page.url
        await page.get_by_test_id("action-link").click()
        await expect(page.get_by_test_id("perlu-masuk")).to_be_visible()
        await page.get_by_role("link", name="Masuk dengan nomor HP").click()
        await page.get_by_label("Nomor HP").fill(number)
        await page.get_by_role("button", name="Kirim kode").click()
        await page.get_by_label("Kode masuk").fill(await code_sent_to(platform, number))
        await page.get_by_role("button", name="Masuk", exact=True).click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Kasus saya")

        await page.goto(service_page)
        await page.get_by_test_id("action-link").click()
        await expect(page.get_by_label("Jenis surat")).to_have_value("SKD")
        await check_axe("/surat")
        await page.get_by_label("Kelurahan tempat tinggal").select_option("Kranggan")
        await page.get_by_label("Nama lengkap (sesuai KTP-el)").fill("Siti Aminah")
        await page.get_by_label("NIK", exact=True).fill("3576014101900001")
        await page.get_by_label("Keperluan (boleh dikosongkan)").fill("Syarat membuka rekening")
        await page.get_by_role("button", name="Ajukan surat").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Surat Keterangan Domisili")
        letter = page.url
        async def filed() -> str | None:  # a page with no script: the citizen reloads it
            await page.goto(letter)
            text = (await page.get_by_test_id("si-makel").inner_text()).strip()
            return text if re.fullmatch(r"SIMAKEL-\d+", text) else None

        legacy = await eventually(filed, timeout=60, interval=1, what="the letter filed in Si Makel")
        await check_axe("/kasus/<surat>")

        await page.goto(gate + "/kasus")
        await expect(page.locator(f'[data-ticket="{letter.rsplit("/", 1)[1]}"]')).to_be_visible()
        await check_axe("/kasus (surat)")
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORTS[viewport]["width"], f"the page scrolls sideways at {viewport}: {width}px"

        # live, without a reload: Kasus saya, then the letter's own page
        item = page.locator(f'[data-ticket="{letter.rsplit("/", 1)[1]}"]')
        await live(page)
        await moved_in_simakel(platform, legacy, "3")  # staff at the kelurahan: the letter is ready
        await expect(item).to_contain_text("Siap diambil", timeout=60_000)
        await expect(page.get_by_test_id("aliran")).to_contain_text("Diperbarui")
        assert await page.evaluate("window.__samaHalaman") is True, "the page was reloaded"
        await check_axe("/kasus (diperbarui langsung)")

        await page.goto(letter)
        await live(page)
        await moved_in_simakel(platform, legacy, "4")  # the citizen picked it up
        await expect(page.get_by_test_id("status")).to_have_text("Selesai", timeout=60_000)
        assert await page.evaluate("window.__samaHalaman") is True, "the page was reloaded"
        await check_axe("/kasus/<surat> (diperbarui langsung)")
        findings.assert_clean()


async def live(page) -> None:
    """Wait until the page's stream is open, and mark the page: a reload would lose the mark."""
    await expect(page.locator("[data-aliran-siap]")).to_have_count(1, timeout=30_000)
    await page.evaluate("window.__samaHalaman = true")


"""The complaint form in Debian's Chromium: mistakes explained in place, one ticket however often it is clicked, and
the receipt's private link and PIN."""

from __future__ import annotations

import pytest
from playwright.async_api import async_playwright, expect
from sqlalchemy import func, select

from palapa.complaint.main import create_app
from palapa.complaint.tables import submissions
from palapa.localstack import free_port
from palapa.testkit import running

pytestmark = [pytest.mark.integration, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
async def page_and_service(settings):
    async with running(create_app(settings), port=free_port(), name="complaint-svc") as svc:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = await browser.new_page(locale="id-ID", viewport={"width": 800, "height": 1400})
                yield page, svc
            finally:
                await browser.close()


async def test_a_citizen_files_a_complaint_and_gets_a_ticket_and_a_private_link(page_and_service):
    page, svc = page_and_service
    await page.goto(svc.base_url + "/lapor")
    await page.get_by_label("Kategori").select_option("sampah")
    await page.get_by_label("Uraian keluhan").fill("Sampah")
    await page.get_by_role("button", name="Kirim pengaduan").click()
    await expect(page.locator("#err-uraian")).to_contain_text("paling sedikit 15 karakter")

    await page.get_by_label("Uraian keluhan").fill("Sampah menumpuk di depan Pasar Tanjung sejak Senin")
    await page.get_by_role("button", name="Kirim pengaduan").click()
    await expect(page.locator("#err-lokasi")).to_contain_text("Pilih kelurahan")

    await page.get_by_label("Kelurahan").select_option("Kranggan")
    await page.get_by_label("Laporkan tanpa identitas (anonim)").check()
    await expect(page.get_by_label("Nama (tidak wajib)")).to_be_hidden()
    send = page.get_by_role("button", name="Kirim pengaduan")
    await send.dblclick()
    await expect(page.get_by_test_id("done")).to_be_visible()
    ticket = await page.get_by_test_id("ticket").text_content()
    assert ticket.startswith("LAPOR-")
    link = await page.get_by_test_id("link").get_attribute("href")
    assert link.startswith(f"http://127.0.0.1:8103/#tiket={ticket}&kunci=") and len(link.split("kunci=")[1]) == 43
    assert len(pin := await page.get_by_test_id("pin").text_content()) == 6 and pin.isdigit()  # shown once
    async with svc.runtime.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(submissions)) == 1
        assert await session.scalar(select(submissions.c.contact_sealed)) is None  # anonymous: nothing kept

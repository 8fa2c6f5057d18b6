"""The per-OPD figures page in Debian's Chromium: charts drawn from the cases, in Bahasa Indonesia."""

from datetime import UTC, datetime

import pytest
from playwright.async_api import async_playwright, expect

from palapa.complaint.main import create_app
from palapa.complaint.settings import ComplaintSettings
from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintStatusChanged, ComplaintSubmitted
from palapa.localstack import free_port
from palapa.testkit import eventually, running

pytestmark = [pytest.mark.integration, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
T0 = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)


def curhat(n: int, category: str) -> list[Envelope]:
    ticket = f"CURHAT-{n}"
    events = [ComplaintSubmitted(ticket=ticket, source_app="curhat-ning-ita", source_ref=str(n), category=category,
                                 description="x", legacy_status="0", submitted_at=T0),
              ComplaintStatusChanged(ticket=ticket, source_app="curhat-ning-ita", source_ref=str(n), status="resolved",
                                     legacy_status="3", changed_at=T0.replace(hour=9))]
    return [Envelope(e, source="/apps/curhat-ning-ita", subject=ticket) for e in events]


async def test_the_figures_page_renders_its_charts_in_chromium(kafka_bootstrap, database_url, producer):
    settings = ComplaintSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url,
                                 KAFKA_PROFILE="tansu", sla_check_seconds=3600)
    async with running(create_app(settings), port=free_port(), name="complaint-svc") as svc:
        for n, category in ((1, "Sampah"), (2, "Jalan Rusak")):
            for envelope in curhat(n, category):
                await producer.send(envelope)

        async def both_resolved():
            items = (await svc.http.get("/stats/opd")).json()["items"]
            return items if sum(f["resolved"] for f in items) == 2 else None

        await eventually(both_resolved, what="two resolved cases in the figures")
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = await browser.new_page(locale="id-ID")
                errors = []
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                await page.goto(svc.base_url + "/stats")
                await expect(page.get_by_role("heading", level=1)).to_have_text("Kinerja Penanganan Pengaduan per OPD")
                chart = page.get_by_test_id("chart-on-time")
                await expect(chart.locator("rect.bar")).to_have_count(2)
                await expect(chart).to_contain_text("DLH")
                await expect(chart).to_contain_text("100%")
                box = await chart.locator("rect.bar").first.bounding_box()
                assert box is not None and box["width"] > 100  # drawn, not just present
                await expect(page.get_by_test_id("chart-median")).to_contain_text("8 jam")
                await expect(page.get_by_test_id("figures").locator("tbody tr")).to_have_count(2)
                assert errors == []  # the CSP lets the inline styles through and nothing else is loaded
            finally:
                await browser.close()

"""A PBB bill followed by NOP at the gate is on the citizen's one stream (issue 20), on the shared platform: the
follow's first view arrives on /kasus/aliran through Caddy as `bill.updated`, then the bill BPKPD issues for that NOP
(sent as bridge-pbb sends it, signed by the stack's tool key) arrives live; another citizen's stream carries none."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime

import httpx
import pytest

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import TaxBillIssued
from palapa.testkit import EventProducer
from palapa.testkit.sse import open_stream

from .test_citizen_cases import csrf_of, new_number
from .test_curhat_claim_by_phone import sign_in_as

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]


def dotted(nop: str) -> str:
    """The NOP as the SPPT prints it, as a citizen types it."""
    return f"{nop[0:2]}.{nop[2:4]}.{nop[4:7]}.{nop[7:10]}.{nop[10:13]}-{nop[13:17]}.{nop[17]}"


async def test_a_followed_bill_is_issued_live_on_the_followers_stream(platform):
    nop = "3576010001" + f"{secrets.randbelow(10**8):08d}"
    producer = EventProducer(platform.kafka, signer=platform.tool_signer)
    await producer.kafka.start()
    try:
        async with httpx.AsyncClient(base_url=platform.gate.url, timeout=15) as citizen:
            await sign_in_as(citizen, platform, new_number())
            followed = await citizen.post("/kasus/pbb", data={"csrf": csrf_of(await citizen.get("/kasus")),
                                                              "nop": dotted(nop)})
            assert followed.status_code == 303, followed.text
            async with open_stream(citizen, "/kasus/aliran") as stream:
                first = await _bill_view(stream, nop)
                assert (first["status"], first["status_label"]) == ("none", "Belum ada tagihan")
                await producer.send(Envelope(TaxBillIssued(
                    nop=nop, year=2026, amount_due=875_000, due_date=date(2026, 8, 31), source_app="cek-pbb",
                    issued_at=datetime.now(UTC)), source="/apps/cek-pbb", subject=nop))
                issued = await _bill_view(stream, nop, status="due")
            assert (issued["year"], issued["amount_due"], issued["ticket"]) == (2026, 875_000, first["ticket"])
            assert issued["ticket"].startswith(f"PBB-{nop}-")
    finally:
        await producer.kafka.stop()


async def _bill_view(stream, nop: str, status: str | None = None) -> dict:
    while True:
        event = await stream.next_event(timeout=60)
        view = event.json()
        if event.event == "bill.updated" and view.get("nop") == nop and status in (None, view.get("status")):
            return view

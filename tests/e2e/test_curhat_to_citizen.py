"""End to end: a complaint written into the legacy Curhat Ning Ita database reaches the citizen's SSE
stream, its status change follows live, and one trace spans the bridge, complaint-svc and notify-svc."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from palapa.curhat_legacy import insert_complaint, set_status
from palapa.testkit import eventually
from palapa.testkit.sse import events

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

THREE = {"bridge-curhat", "complaint-svc", "notify-svc"}


async def test_a_legacy_complaint_and_its_status_change_reach_the_citizen_live(platform, otlp):
    legacy = create_async_engine(platform.legacy_database_url)
    complaint_url = platform.running["complaint-svc"].url
    notify_url = platform.running["notify-svc"].url
    try:
        source_id = await insert_complaint(
            legacy, nik="3576 0123 4567 0002", nama_pelapor="Siti Aminah", kategori="Jalan Rusak ",
            isi_laporan="Jalan berlubang di depan SDN Kranggan 2, mohon segera diperbaiki.", status="0",
        )
        ticket = f"CURHAT-{source_id}"
        async with httpx.AsyncClient(timeout=5) as http:

            async def visible():
                resp = await http.get(f"{complaint_url}/complaints/{ticket}")
                return resp.json() if resp.status_code == 200 else None

            case = await eventually(visible, what=f"{ticket} at complaint-svc")
            assert case["status"] == "received"
            assert case["opd"] == "DPUPR"
            assert [t["status"] for t in case["timeline"]] == ["received"]

            received: list = []

            async def follow():
                async for ev in events(http, f"{notify_url}/tickets/{ticket}/events"):
                    received.append(ev)

            follower = asyncio.create_task(follow())
            try:
                await eventually(lambda: len(received) >= 1, what="the first SSE event")
                first = received[0]
                assert (first.event, first.id, first.json()["status"]) == ("complaint.updated", "1", "received")

                await set_status(legacy, source_id, "2")
                await eventually(lambda: len(received) >= 2, what="the status change on the SSE stream")
                change = received[1]
                assert change.id == "2"
                assert change.json()["status"] == "in_progress"
                assert change.json()["status_label"] == "Sedang diproses"
                assert [t["status"] for t in change.json()["timeline"]] == ["received", "in_progress"]
            finally:
                follower.cancel()
                await asyncio.gather(follower, return_exceptions=True)

            case = (await http.get(f"{complaint_url}/complaints/{ticket}")).json()
            assert case["status"] == "in_progress" and case["revision"] == 2

        spans, _ = otlp

        def one_trace_spans_all_three():
            for trace_id, members in spans.by_trace().items():
                services = {service for service, _ in members}
                names = {name for _, name in members}
                if services >= THREE and "curhat poll" in names and "sse push" in names:
                    return trace_id, members
            return None

        trace_id, members = await eventually(
            one_trace_spans_all_three, timeout=20, what="one trace from the bridge's poll to the SSE push"
        )
        complaint_db_spans = [
            n for s, n in members if s == "complaint-svc" and n.split()[0] in {"INSERT", "UPDATE", "SELECT"}
        ]
        assert complaint_db_spans, f"complaint-svc's database write is in trace {trace_id}: {members}"
    finally:
        await legacy.dispose()


async def test_an_unknown_ticket_is_a_404_with_a_reason(platform):
    async with httpx.AsyncClient(timeout=5) as http:
        resp = await http.get(f"{platform.running['complaint-svc'].url}/complaints/CURHAT-999999")
    assert resp.status_code == 404
    assert resp.json()["reason"] == "unknown_ticket"

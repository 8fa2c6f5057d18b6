"""End to end: a complaint written into the legacy Curhat Ning Ita database reaches the SSE stream (staff's: a
legacy ticket has no capability, its number opens nothing), its status change follows live, and one trace spans the
bridge, complaint-svc and notify-svc; a complaint filed on the form is followed live by its private link only."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from palapa.curhat_legacy import insert_complaint, set_status
from palapa.testkit import eventually
from palapa.testkit.identity import Identity
from palapa.testkit.sse import open_stream

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

THREE = {"bridge-curhat", "complaint-svc", "notify-svc"}
FORM = {"kategori": "sampah", "uraian": "Sampah menumpuk di depan pasar Kranggan sejak tiga hari",
        "kelurahan": "Kranggan", "anonim": True}


async def desk(platform) -> dict[str, str]:
    return {"Authorization": f"Bearer {await Identity(platform.issuer).token('desk')}"}


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
        staff = await desk(platform)
        async with httpx.AsyncClient(timeout=5) as http:
            assert (await http.get(f"{complaint_url}/complaints/{ticket}")).status_code == 401  # the number alone

            async def visible():
                resp = await http.get(f"{complaint_url}/complaints/{ticket}", headers=staff)
                return resp.json() if resp.status_code == 200 else None

            case = await eventually(visible, what=f"{ticket} at complaint-svc")
            assert case["status"] == "received"
            assert case["opd"] == "DPUPR"
            assert [t["status"] for t in case["timeline"]] == ["received"]

            received: list = []

            async def follow():
                async with open_stream(http, f"{notify_url}/tickets/{ticket}/events", headers=staff) as stream:
                    async for ev in stream:
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

            case = (await http.get(f"{complaint_url}/complaints/{ticket}", headers=staff)).json()
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


async def test_an_unknown_ticket_is_a_404_with_a_reason_for_staff_and_a_401_without_a_key(platform):
    async with httpx.AsyncClient(timeout=5) as http:
        url = f"{platform.running['complaint-svc'].url}/complaints/CURHAT-999999"
        resp = await http.get(url, headers=await desk(platform))
        assert (resp.status_code, resp.json()["reason"]) == (404, "unknown_ticket")
        resp = await http.get(url)
        assert (resp.status_code, resp.json()["reason"]) == (401, "capability_required")


async def test_a_complaint_filed_on_the_form_is_followed_live_by_its_private_link_only(platform):
    complaint_url = platform.running["complaint-svc"].url
    notify_url = platform.running["notify-svc"].url
    staff = await desk(platform)
    async with httpx.AsyncClient(timeout=10) as http:
        filed = await http.post(f"{complaint_url}/complaints", json=FORM,
                                headers={"Idempotency-Key": str(uuid.uuid4())})
        assert filed.status_code == 201, filed.text
        ticket, link = filed.json()["ticket"], filed.json()["link"]
        assert f"/#tiket={ticket}&kunci=" in link  # the key after '#': never sent to a server
        mine = {"X-Case-Key": link.split("&kunci=")[1]}

        async def followable():
            return (await http.get(f"{notify_url}/tickets/{ticket}", headers=mine)).status_code == 200

        await eventually(followable, what=f"{ticket} at notify-svc, by its link")
        other = {"X-Case-Key": "kunci-orang-lain-" + "x" * 30}
        refused = await http.get(f"{notify_url}/tickets/{ticket}/events", headers=other)
        assert (refused.status_code, refused.json()["reason"]) == (403, "wrong_key")
        async with open_stream(http, f"{notify_url}/tickets/{ticket}/events", headers=mine) as stream:
            first = await stream.next_event()
            assert (first.id, first.json()["status"]) == ("1", "received") and "access_hash" not in first.data
            moved = await http.post(f"{complaint_url}/complaints/{ticket}/status", json={"status": "verified"},
                                    headers=staff)
            assert moved.status_code == 200, moved.text
            # (a revision may come between: the write-back noting the Curhat record that now holds the case)
            while (update := (await stream.next_event()).json())["status"] != "verified":
                assert update["status"] == "received", update

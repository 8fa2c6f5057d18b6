"""Through the real bridge-curhat (run as its own process, as in production): Curhat's staff move a case back
and write an old screen's word, and the case, its timeline and ComplaintUpdated v2 follow the legacy row."""

from __future__ import annotations

import asyncio
import os
import socket
import sys

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from palapa.curhat_legacy import insert_complaint, set_status
from palapa.curhat_legacy.schema import create as create_legacy_schema
from palapa.testkit import eventually

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def curhat(kafka_bootstrap, database_url):
    """Curhat's tb_pengaduan (in the test's database, next to the services' schemas) and bridge-curhat on it."""
    legacy = create_async_engine(database_url)
    await create_legacy_schema(legacy)
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "DATABASE_URL": database_url,
           "KAFKA_PROFILE": "tansu", "BRIDGE_CURHAT_LEGACY_DATABASE_URL": database_url,
           "BRIDGE_CURHAT_HTTP_PORT": str(_free_port()), "BRIDGE_CURHAT_POLL_INTERVAL_SECONDS": "0.2"}
    bridge = await asyncio.create_subprocess_exec(sys.executable, "-m", "palapa.bridge_curhat", env=env,
                                                  stdout=asyncio.subprocess.DEVNULL)
    try:
        yield legacy
    finally:
        bridge.terminate()
        await bridge.wait()
        await legacy.dispose()


async def test_staff_moves_back_and_free_text_codes_in_curhat_are_followed_and_nothing_is_dead_lettered(service,
                                                                                                       curhat):
    row = await insert_complaint(curhat, kategori="Jalan Rusak", isi_laporan="Jalan berlubang di Kranggan")
    ticket = f"CURHAT-{row}"

    async def at(revision):
        async def check():
            res = await service.http.get(f"/complaints/{ticket}", headers=service.desk)
            return res.json() if res.status_code == 200 and res.json()["revision"] >= revision else None
        return await eventually(check, timeout=300, what=f"{ticket} at revision {revision}")

    await at(1)
    # staff: forward, back (2 -> 1), forward, reopen (3 -> 2), the same stage in an old screen's words, back
    for code, revision in (("2", 2), ("1", 3), ("3", 4), ("2", 5), ("tindak lanjut", 5), ("Diverifikasi", 6)):
        await set_status(curhat, row, code)
        await at(revision)
    case = await at(6)
    assert (case["status"], case["revision"]) == ("verified", 6)
    assert [(t["status"], t["note"]) for t in case["timeline"]] == [
        ("received", None), ("in_progress", None),
        ("verified", "Dikoreksi di curhat-ning-ita: kode 1 (Diverifikasi)"), ("resolved", None),
        ("in_progress", "Dikoreksi di curhat-ning-ita: kode 2 (Sedang diproses)"),
        ("verified", "Dikoreksi di curhat-ning-ita: kode Diverifikasi (Diverifikasi)")]

    def published():
        seen = [e.data for e in service.updates.seen if e.data.ticket == ticket]
        return seen if len(seen) == 6 else None

    updates = await eventually(published, what="six ComplaintUpdated v2")
    assert [u.status for u in updates] == ["received", "in_progress", "verified", "resolved", "in_progress",
                                           "verified"]
    async with service.runtime.sessions() as s:
        assert (await s.execute(select(service.runtime.dead_letters.c.reason))).scalars().all() == []
    assert service.runtime.metrics.legacy_corrections.labels(app="curhat-ning-ita")._value.get() == 3

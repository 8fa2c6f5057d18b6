"""The digest sweep on a YAML-declared table: a row called without its timestamp moving is still announced, and a
row deleted from the table is noticed and remembered (a mapping has nothing to announce for it)."""

import contextlib
from datetime import datetime

import pytest
from sqlalchemy import text

from palapa.bridge_mapped.main import create_app
from palapa.bridge_mapped.mapping import load_folder
from palapa.bridge_mapped.settings import BridgeMappedSettings
from palapa.contracts.topics import HEALTH_QUEUES
from palapa.testkit import eventually, running

from .conftest import BRIDGES

pytestmark = pytest.mark.integration
LONG_AGO = datetime(2026, 1, 5, 7, 0)


@pytest.fixture
async def swept(kafka_bootstrap, database_url, queue):
    """bridge-mapped on deploy/bridges with a sweep every 0.3 s."""
    settings = BridgeMappedSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url,
                                    KAFKA_PROFILE="tansu", mappings_dir=BRIDGES, heartbeat_seconds=0.5,
                                    sweep_seconds=0.3)
    mapped = load_folder(BRIDGES, {"PUSKESMAS_DATABASE_URL": queue.url})
    async with contextlib.AsyncExitStack() as stack:
        yield await stack.enter_async_context(running(create_app(settings, mapped=mapped), name="bridge-mapped"))


async def test_a_call_written_behind_the_timestamp_is_announced_and_a_deleted_row_is_remembered(
        queue, swept, topic_reader):
    # registered long ago: behind the poll's lookback window, so only the sweep can see them change
    silent = await queue.register(no_antrian="A-002", tgl_update=LONG_AGO)
    gone = await queue.register(no_antrian="A-003", tgl_update=LONG_AGO)
    first = await queue.register(no_antrian="A-001")
    await queue.call(first)
    await eventually(lambda: len(topic_reader.of(HEALTH_QUEUES)) == 1, what="the first call")
    feed = swept.app.state.mapped["puskesmas-antrian"]
    await eventually(lambda: feed.bridge.position is not None and feed.bridge.position.id >= first,
                     what="the poll past every row")

    async with queue.engine.begin() as conn:  # a DBA's fix: called, the change time left as it was
        await conn.execute(text("UPDATE antrian_pasien SET status_antrian = '1', loket = '4', "
                                "jam_panggil = '26/11/2026 08:00:00' WHERE id_antrian = :id"), {"id": silent})
        await conn.execute(text("DELETE FROM antrian_pasien WHERE id_antrian = :id"), {"id": gone})

    await eventually(lambda: len(topic_reader.of(HEALTH_QUEUES)) == 2, what="the silent call, found by the sweep")
    assert topic_reader.of(HEALTH_QUEUES)[-1].key == f"PKM-{silent}"

    async def remembered() -> bool:
        async with swept.runtime.sessions() as s:
            fp = await s.scalar(text("SELECT fingerprint FROM bridge_mapped.row_state WHERE app_id = :app "
                                     "AND source_id = :id"), {"app": "puskesmas-antrian", "id": str(gone)})
        return fp == "deleted"

    await eventually(remembered, what="the deleted row remembered as deleted")
    assert len(topic_reader.of(HEALTH_QUEUES)) == 2  # nothing announced for the deleted row

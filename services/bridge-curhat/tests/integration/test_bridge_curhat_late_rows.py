"""Rows written the way busy legacy databases write them reach the platform exactly once, on PostgreSQL and on
MariaDB: committed long after their timestamp was set (a held-open transaction), stamped by an app server's clock
behind or ahead of the source's. Times are set from the source's own clock, which the bridge asks for too."""

from datetime import timedelta

import pytest
from sqlalchemy import text

from palapa.bridgekit.sqlpoll import source_now
from palapa.contracts.topics import COMPLAINT_INTAKE
from palapa.kit.clock import zone
from palapa.testkit import eventually

pytestmark = pytest.mark.integration
WIB = zone("Asia/Jakarta")


@pytest.fixture(params=["postgresql", "mariadb"])
def source(request):
    """The legacy database of each dialect the app runs on (MariaDB skips where none runs)."""
    return request.getfixturevalue("legacy" if request.param == "postgresql" else "legacy_mariadb")


def tickets(topic_reader) -> list[str]:
    return [r.key for r in topic_reader.of(COMPLAINT_INTAKE)]


async def test_a_row_whose_transaction_commits_after_later_rows_were_read_arrives_exactly_once(
    source, make_bridge, topic_reader
):
    now = (await source_now(source.engine, WIB)).replace(microsecond=0)  # tgl_update holds whole seconds
    bridge = await make_bridge(source.url)
    async with source.engine.connect() as held:
        tx = await held.begin()  # the PHP request stamps its row, then works on for 50 s before it commits
        await held.execute(text(
            "INSERT INTO tb_pengaduan (nik, isi_laporan, kategori, status, tgl_lapor, tgl_update) "
            "VALUES ('-', 'Sampah menumpuk di pasar.', 'sampah', '0', '', :at)"), {"at": now - timedelta(seconds=60)})
        later = [await source.insert(tgl_update=now - timedelta(seconds=s)) for s in (50, 30, 10)]
        await eventually(lambda: len(tickets(topic_reader)) == 3, what="the three rows committed meanwhile")
        assert bridge.poller.position.ts == now - timedelta(seconds=10)  # the position is past the open row
        await tx.commit()
    await eventually(lambda: len(tickets(topic_reader)) == 4, what="the late-committed row")
    polls = bridge.poller.stats.polls
    await eventually(lambda: bridge.poller.stats.polls >= polls + 5, what="five more polls")
    assert len(tickets(topic_reader)) == 4 and len(set(tickets(topic_reader))) == 4  # each once
    assert set(tickets(topic_reader)) >= {f"CURHAT-{i}" for i in later}


async def test_a_row_stamped_by_a_clock_minutes_behind_arrives_once_within_the_lookback(
    source, make_bridge, topic_reader
):
    now = (await source_now(source.engine, WIB)).replace(microsecond=0)  # tgl_update holds whole seconds
    bridge = await make_bridge(source.url, lookback_seconds=300)  # the app servers' clocks differ by minutes
    await source.insert(tgl_update=now)
    await eventually(lambda: len(tickets(topic_reader)) == 1, what="the row stamped by the source's clock")
    behind = await source.insert(tgl_update=now - timedelta(minutes=4))  # an app server 4 minutes behind
    await eventually(lambda: len(tickets(topic_reader)) == 2, what="the row stamped 4 minutes behind")
    polls = bridge.poller.stats.polls
    await eventually(lambda: bridge.poller.stats.polls >= polls + 5, what="five more polls")
    assert tickets(topic_reader).count(f"CURHAT-{behind}") == 1


async def test_a_row_stamped_hours_ahead_does_not_hide_the_rows_stamped_by_the_source_clock_after_it(
    source, make_bridge, topic_reader
):
    now = (await source_now(source.engine, WIB)).replace(microsecond=0)  # tgl_update holds whole seconds
    bridge = await make_bridge(source.url)
    await source.insert(tgl_update=now + timedelta(hours=3))  # an app server whose clock runs 3 hours ahead
    await eventually(lambda: len(tickets(topic_reader)) == 1, what="the row stamped ahead")
    assert bridge.poller.position.ts == now + timedelta(hours=3)
    normal = [await source.insert(tgl_update=now + timedelta(seconds=s)) for s in (1, 2)]
    await eventually(lambda: len(tickets(topic_reader)) == 3, what="the rows stamped by the source's clock")
    assert sorted(t for t in tickets(topic_reader) if t in {f"CURHAT-{i}" for i in normal}) == sorted([
        f"CURHAT-{i}" for i in normal])

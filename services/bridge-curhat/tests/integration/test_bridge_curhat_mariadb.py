"""The same legacy reader against MariaDB, the dialect the real PHP app runs on (127.0.0.1:3306)."""

from datetime import datetime, timedelta

import pytest

from palapa.bridge_curhat.legacy import LegacyReader, make_legacy_engine
from palapa.bridge_curhat.translate import translate
from palapa.bridgekit.sqlpoll import TimestampPosition, Window
from palapa.contracts.topics import BRIDGE_QUARANTINE, COMPLAINT_INTAKE
from palapa.kit.clock import zone
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

T = datetime(2026, 11, 20, 8, 30, 0)


def reporter(event):
    """The reporter a bridge event sealed (the settings' development reporter key), opened as complaint-svc does."""
    from palapa.bridge_curhat.settings import BridgeCurhatSettings
    from palapa.contracts.events import ComplaintSubmittedV2
    from palapa.kit.sealed import Sealer, open_identity

    key = BridgeCurhatSettings.model_fields["reporter_key"].default.get_secret_value()
    return open_identity(Sealer(key, ComplaintSubmittedV2.SEAL_PURPOSE), event.ticket, event.reporter_sealed)


async def test_the_legacy_reader_reads_mariadb_rows_as_they_are_in_position_order(legacy_mariadb):
    a = await legacy_mariadb.insert(tgl_update=T, tgl_lapor="20/11/2026 08:30", nik="3576 0123 4567 0002",
                                    kategori="jalan rusak ", status="Proses")
    b = await legacy_mariadb.insert(tgl_update=T, nik="-", nama_pelapor="-", tgl_lapor="20-11-2026")
    c = await legacy_mariadb.insert(tgl_update=datetime(2026, 11, 20, 8, 29, 59), status="SELESAI ")
    engine = make_legacy_engine(legacy_mariadb.url)
    reader = LegacyReader(engine)
    try:
        rows = await reader.read_after(TimestampPosition(), 10)
        assert [r.id_pengaduan for r in rows] == [c, a, b]  # by tgl_update, then id
        assert rows[1].tgl_update == T and rows[1].tgl_update.tzinfo is None
        assert (rows[1].nik, rows[1].kategori, rows[1].status) == ("3576 0123 4567 0002", "jalan rusak ", "Proses")
        assert [r.id_pengaduan for r in await reader.read_after(TimestampPosition(T, a), 10)] == [b]
        assert await reader.read_after(TimestampPosition(T, b), 10) == []
        assert await reader.oldest_unread(TimestampPosition(T, a)) == T
        # the lookback re-reads the window behind the position
        behind = Window(T - timedelta(seconds=2))
        assert [r.id_pengaduan for r in await reader.scan(TimestampPosition(T, b), behind, 10)] == [c, a, b]
        assert [r.id_pengaduan for r in await reader.scan(TimestampPosition(T, b), Window(T), 10)] == [a, b]
        # rows whose digest the bridge holds are not read again; a row changed within the same second is
        handled = {r.id_pengaduan: (r.tgl_update, r.digest) for r in rows}
        assert await reader.scan(TimestampPosition(T, b), behind, 10, handled=handled) == []
        await legacy_mariadb.update(a, status="3", at=T)
        assert [r.id_pengaduan for r in await reader.scan(TimestampPosition(T, b), behind, 10, handled=handled)] == [a]
        [event] = translate(rows[1], None, zone("Asia/Jakarta"))
        assert (event.status, event.category) == ("in_progress", "Jalan Rusak")
    finally:
        await engine.dispose()


async def test_the_bridge_publishes_from_mariadb_and_quarantines_its_bad_rows(legacy_mariadb, make_bridge,
                                                                              topic_reader):
    good = await legacy_mariadb.insert()
    bad = await legacy_mariadb.insert(tgl_lapor="31/02/2026 25:61")
    await make_bridge(legacy_mariadb.url)
    await eventually(lambda: len(topic_reader.of(COMPLAINT_INTAKE)) == 1
                     and len(topic_reader.of(BRIDGE_QUARANTINE)) == 1,
                     what="one event and one quarantine from MariaDB")
    assert topic_reader.of(COMPLAINT_INTAKE)[0].key == f"CURHAT-{good}"
    assert topic_reader.of(BRIDGE_QUARANTINE)[0].envelope.data.reason.startswith("unparseable_tgl_lapor:")
    await legacy_mariadb.update(good, status="9")
    await eventually(lambda: len(topic_reader.of(COMPLAINT_INTAKE)) == 2, what="the rejection")
    assert topic_reader.of(COMPLAINT_INTAKE)[1].envelope.data.status == "rejected"
    assert bad


async def test_nul_characters_mariadb_holds_and_postgresql_refuses_never_stall_the_bridge(
    legacy_mariadb, make_bridge, topic_reader
):
    text = await legacy_mariadb.insert(isi_laporan="Lampu\x00 mati di Jl. Pahlawan.\x00", nama_pelapor="Sri\x00 Rahayu")
    status = await legacy_mariadb.insert(status="0\x00", no_hp="0812\x0098765432")
    bridge = await make_bridge(legacy_mariadb.url)
    canary = await legacy_mariadb.insert()
    await eventually(lambda: len(topic_reader.of(COMPLAINT_INTAKE)) == 2
                     and len(topic_reader.of(BRIDGE_QUARANTINE)) == 1,
                     what="the cleaned complaint, the canary and one quarantine")
    submitted = {r.key: r.envelope.data for r in topic_reader.of(COMPLAINT_INTAKE)}
    assert set(submitted) == {f"CURHAT-{text}", f"CURHAT-{canary}"}
    assert submitted[f"CURHAT-{text}"].description == "Lampu mati di Jl. Pahlawan."
    assert reporter(submitted[f"CURHAT-{text}"]).name == "Sri Rahayu"
    quarantined = topic_reader.of(BRIDGE_QUARANTINE)[0].envelope.data
    assert quarantined.source_id == str(status)
    assert quarantined.reason == "unrepresentable_status: status '0\\x00' holds U+0000"
    assert quarantined.row["status"] == "0\\x00" and quarantined.row["no_hp"] == "****\\x00********"
    assert bridge.poller.stats.rows_quarantined == 1

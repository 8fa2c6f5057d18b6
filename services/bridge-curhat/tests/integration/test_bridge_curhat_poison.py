"""Rows the platform could never carry are quarantined at translation, masked, and the rows after them flow."""

import logging
from datetime import datetime

import pytest
from sqlalchemy import select

from palapa.bridge_curhat import tables
from palapa.bridgekit.ingest import source_key
from palapa.contracts.topics import BRIDGE_QUARANTINE, COMPLAINT_INTAKE
from palapa.kit.failures import RECORD_MAX_BYTES
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

NIK = "3576012345670099"
PHONE = "081298765432"


async def test_oversized_and_implausible_rows_are_quarantined_masked_and_the_next_row_flows(
    legacy, make_bridge, topic_reader, caplog
):
    caplog.set_level(logging.INFO)
    huge = await legacy.insert(isi_laporan="Jalan rusak parah. " * 110_000, nik=NIK)  # ~2 MB
    far = await legacy.insert(tgl_lapor="9999-12-31 23:59:59")
    typed = await legacy.insert(nama_pelapor=NIK, no_hp=PHONE, tgl_lapor=NIK,
                                isi_laporan=f"Mohon dihubungi di {PHONE}, NIK saya {NIK}")
    future = await legacy.insert(tgl_lapor="", tgl_update=datetime(9999, 12, 31, 23, 59, 59))
    bridge = await make_bridge(legacy.url)
    await eventually(lambda: len(topic_reader.of(BRIDGE_QUARANTINE)) == 4, what="four quarantined rows")
    # a change stamped now, after a row stamped in year 9999 was read: the position did not jump past it
    canary = await legacy.insert(kategori="Sampah")
    await eventually(lambda: len(topic_reader.of(COMPLAINT_INTAKE)) == 1, what="the canary after them")
    assert topic_reader.of(COMPLAINT_INTAKE)[0].key == f"CURHAT-{canary}"
    assert len(topic_reader.of(BRIDGE_QUARANTINE)) == 4 and bridge.poller.stats.rows_quarantined == 4  # once each

    q = {int(r.envelope.data.source_id): r for r in topic_reader.of(BRIDGE_QUARANTINE)}
    assert q[huge].envelope.data.reason.startswith("oversized_isi_laporan: 2,089,999 characters make a ")
    assert q[far].envelope.data.reason.startswith("implausible_tgl_lapor: 9999-12-31 23:59:59 is later than ")
    assert q[future].envelope.data.reason.startswith("implausible_tgl_update: 9999-12-31 23:59:59 is later than ")
    assert bridge.poller.position.ts.year < 9999
    assert q[typed].envelope.data.reason == "unparseable_tgl_lapor: '3576********0099' matches no known date format"
    published = q[typed].envelope.data.row
    assert (published["nik"], published["nama_pelapor"], published["no_hp"]) == (
        "3576********0002", "*", "*********432")
    assert published["isi_laporan"] == "Mohon dihubungi di *********432, NIK saya 3576********0099"
    value = {source: r.envelope.to_kafka()[1] for source, r in q.items()}
    assert len(value[huge]) < 20_000 < RECORD_MAX_BYTES  # the quarantine event carries a cut row
    assert q[huge].envelope.data.row["isi_laporan"].endswith("… [cut: 2,090,000 characters]")
    for published_value in value.values():  # nothing personal anywhere in what was published
        for secret in (NIK, PHONE, "3576 0123 4567 0002", "Siti Aminah"):
            assert secret.encode() not in published_value

    logged = caplog.text
    assert f"tb_pengaduan {typed} quarantined: unparseable_tgl_lapor" in logged
    assert NIK not in logged and PHONE not in logged

    # the quarantine table keeps no identity in clear: the masked row, found again by its keyed hash
    q_table = tables.quarantine
    async with bridge.runtime.sessions() as s:
        kept = dict((await s.execute(select(q_table.c.source_id, q_table.c.row))).all())
        wanted = source_key(b"palapa-dev-quarantine-key", "curhat-ning-ita", str(typed))
        found = (await s.execute(select(q_table.c.source_id).where(q_table.c.source_key == wanted))).all()
    assert kept[typed] == published and [r.source_id for r in found] == [typed]
    for row in kept.values():
        for secret in (NIK, PHONE, "3576 0123 4567 0002", "Siti Aminah"):
            assert secret not in str(row)


async def test_a_row_stamped_in_year_one_is_quarantined_and_the_position_stays_where_the_lookback_works(
    legacy, make_bridge, topic_reader
):
    first = await legacy.insert(tgl_lapor="", tgl_update=datetime(1, 1, 1))
    bridge = await make_bridge(legacy.url)
    await eventually(lambda: len(topic_reader.of(BRIDGE_QUARANTINE)) == 1, what="the year-one row quarantined")
    assert topic_reader.of(BRIDGE_QUARANTINE)[0].envelope.data.reason == (
        "implausible_tgl_update: 0001-01-01 00:00:00 is before 2000-01-01")
    canary = await legacy.insert()
    await eventually(lambda: len(topic_reader.of(COMPLAINT_INTAKE)) == 1, what="the canary")
    assert topic_reader.of(COMPLAINT_INTAKE)[0].key == f"CURHAT-{canary}"
    assert bridge.poller.stats.rows_quarantined == 1 and first

"""A full export becomes only its changes on the real broker; payments during the day; restarts resume."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest

from palapa.contracts.topics import BRIDGE_HEARTBEATS, BRIDGE_QUARANTINE, TAX_BILLS
from palapa.pbb_legacy import Export, dotted, nop_digits
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

FIXTURE = Path(__file__).parents[1] / "unit" / "pbb_export_20261125.csv"


def export_bytes(export: Export) -> bytes:
    out = io.StringIO()
    for line in export.lines():
        out.write(line + "\r\n")
    return out.getvalue().encode("latin-1")


def types(records) -> Counter:
    return Counter(r.headers["ce_type"].split(".")[2] for r in records)


async def test_the_recorded_export_issues_its_bills_and_quarantines_each_broken_line_with_its_number(
        bpkpd, make_bridge, topic_reader):
    await make_bridge()
    bpkpd.drop("pbb_export_20261125.csv", FIXTURE.read_bytes())
    await eventually(lambda: len(topic_reader.of(TAX_BILLS)) == 5, what="five bills (the duplicated row once)")
    await eventually(lambda: len(topic_reader.of(BRIDGE_QUARANTINE)) == 9, what="nine broken lines quarantined")
    bills = {r.key: r.envelope.data for r in topic_reader.of(TAX_BILLS)}
    assert set(bills) == {"357601000100201230", "357601000100201240", "357601000100201250", "357601000100201260",
                          "357601000100201360"}
    assert bills["357601000100201240"].paid and bills["357601000100201230"].amount_due == 1_250_000
    for r in topic_reader.of(TAX_BILLS):
        assert r.headers["ce_source"] == "/apps/cek-pbb" and r.headers["ce_subject"] == r.key
    quarantined = {r.envelope.data.source_id: r.envelope.data for r in topic_reader.of(BRIDGE_QUARANTINE)}
    assert quarantined["pbb_export_20261125.csv:10"].reason == "PBB_TERHUTANG not a number"
    assert "RATNA" not in repr(quarantined["pbb_export_20261125.csv:10"].row)  # the taxpayer's name is masked
    await eventually(lambda: any(r.envelope.data.app_id == "cek-pbb" and r.envelope.data.opd == "BAPENDA"
                                 for r in topic_reader.of(BRIDGE_HEARTBEATS)), what="a heartbeat of cek-pbb")


async def test_a_second_export_emits_exactly_its_changes_and_a_restart_emits_nothing_again(
        bpkpd, make_bridge, topic_reader):
    """The short version of `./palapa bench pbb` (3,000 bills, 1% changed): correctness, not time."""
    export = Export(3000, broken_every=1000)
    bridge = await make_bridge()
    bpkpd.drop("pbb_1.csv", export_bytes(export))
    await eventually(lambda: len(topic_reader.of(TAX_BILLS)) == 3000, what="3,000 bills issued", timeout=60)
    changed = export.change(0.01, seed=7)
    bpkpd.drop("pbb_2.csv", export_bytes(export))
    await eventually(lambda: len(topic_reader.of(TAX_BILLS)) == 3030, what="30 changes", timeout=30)
    later = topic_reader.of(TAX_BILLS)[3000:]
    assert {r.key for r in later} == {nop_digits(i) for i in changed}
    assert types(later) == {"bill_changed": 15, "bill_paid": 15}
    assert all(r.envelope.data.changed == ("amount_due",) for r in later if "changed" in r.headers["ce_type"])
    assert await bridge.scalar("SELECT count(*) FROM bridge_pbb.export_quarantine") == 6  # 3 broken lines × 2 files

    await bridge.stop()  # the position survives: nothing is read or announced again
    await make_bridge()
    bpkpd.drop("pbb_3.csv", export_bytes(export))  # the same bytes again under another name
    export.change(0.001, seed=8)
    bpkpd.drop("pbb_4.csv", export_bytes(export))
    await eventually(lambda: len(topic_reader.of(TAX_BILLS)) == 3033, what="the 3 changes of the fourth export")
    assert len(topic_reader.of(TAX_BILLS)) == 3033


async def test_a_payment_is_announced_once_whatever_spelling_and_the_export_that_shows_it_adds_nothing(
        bpkpd, make_bridge, topic_reader):
    export = Export(20, broken_every=0)
    await make_bridge()
    bpkpd.drop("pbb_1.csv", export_bytes(export))
    await eventually(lambda: len(topic_reader.of(TAX_BILLS)) == 20, what="20 bills issued")
    await bpkpd.pay(dotted(nop_digits(3)), amount=export.state(3)[0])
    await bpkpd.pay("35.76.XXX")  # a bad row at the counter: quarantined, the next one still flows
    await bpkpd.pay(" " + nop_digits(4) + " ")
    await eventually(lambda: len(topic_reader.of(TAX_BILLS)) == 22, what="two TaxBillPaid")
    paid = [r.envelope.data for r in topic_reader.of(TAX_BILLS)[20:]]
    assert [(p.nop, p.amount_paid) for p in paid] == [(nop_digits(3), export.state(3)[0]),
                                                       (nop_digits(4), 1_250_000)]
    await eventually(lambda: any(r.envelope.data.reason.startswith("nop is not")
                                 for r in topic_reader.of(BRIDGE_QUARANTINE)), what="the bad payment quarantined")
    export.changes[3] = (export.state(3)[0], True)
    export.changes[4] = (export.state(4)[0], True)
    export.changes[5] = (export.state(5)[0], True)  # paid, but only the export says so
    bpkpd.drop("pbb_2.csv", export_bytes(export))
    await eventually(lambda: len(topic_reader.of(TAX_BILLS)) == 23, what="bill 5 paid (3 and 4 were announced)")
    assert topic_reader.of(TAX_BILLS)[22].key == nop_digits(5)
    assert len(topic_reader.of(TAX_BILLS)) == 23

"""The pure parts of `./palapa reconcile`: each app's judgement, and a usage error in one line."""

import pytest

from palapa.tools.reconcile import pbb, tracking
from palapa.tools.reconcile.command import exit_code, main
from palapa.tools.reconcile.difference import Comparison


def _ticket(revision, status):
    steps = [{"status": "submitted"}] + [{"status": status}] * (revision - 1)
    return {"revision": revision, "status": status, "timeline": steps}


def test_a_letter_the_app_lists_needs_a_ticket_or_a_quarantine_row_and_notify_svc_its_last_revision():
    tickets = {"SIMAKEL-1": _ticket(2, "verified"), "SIMAKEL-2": _ticket(1, "submitted"), "SIMAKEL-9": _ticket(1, "x")}
    views = {"SIMAKEL-1": _ticket(1, "submitted"), "SIMAKEL-2": _ticket(1, "submitted")}
    out = tracking.judge(tracking.SIMAKEL, ["1", "2", "3", "4"], tickets, views, quarantined={"4"})
    assert sorted((d.key, d.kind) for d in out.differences) == [
        ("SIMAKEL-1", "mismatched"), ("SIMAKEL-3", "lost"), ("SIMAKEL-9", "mismatched")]


def test_an_exported_bill_must_be_in_taxbill_svc_and_a_recorded_payment_show_it_paid():
    nop = "357601000100201230"
    bills = {(nop, 2026): {"paid": False}}
    out = pbb.judge({(nop, 2026), ("357601000100201231", 2026)}, {(nop, 2026)}, bills, "sppt.csv")
    assert [(d.kind, d.key) for d in out.differences] == [("lost", "357601000100201231/2026"),
                                                           ("mismatched", f"{nop}/2026")]


def test_a_nop_counts_in_the_ways_bpkpd_writes_it_and_a_line_the_bridge_refuses_does_not(tmp_path):
    assert pbb.nop_key("35.76.010.001.002-0123.0") == pbb.nop_key("357601000100201230") == "357601000100201230"
    assert pbb.nop_key("35.76.0A0.001.002-0123.0") is None and pbb.nop_key(None) is None
    export = tmp_path / "sppt-2026.csv"
    export.write_bytes("NOP;...\r\n35.76.010.001.002-0123.0;2026;ANDRÉ;JL;KEL;1;1;1.000;31-08-2026;BELUM;-\r\n"
                       "35.76.010.001.002-0124.0;2026;X;JL;KEL;1;1;1.000;31-08-2026\r\n".encode("latin-1"))
    assert pbb.export_bills(export) == {("357601000100201230", 2026)}
    assert pbb.last_export(tmp_path) == export and pbb.last_export(tmp_path / "none") is None


def test_any_difference_exits_1_nothing_readable_exits_2_and_an_app_not_running_is_said_not_failed():
    diff, fine, away = Comparison("a"), Comparison("b", records=3), Comparison("c", skipped="its API does not answer")
    diff.add("T-1", "lost", "why")
    assert exit_code([diff, fine], None) == 1
    assert exit_code([fine, away], None) == 0 and exit_code([away], "c") == 2 and exit_code([away], None) == 2
    assert away.summary() == "c: not compared (its API does not answer)"


@pytest.mark.parametrize("argv", [["--app", "nope"], ["--database-url", "sqlite:///x"], ["--wait", "-1"], ["--x"]])
def test_a_usage_error_is_one_line_and_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err

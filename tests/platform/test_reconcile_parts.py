"""The pure parts of `./palapa reconcile`: each app's judgement against what the legacy record means, and a usage
error in one line."""

import pytest

from palapa.tools.reconcile import pbb, tracking
from palapa.tools.reconcile.command import exit_code, main
from palapa.tools.reconcile.difference import Comparison


def _ticket(revision, status, first="submitted"):
    steps = [{"status": first}] + [{"status": status}] * (revision - 1)
    return {"revision": revision, "status": status, "timeline": steps}


def _tracked(app, code, ticket, quarantined=frozenset()):
    """One record of `app` at `code` against its ticket (and notify-svc showing that same ticket)."""
    key = tracking.PREFIX[app] + "7"
    return tracking.judge(app, {"7": code}, {key: ticket}, {key: ticket}, quarantined=set(quarantined)).differences


def _bill(amount_due, paid):
    return {"amount_due": amount_due, "paid": paid}


NOP = "357601000100201230"


def test_a_letter_the_app_lists_needs_a_ticket_or_a_quarantine_row_and_notify_svc_its_last_revision():
    tickets = {"SIMAKEL-1": _ticket(2, "verified"), "SIMAKEL-2": _ticket(1, "submitted"), "SIMAKEL-9": _ticket(1, "x")}
    views = {"SIMAKEL-1": _ticket(1, "submitted"), "SIMAKEL-2": _ticket(1, "submitted")}
    out = tracking.judge(tracking.SIMAKEL, {"1": "1", "2": "0", "3": "0", "4": "X"}, tickets, views, quarantined={"4"})
    assert sorted((d.key, d.kind) for d in out.differences) == [
        ("SIMAKEL-1", "mismatched"), ("SIMAKEL-3", "lost"), ("SIMAKEL-9", "mismatched")]


def test_a_letter_whose_ticket_shows_what_its_code_means_is_in_sync():
    assert _tracked(tracking.SIMAKEL, "3", _ticket(4, "ready")) == []
    assert _tracked(tracking.SIMAKEL, " Siap Diambil ", _ticket(4, "ready")) == []  # an older screen's word


def test_a_letter_whose_ticket_shows_another_status_is_a_difference_naming_both():
    [diff] = _tracked(tracking.SIMAKEL, "4", _ticket(4, "ready"))
    assert (diff.key, diff.kind) == ("SIMAKEL-7", "mismatched")
    assert "'4'" in diff.reason and "completed" in diff.reason and "ready" in diff.reason


def test_a_ticket_whose_timeline_ends_elsewhere_than_its_status_is_a_difference():
    ticket = {**_ticket(2, "verified"), "timeline": [{"status": "verified"}, {"status": "submitted"}]}
    [diff] = _tracked(tracking.SIMAKEL, "1", ticket)
    assert diff.kind == "mismatched" and "timeline ends at submitted" in diff.reason and "verified" in diff.reason


def test_an_incident_shows_the_stage_its_code_means_and_the_crews_arrival_reads_dispatched():
    assert _tracked(tracking.PSC119, "3", _ticket(2, "dispatched", first="reported")) == []
    assert _tracked(tracking.PSC119, " td ", _ticket(3, "closed", first="reported")) == []
    [diff] = _tracked(tracking.PSC119, "S", _ticket(3, "handed_over", first="reported"))
    assert diff.kind == "mismatched" and "'S' means closed" in diff.reason and "has handed_over" in diff.reason


def test_a_code_the_app_would_not_know_is_not_compared_but_must_be_in_the_quarantine():
    assert _tracked(tracking.PSC119, "X", _ticket(1, "reported", first="reported"), quarantined={"7"}) == []
    [diff] = _tracked(tracking.SIMAKEL, "7", _ticket(2, "verified"))
    assert diff.kind == "lost" and "'7'" in diff.reason and "quarantine" in diff.reason


def test_an_exported_bill_in_sync_with_taxbill_svc_has_no_difference():
    exported = {(NOP, 2026): pbb.Exported(1_250_000, True, "LUNAS")}
    assert pbb.judge(exported, set(), {(NOP, 2026): _bill(1_250_000, True)}, "sppt.csv").differences == []
    unpaid = {(NOP, 2026): pbb.Exported(1_250_000, False, "BELUM")}
    assert pbb.judge(unpaid, {(NOP, 2026)}, {(NOP, 2026): _bill(1_250_000, True)}, "sppt.csv").differences == []


def test_a_bill_whose_amount_or_paid_state_differs_from_the_export_is_a_difference_naming_both():
    exported = {(NOP, 2026): pbb.Exported(1_250_000, True, "LUNAS")}
    amount, paid = pbb.judge(exported, set(), {(NOP, 2026): _bill(850_000, False)}, "sppt.csv").differences
    assert amount.kind == paid.kind == "mismatched" and amount.key == f"{NOP}/2026"
    assert "1,250,000" in amount.reason and "850,000" in amount.reason
    assert "'LUNAS' (paid)" in paid.reason and "unpaid" in paid.reason
    unpaid = {(NOP, 2026): pbb.Exported(1_250_000, False, "BELUM")}
    [diff] = pbb.judge(unpaid, set(), {(NOP, 2026): _bill(1_250_000, True)}, "sppt.csv").differences
    assert "'BELUM' (unpaid)" in diff.reason and "shows it paid" in diff.reason


def test_an_exported_bill_must_be_in_taxbill_svc_and_a_recorded_payment_show_it_paid():
    nop = NOP
    bills = {(nop, 2026): _bill(1_000, False)}
    exported = {(nop, 2026): pbb.Exported(1_000, False, "BELUM"),
                ("357601000100201231", 2026): pbb.Exported(1_000, False, "BELUM")}
    out = pbb.judge(exported, {(nop, 2026)}, bills, "sppt.csv")
    assert [(d.kind, d.key) for d in out.differences] == [("lost", "357601000100201231/2026"),
                                                           ("mismatched", f"{nop}/2026")]


def test_a_nop_counts_in_the_ways_bpkpd_writes_it_and_a_line_the_bridge_refuses_does_not(tmp_path):
    assert pbb.nop_key("35.76.010.001.002-0123.0") == pbb.nop_key("357601000100201230") == "357601000100201230"
    assert pbb.nop_key("35.76.0A0.001.002-0123.0") is None and pbb.nop_key(None) is None
    export = tmp_path / "sppt-2026.csv"
    export.write_bytes("NOP;...\r\n35.76.010.001.002-0123.0;2026;ANDRÉ;JL;KEL;1;1;Rp 1.000,00;31-08-2026;lunas;-\r\n"
                       "35.76.010.001.002-0124.0;2026;X;JL;KEL;1;1;1.000;31-08-2026\r\n"
                       "35.76.010.001.002-0125.0;2026;X;JL;KEL;1;1;1.25O.000;31-08-2026;BELUM;-\r\n"
                       "35.76.010.001.002-0126.0;2026;X;JL;KEL;1;1;1.000;31-02-2026;BELUM;-\r\n"
                       "35.76.010.001.002-0127.0;2026;X;JL;KEL;1;1;1.000;31-08-2026;DICICIL;-\r\n".encode("latin-1"))
    assert pbb.export_bills(export) == {("357601000100201230", 2026): pbb.Exported(1_000, True, "lunas")}
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

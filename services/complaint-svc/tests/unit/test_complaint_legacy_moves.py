"""Staff moves written back, the pure rules: which moves stage SetComplaintStatus, and a superseded move's entry."""

from datetime import UTC, datetime, timedelta

import pytest

from palapa.complaint.lifecycle.domain import Policy, RefusedError, move, open_case
from palapa.complaint.lifecycle.intake import decide
from palapa.complaint.lifecycle.legacy_moves import command, stage
from palapa.complaint.routing.domain import SEED_RULES, RoutingTable
from palapa.complaint.sla.workdays import WorkCalendar
from palapa.contracts.events import (
    CaseStatus,
    ComplaintLinked,
    ComplaintMoveSuperseded,
    ComplaintStatusChangedV2,
    ComplaintSubmittedV2,
)

T0 = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)
POLICY = Policy(RoutingTable(SEED_RULES), WorkCalendar().add_working_days)
S = CaseStatus


def curhat_case(ticket="CURHAT-1042"):
    event = ComplaintSubmittedV2(ticket=ticket, source_app="curhat-ning-ita", source_ref="1042", category="Jalan Rusak",
                               description="Jalan berlubang", legacy_status="0", submitted_at=T0)
    return open_case(event, policy=POLICY)


def portal_case(ticket="LAPOR-7K3M9QX2PA"):
    event = ComplaintSubmittedV2(ticket=ticket, source_app="palapa-portal", source_ref="tok", category="jalan rusak",
                               description="Lubang besar", submitted_at=T0, kelurahan="Kranggan")
    return open_case(event, policy=POLICY)


def legacy_move(case, status, code, hours=1):
    event = ComplaintStatusChangedV2(ticket=case.ticket, source_app="curhat-ning-ita", source_ref="1042",
                                     status=status, legacy_status=code, changed_at=T0 + timedelta(hours=hours))
    return decide(case, event, policy=POLICY)


def staff_move(case, status, hours=2):
    return move(case, status, T0 + timedelta(hours=hours), policy=POLICY)


def test_a_staff_move_on_a_case_curhat_reported_stages_the_command_with_what_the_portal_saw():
    old = legacy_move(curhat_case(), S.VERIFIED, "1")
    new = staff_move(old, S.IN_PROGRESS)
    cmd = command(old, new, "budi.dpupr", new.timeline[-1].at)
    assert (cmd.ticket, cmd.legacy_ref, cmd.status, cmd.seen_status) == ("CURHAT-1042", "1042", S.IN_PROGRESS,
                                                                         S.VERIFIED)
    assert (cmd.seen_legacy_status, cmd.by, cmd.revision) == ("1", "budi.dpupr", new.revision)
    assert cmd.moved_at == T0 + timedelta(hours=2)


def test_a_staff_move_on_a_portal_case_written_back_names_the_linked_row():
    linked = decide(portal_case(), ComplaintLinked(ticket="LAPOR-7K3M9QX2PA", source_app="curhat-ning-ita",
                                                   source_ref="77", legacy_ticket="CURHAT-77", linked_at=T0),
                    policy=POLICY)
    new = staff_move(linked, S.VERIFIED)
    cmd = command(linked, new, "desk", T0)
    assert (cmd.legacy_ref, cmd.seen_status, cmd.seen_legacy_status) == ("77", S.RECEIVED, None)


def test_a_case_no_legacy_app_holds_stages_nothing():
    old = portal_case()
    assert command(old, staff_move(old, S.VERIFIED), "desk", T0) is None


def test_a_change_that_keeps_the_status_stages_nothing():
    old = curhat_case()
    assert command(old, old, "desk", T0) is None


def test_stage_publishes_the_command_keyed_by_ticket_in_the_moves_transaction():
    class Tx:
        def __init__(self):
            self.staged = []

        def publish(self, *envelopes):
            self.staged.extend(envelopes)

    tx, old = Tx(), curhat_case()
    stage(tx, old, staff_move(old, S.VERIFIED), "desk", "/services/complaint-svc")
    [env] = tx.staged
    assert (env.subject, env.data.status) == ("CURHAT-1042", S.VERIFIED)
    stage(tx, old, old, "desk", "/services/complaint-svc")
    assert len(tx.staged) == 1


def superseded(ticket="CURHAT-1042", app="curhat-ning-ita"):
    return ComplaintMoveSuperseded(ticket=ticket, source_app=app, source_ref="1042", status=S.IN_PROGRESS,
                                   by="budi.dpupr", revision=3, legacy_status="9", legacy_case_status=S.REJECTED,
                                   superseded_at=T0 + timedelta(hours=3))


def test_a_superseded_move_is_on_the_timeline_with_who_made_it_and_the_status_stays():
    case = staff_move(legacy_move(curhat_case(), S.VERIFIED, "1"), S.IN_PROGRESS)
    after = decide(case, superseded(), policy=POLICY)
    assert after.status is S.IN_PROGRESS and after.revision == case.revision + 1
    assert after.timeline[-1].note == ("Langkah dari portal oleh budi.dpupr (Sedang diproses) digantikan oleh "
                                       "curhat-ning-ita: kode 9 (Ditolak)")
    # the legacy app's own move then arrives as usual, and its status is the case's
    assert legacy_move(after, S.REJECTED, "9", hours=4).status is S.REJECTED


def test_a_superseded_move_from_another_app_or_for_an_unknown_ticket_is_refused():
    with pytest.raises(RefusedError, match="cannot answer"):
        decide(curhat_case(), superseded(app="si-makel"), policy=POLICY)
    with pytest.raises(RefusedError, match="unknown ticket"):
        decide(None, superseded(), policy=POLICY)

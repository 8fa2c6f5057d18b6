"""Write-back, the pure rules: which portal cases go to Curhat Ning Ita, and how its record then moves the case."""

from datetime import UTC, datetime, timedelta

import pytest

from palapa.complaint.identity import Keys
from palapa.complaint.lifecycle.domain import Policy, RefusedError, open_case
from palapa.complaint.lifecycle.intake import decide
from palapa.complaint.lifecycle.writeback import command, wanted
from palapa.complaint.routing.domain import SEED_RULES, RoutingTable
from palapa.complaint.sla.workdays import WorkCalendar
from palapa.contracts.events import ComplaintLinked, ComplaintStatusChanged, ComplaintSubmittedV2
from palapa.contracts.identity import Identity
from palapa.kit.sealed import SealError, open_identity

T0 = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)
POLICY = Policy(RoutingTable(SEED_RULES), WorkCalendar().add_working_days)
TICKET = "LAPOR-7K3M9QX2PA"


def portal_case(**kw):
    event = ComplaintSubmittedV2(ticket=TICKET, source_app="palapa-portal", source_ref="tok", category="jalan rusak",
                                 description="Lubang besar", submitted_at=T0, kelurahan="Kranggan", **kw)
    return open_case(event, policy=POLICY)


def linked(ref="1042") -> ComplaintLinked:
    return ComplaintLinked(ticket=TICKET, source_app="curhat-ning-ita", source_ref=ref, legacy_ticket=f"CURHAT-{ref}",
                           linked_at=T0 + timedelta(minutes=1))


def curhat_change(status="in_progress") -> ComplaintStatusChanged:
    return ComplaintStatusChanged(ticket=TICKET, source_app="curhat-ning-ita", source_ref="1042", status=status,
                                  legacy_status="2", changed_at=T0 + timedelta(hours=3))


def test_portal_cases_routed_to_a_write_back_opd_go_to_the_legacy_app():
    case = portal_case()
    assert case.opd == "DPUPR"
    assert wanted(case, ("*",)) and wanted(case, ("DPUPR",))
    assert not wanted(case, ("DLH",)) and not wanted(case, ())


def test_the_command_carries_the_contact_sealed_for_the_bridge_and_only_when_the_reporter_gave_one():
    keys = Keys.development()
    given = Identity(name="Siti", phone="081234567890", email="siti@contoh.id", link="https://x/#kunci=k")
    sent = command(portal_case(), given, keys)
    assert "0812" not in sent.model_dump_json() and "Siti" not in sent.model_dump_json()
    assert open_identity(keys.writeback, TICKET, sent.reporter_sealed) == Identity(name="Siti", phone="081234567890")
    with pytest.raises(SealError):  # sealed for the bridge: not the reporter key's other purpose
        open_identity(keys.reporters, TICKET, sent.reporter_sealed)
    assert command(portal_case(confidentiality="anonymous"), given, keys).reporter_sealed is None
    assert command(portal_case(), None, keys).reporter_sealed is None


def test_once_linked_the_legacy_apps_changes_move_the_case_and_the_timeline_says_where_it_is_recorded():
    with pytest.raises(RefusedError, match="belongs to 'palapa-portal'"):
        decide(portal_case(), curhat_change(), policy=POLICY)
    case = decide(portal_case(), linked(), policy=POLICY)
    assert (case.linked_app, case.linked_ref) == ("curhat-ning-ita", "1042")
    assert case.timeline[-1].note == "Tercatat di curhat-ning-ita sebagai CURHAT-1042"
    moved = decide(case, curhat_change(), policy=POLICY)
    assert moved.status == "in_progress" and moved.source_app == "palapa-portal"


def test_a_repeated_link_changes_nothing_and_another_record_is_refused():
    case = decide(portal_case(), linked(), policy=POLICY)
    assert decide(case, linked(), policy=POLICY) is None
    with pytest.raises(RefusedError, match="already recorded"):
        decide(case, linked("2000"), policy=POLICY)
    with pytest.raises(RefusedError, match="unknown ticket"):
        decide(None, linked(), policy=POLICY)

"""complaint-svc's access rules: every route has a rule; who sees which view, who may move which case (pure)."""

from datetime import UTC, datetime

import pytest

from palapa.complaint.cases.access import listing_scope, may_move, view_of
from palapa.complaint.cases.views import Role as View
from palapa.complaint.lifecycle.domain import Case
from palapa.complaint.main import create_app
from palapa.complaint.settings import ComplaintSettings
from palapa.contracts.events import CaseStatus
from palapa.kit.auth import AuthError, Principal, Role
from palapa.testkit.protection import assert_routes_protected

NOW = datetime(2026, 11, 20, tzinfo=UTC)
DESK = Principal("meja", frozenset({Role.DESK}), frozenset({"DISKOMINFO"}))
DISHUB = Principal("petugas-dishub", frozenset({Role.OPD_OFFICER}), frozenset({"DISHUB"}))
SEKDA = Principal("sekda", frozenset({Role.SEKDA}))
CATALOG = Principal("admin-katalog", frozenset({Role.CATALOG_ADMIN}))


def case(opd="DISHUB", level=0) -> Case:
    return Case(ticket="PORTAL-1", source_app="portal", source_ref="PORTAL-1", opd=opd, category="Lampu Lalu Lintas",
                status=CaseStatus.RECEIVED, revision=1, submitted_at=NOW, updated_at=NOW, due_at=NOW, timeline=(),
                escalation_level=level)


def reason(call) -> str | None:
    try:
        call()
    except AuthError as exc:
        return f"{exc.status} {exc.reason}"
    return None


def test_every_route_of_complaint_svc_has_a_rule():
    app = create_app(ComplaintSettings(KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:1",
                                       DATABASE_URL="postgresql+asyncpg://x@127.0.0.1:1/x"))
    assert_routes_protected(app)
    app.state.runtime.provider.shutdown()


def test_the_old_shared_staff_token_is_refused_at_start():
    with pytest.raises(ValueError, match="COMPLAINT_STAFF_TOKEN is gone"):
        ComplaintSettings(staff_token="staff-token-for-tests-0123456789")


def test_identity_is_the_desks_an_officer_sees_its_own_opds_cases_and_the_rest_see_the_public_view():
    assert [view_of(who, case()) for who in (DESK, DISHUB, SEKDA, CATALOG, None)] == [
        View.DESK, View.OPD, View.OPD, View.PUBLIC, View.PUBLIC]
    assert view_of(DISHUB, case(opd="DINKES")) is View.PUBLIC


def test_an_officers_listing_is_its_own_opds_and_asking_for_another_is_refused():
    assert listing_scope(DISHUB, None) == (View.OPD, "DISHUB")
    assert listing_scope(DESK, None) == (View.OPD, None)
    assert listing_scope(None, "DINKES") == (View.PUBLIC, "DINKES")
    assert reason(lambda: listing_scope(DISHUB, "DINKES")) == "403 wrong_opd"


def test_who_may_move_which_case():
    assert reason(lambda: may_move(DISHUB, case(), None)) is None
    assert reason(lambda: may_move(DISHUB, case(opd="DINKES"), None)) == "403 wrong_opd"
    assert reason(lambda: may_move(DISHUB, case(), "DINKES")) == "403 role_missing"  # re-routing is the desk's
    assert reason(lambda: may_move(DESK, case(opd="DINKES"), "DISHUB")) is None
    assert reason(lambda: may_move(SEKDA, case(level=1), None)) == "403 wrong_opd"  # still the OPD head's
    assert reason(lambda: may_move(SEKDA, case(level=2), None)) is None
    assert reason(lambda: may_move(CATALOG, case(), None)) == "403 role_missing"

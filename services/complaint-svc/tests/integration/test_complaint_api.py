"""The case API on real PostgreSQL: one case by ticket, 404/422 with reasons, paged listings."""

from datetime import UTC, datetime, timedelta

import pytest

from palapa.complaint.lifecycle import domain, intake, store
from palapa.complaint.routing.domain import SEED_RULES, RoutingTable
from palapa.complaint.sla.workdays import WorkCalendar
from palapa.contracts.events import ComplaintStatusChanged, ComplaintSubmitted

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)
FIVE = domain.Policy(RoutingTable(SEED_RULES), WorkCalendar().add_working_days)


async def put_case(service, n: int, category: str, status: str = "received", days_ago: int = 0, start=T0):
    """Store a case the way the intake does (decide, then save), without going through the broker."""
    ticket = f"CURHAT-{n}"
    at = start - timedelta(days=days_ago, minutes=n)
    case = domain.open_case(ComplaintSubmitted(
        ticket=ticket, source_app="curhat-ning-ita", source_ref=str(n), category=category, description="x",
        submitted_at=at), policy=FIVE)
    async with service.runtime.sessions() as s, s.begin():
        await store.save_many(s, [(case, f"e-{n}-1")])
        if status != "received":
            change = ComplaintStatusChanged(
                ticket=ticket, source_app="curhat-ning-ita", source_ref=str(n), status=status, changed_at=at)
            case = intake.decide(case, change, policy=FIVE)
            await store.save_many(s, [(case, f"e-{n}-2")])
    return case


async def test_a_ticket_alone_opens_nothing_and_says_why_whether_it_exists_or_not(service):
    await put_case(service, 6, "Sampah")
    for ticket in ("CURHAT-6", "CURHAT-999999"):
        res = await service.http.get(f"/complaints/{ticket}")
        assert (res.status_code, res.json()["reason"]) == (401, "capability_required")
        res = await service.http.get(f"/complaints/{ticket}", headers={"X-Case-Key": "tebakan-" + "x" * 40})
        assert (res.status_code, res.json()["reason"]) == (403, "wrong_key")


async def test_an_unknown_ticket_is_a_404_with_the_reason_for_staff(service):
    res = await service.http.get("/complaints/CURHAT-999999", headers=service.desk)
    assert res.status_code == 404
    assert res.json() == {"detail": "Tiket CURHAT-999999 tidak ditemukan", "reason": "unknown_ticket"}


@pytest.mark.parametrize("ticket", ["curhat-1", "AB", "-CURHAT", "CURHAT_1", "X" * 65])
async def test_a_malformed_ticket_is_a_422_with_the_reason(service, ticket):
    res = await service.http.get(f"/complaints/{ticket}")
    assert res.status_code == 422
    assert res.json()["reason"] == "malformed_ticket"


async def test_a_case_reads_exactly_as_the_contract_says(service):
    await put_case(service, 7, "Sampah", status="in_progress")
    [body] = (await service.http.get("/complaints")).json()["items"]
    assert set(body) == {"ticket", "status", "status_kind", "status_label", "opd", "category", "kelurahan",
                         "kecamatan", "source_app", "submitted_at", "updated_at", "due_at", "forward_due_at",
                         "current_due_at", "revision", "confidentiality", "escalation_level", "escalated_to",
                         "responsible", "duplicate_of", "possible_duplicate_of", "recorded_in", "rating", "timeline"}
    assert (body["opd"], body["status"], body["status_kind"], body["revision"]) == ("DLH", "in_progress", "open", 2)
    assert set(body["timeline"][0]) == {"status", "label", "at", "legacy_status", "note"}
    assert "description" not in body and "reporter" not in body  # the public view
    mine = (await service.http.get("/complaints/CURHAT-7", headers=await service.key_for("CURHAT-7"))).json()
    assert set(mine) == set(body) | {"description", "latitude", "longitude"}  # its holder's: what, not who


async def test_the_listing_filters_by_opd_and_status_and_pages_newest_first(service):
    for n in range(1, 6):
        await put_case(service, n, "Jalan Rusak")
    await put_case(service, 6, "Sampah")
    await put_case(service, 7, "Jalan Rusak", status="resolved")
    first = (await service.http.get("/complaints", params={"opd": "dpupr", "status": "received", "limit": 2})).json()
    assert [c["ticket"] for c in first["items"]] == ["CURHAT-1", "CURHAT-2"]
    tickets = [c["ticket"] for c in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = (await service.http.get("/complaints", params={"opd": "DPUPR", "status": "received", "limit": 2,
                                                              "cursor": cursor})).json()
        tickets += [c["ticket"] for c in page["items"]]
        cursor = page["next_cursor"]
    assert tickets == [f"CURHAT-{n}" for n in range(1, 6)]
    everything = (await service.http.get("/complaints")).json()
    assert len(everything["items"]) == 7 and everything["next_cursor"] is None


async def test_the_listing_finds_open_cases_past_their_deadline(service):
    now = datetime.now(UTC)  # the deadline runs on the real clock
    # 30 calendar days hold more than 5 working days even around Idul Fitri and its cuti bersama
    await put_case(service, 1, "Sampah", days_ago=30, start=now)
    await put_case(service, 2, "Sampah", status="resolved", days_ago=30, start=now)
    await put_case(service, 3, "Sampah", days_ago=1, start=now)
    page = (await service.http.get("/complaints", params={"overdue": "false"})).json()
    assert [c["ticket"] for c in page["items"]] == ["CURHAT-3", "CURHAT-2"]
    late = (await service.http.get("/complaints", params={"overdue": "true"})).json()
    assert [c["ticket"] for c in late["items"]] == ["CURHAT-1"]


@pytest.mark.parametrize(
    ("params", "reason"),
    [({"status": "done"}, "invalid_status"), ({"limit": "1000"}, "invalid_limit"), ({"opd": "D P"}, "invalid_opd"),
     ({"cursor": "zzz"}, "invalid_cursor"), ({"overdue": "kadang"}, "invalid_overdue")],
)
async def test_a_bad_listing_parameter_is_a_422_with_the_reason(service, params, reason):
    res = await service.http.get("/complaints", params=params)
    assert res.status_code == 422
    assert res.json()["reason"] == reason

"""The desk re-routes with a reason; escalations wait for the Sekda and the Wali Kota, who leave instructions; each
OPD's on-time rate by week: on the real broker, PostgreSQL and identity provider, tried as each role and a stranger."""

from datetime import UTC, datetime, timedelta

import pytest

from palapa.complaint.sla.workdays import WorkCalendar
from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintSubmitted
from palapa.testkit import eventually

pytestmark = pytest.mark.integration


async def bearer(identity_provider, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {await identity_provider.token(who)}"}


async def submitted(service, producer, ticket: str, category: str = "Sampah", at: datetime | None = None) -> dict:
    event = ComplaintSubmitted(ticket=ticket, source_app="portal", source_ref=ticket, category=category,
                               description="Sampah menumpuk", submitted_at=at or datetime.now(UTC),
                               reporter_name="Joko Susilo")
    await producer.send(Envelope(event, source="/apps/portal", subject=ticket))

    async def there():
        res = await service.http.get(f"/complaints/{ticket}", headers=service.desk)
        return res.json() if res.status_code == 200 else None

    return await eventually(there, what=f"{ticket} received")


async def audit_of(service, ticket: str) -> list[tuple]:
    log = (await service.http.get("/audit", params={"object_id": ticket}, headers=service.desk)).json()["items"]
    return [(r["actor"], r["action"], r["why"]) for r in log]


async def test_the_desk_reroutes_an_open_case_with_its_reason_and_no_one_else_may(service, producer,
                                                                                identity_provider):
    case = await submitted(service, producer, "PORTAL-71")
    assert case["opd"] == "DLH"
    url = "/complaints/PORTAL-71/reroute"
    body = {"opd": "dishub", "reason": "Sampah di jalur hijau lalu lintas"}
    assert (await service.http.post(url, json=body)).status_code == 401
    for who in ("dishub", "sekda", "nobody"):
        refused = await service.http.post(url, json=body, headers=await bearer(identity_provider, who))
        assert (refused.status_code, refused.json()["reason"]) == (403, "role_missing"), who
    assert (await service.http.post(url, json={"opd": "DISHUB"}, headers=service.desk)).status_code == 422
    blank = await service.http.post(url, json={"opd": "DISHUB", "reason": " "}, headers=service.desk)
    assert blank.status_code == 409 and "needs its reason" in blank.json()["detail"]
    same = await service.http.post(url, json={"opd": "DLH", "reason": "Tetap"}, headers=service.desk)
    assert (same.status_code, same.json()["reason"]) == (409, "refused")
    moved = await service.http.post(url, json=body, headers=service.desk)
    assert moved.status_code == 200
    after = moved.json()
    assert (after["opd"], after["status"], after["due_at"]) == ("DISHUB", case["status"], case["due_at"])
    assert after["timeline"][-1]["note"] == "Dialihkan dari DLH ke DISHUB: Sampah di jalur hijau lalu lintas"
    assert await audit_of(service, "PORTAL-71") == [
        ("meja-diskominfo", "case.reroute", "Sampah di jalur hijau lalu lintas")]
    dishub = await bearer(identity_provider, "dishub")
    assert (await service.http.get("/complaints/PORTAL-71", headers=dishub)).json()["opd"] == "DISHUB"
    await submitted(service, producer, "PORTAL-78")  # nobody acted on it
    mine = (await service.http.get("/complaints", params={"mine": "true", "order": "deadline"},
                                   headers=service.desk)).json()["items"]
    assert [c["ticket"] for c in mine] == ["PORTAL-71"]  # "Kasus saya": the cases the desk acted on
    assert (await service.http.get("/complaints", params={"mine": "true"}, headers=dishub)).json()["items"] == []
    assert (await service.http.get("/complaints", params={"mine": "true"})).status_code == 401
    assert (await service.http.get("/complaints", params={"mine": "kadang"}, headers=dishub)).status_code == 422


async def test_escalations_wait_for_their_level_oldest_first_and_leaders_leave_instructions(
        service, producer, identity_provider):
    # received in March 2027 (the real clock never has anything due): a check as of Saturday 20 March 00:01 WIB
    # finds PORTAL-72 (received Thursday 4 March) at the Wali Kota and PORTAL-73 (Friday 5 March) at the Sekda
    wib = WorkCalendar().tz
    await submitted(service, producer, "PORTAL-72", at=datetime(2027, 3, 4, 14, tzinfo=wib))
    await submitted(service, producer, "PORTAL-73", at=datetime(2027, 3, 5, 14, tzinfo=wib))
    await submitted(service, producer, "PORTAL-74", at=datetime(2027, 3, 18, 14, tzinfo=wib))  # not yet late
    checker = service.svc.app.state.checker
    checker.clock = lambda: datetime(2027, 3, 20, 0, 1, tzinfo=wib)
    assert await checker.check_once() > 0
    checker.clock = lambda: datetime.now(UTC)
    sekda, wali = await bearer(identity_provider, "sekda"), await bearer(identity_provider, "walikota")

    async def waiting(headers) -> list[tuple[str, int]]:
        answer = await service.http.get("/escalations", headers=headers)
        assert answer.status_code == 200, answer.text
        assert all("reporter" not in c and c["escalated_at"] for c in answer.json()["items"])
        return [(c["ticket"], c["escalation_level"]) for c in answer.json()["items"]]

    assert await waiting(sekda) == [("PORTAL-73", 2)]
    assert await waiting(wali) == [("PORTAL-72", 3)]
    assert await waiting(service.desk) == [("PORTAL-72", 3), ("PORTAL-73", 2)]  # same hour: the older case first
    assert (await service.http.get("/escalations")).status_code == 401
    for who in ("dishub", "catalog"):
        refused = await service.http.get("/escalations", headers=await bearer(identity_provider, who))
        assert (refused.status_code, refused.json()["reason"]) == (403, "role_missing"), who

    said = await service.http.post("/complaints/PORTAL-73/instruction", headers=sekda,
                                   json={"note": "Tindak lanjuti hari ini, laporkan ke Sekda"})
    assert said.status_code == 200
    assert said.json()["timeline"][-1]["note"] == "Arahan Sekretaris Daerah: Tindak lanjuti hari ini, laporkan ke Sekda"
    assert said.json()["status"] == "received"
    assert (await service.http.post("/complaints/PORTAL-73/instruction", json={"note": "x"})).status_code == 401
    desk = await service.http.post("/complaints/PORTAL-73/instruction", headers=service.desk, json={"note": "x"})
    assert (desk.status_code, desk.json()["reason"]) == (403, "role_missing")
    early = await service.http.post("/complaints/PORTAL-74/instruction", headers=sekda, json={"note": "Cepat"})
    assert (early.status_code, early.json()["reason"]) == (403, "not_escalated")
    assert await audit_of(service, "PORTAL-73") == [
        ("sekda", "case.instruct", "Tindak lanjuti hari ini, laporkan ke Sekda")]
    assert await audit_of(service, "PORTAL-74") == [("sekda", "case.instruct.refused", "not_escalated")]
    # the Sekda may also move a case escalated to them (complaint-svc's rule since the move route)
    moved = await service.http.post("/complaints/PORTAL-73/status", headers=sekda, json={"status": "verified"})
    assert moved.status_code == 200
    resolved = await service.http.post("/complaints/PORTAL-72/status", headers=service.desk,
                                       json={"status": "resolved", "note": "Sudah diangkut"})
    assert resolved.status_code == 200
    assert await waiting(wali) == []  # ended: no longer waiting


async def test_on_time_rates_per_opd_count_cases_ended_by_their_deadline_in_the_last_weeks(service, producer):
    await submitted(service, producer, "PORTAL-75")  # due in a week: resolved on time
    await submitted(service, producer, "PORTAL-76", at=datetime.now(UTC) - timedelta(days=20))  # already late
    await submitted(service, producer, "PORTAL-77", category="Lampu jalan")  # still open: not counted
    for ticket in ("PORTAL-75", "PORTAL-76"):
        done = await service.http.post(f"/complaints/{ticket}/status", headers=service.desk,
                                       json={"status": "resolved", "note": "Selesai"})
        assert done.status_code == 200, done.text
    answer = await service.http.get("/stats/on-time")
    assert answer.status_code == 200 and len(answer.json()["weeks"]) == 4
    [dlh] = answer.json()["items"]
    assert (dlh["opd"], dlh["closed"], dlh["on_time"], dlh["rate"]) == ("DLH", 2, 1, 0.5)
    assert [(w["closed"], w["on_time"]) for w in dlh["weeks"]] == [(0, 0), (0, 0), (0, 0), (2, 1)]
    assert (await service.http.get("/stats/on-time", params={"weeks": "0"})).status_code == 422
    assert len((await service.http.get("/stats/on-time", params={"weeks": "12"})).json()["weeks"]) == 12


async def test_the_service_level_counts_this_weeks_breaches_per_opd_and_escalations_waiting_for_overseers_only(
        service, producer, identity_provider):
    # received 20 days ago: both clocks breached at every level by the checker's pass now
    await submitted(service, producer, "PORTAL-81", at=datetime.now(UTC) - timedelta(days=20))
    await submitted(service, producer, "PORTAL-82", category="Lampu jalan")  # not late: no breach
    assert await service.svc.app.state.checker.check_once() > 0
    url = "/stats/service-level"
    answer = await service.http.get(url, headers=await bearer(identity_provider, "sre"))
    assert answer.status_code == 200, answer.text
    level = answer.json()
    [dlh] = level["breaches"]
    assert (dlh["opd"], dlh["cases"]) == ("DLH", 1)
    assert dlh["breaches"] == dlh["level_1"] + dlh["level_2"] + dlh["level_3"] and dlh["level_3"] >= 1
    [top] = level["escalations"]
    assert (top["level"], top["to"], top["waiting"]) == (3, "WALIKOTA", 1) and top["oldest_at"]
    assert "PORTAL-81" not in answer.text  # counts only
    for who in ("desk", "sekda", "walikota"):
        assert (await service.http.get(url, headers=await bearer(identity_provider, who))).status_code == 200, who
    assert (await service.http.get(url)).status_code == 401
    for who in ("dishub", "catalog", "nobody"):
        refused = await service.http.get(url, headers=await bearer(identity_provider, who))
        assert refused.status_code == 403, who

"""The tracker on the real broker and PostgreSQL: lifecycle through events and staff moves, routing edits and
re-routing, confidentiality, duplicates, deadlines once each across a restart, ratings and figures."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from palapa.complaint import tables
from palapa.complaint.identity import Keys
from palapa.complaint.main import create_app
from palapa.complaint.settings import ComplaintSettings
from palapa.complaint.sla.workdays import WorkCalendar
from palapa.contracts.envelope import Envelope
from palapa.contracts.events import (
    ComplaintStatusChangedV2,
    ComplaintSubmitted,
    ComplaintSubmittedV2,
    ComplaintUpdatedV2,
)
from palapa.contracts.identity import Identity
from palapa.contracts.topics import COMPLAINT_SLA
from palapa.kit.sealed import Sealer, seal_identity
from palapa.testkit import eventually, running

pytestmark = pytest.mark.integration

#: the staff's headers, filled with their tokens from the local identity provider (fixture `staff` below)
DESK: dict[str, str] = {}  # budi.pengelola, the complaints desk
OPD: dict[str, str] = {}  # ani.dpupr, an officer of DPUPR
DLH: dict[str, str] = {}  # dewi.dlh, an officer of DLH
T0 = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)  # Friday 08:30 WIB


@pytest.fixture
def settings(kafka_bootstrap, database_url, identity_provider) -> ComplaintSettings:
    return ComplaintSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url, KAFKA_PROFILE="tansu",
                             OIDC_ISSUER=identity_provider.issuer, sla_check_seconds=3600)


@pytest.fixture(autouse=True)
async def staff(identity_provider):
    for headers, account, role, opd in ((DESK, "budi.pengelola", "complaints-desk", "DISKOMINFO"),
                                        (OPD, "ani.dpupr", "opd-officer", "DPUPR"),
                                        (DLH, "dewi.dlh", "opd-officer", "DLH")):
        headers["Authorization"] = f"Bearer {await identity_provider.person(account, [role], [opd])}"


def portal(ticket, category="Jalan Rusak", at=T0, **kw) -> Envelope:
    event = ComplaintSubmitted(ticket=ticket, source_app="portal", source_ref=ticket, category=category,
                               description="Jalan berlubang dekat SDN Kranggan 2", submitted_at=at, **kw)
    return Envelope(event, source="/apps/portal", subject=ticket)


def curhat(ticket, code, status, hours) -> Envelope:
    event = ComplaintStatusChangedV2(ticket=ticket, source_app="curhat-ning-ita", source_ref=ticket.split("-")[1],
                                     status=status, legacy_status=code, changed_at=T0 + timedelta(hours=hours))
    return Envelope(event, source="/apps/curhat-ning-ita", subject=ticket)


async def case_at(service, ticket, revision, headers=None):
    async def check():
        res = await service.http.get(f"/complaints/{ticket}", headers=headers or DESK)
        return res.json() if res.status_code == 200 and res.json()["revision"] >= revision else None

    return await eventually(check, what=f"{ticket} at revision {revision}")


async def test_staff_move_a_case_through_the_lifecycle_and_an_illegal_move_is_refused(service, producer):
    await producer.send(portal("PORTAL-1"))
    await case_at(service, "PORTAL-1", 1)
    http = service.http
    refused = await http.post("/complaints/PORTAL-1/status", json={"status": "verified"})
    assert (refused.status_code, refused.json()["reason"]) == (401, "token_missing")
    for body in ({"status": "verified"}, {"status": "dispositioned", "opd": "dpupr"}, {"status": "in_progress"},
                 {"status": "resolved", "note": "Jalan sudah ditambal"}):
        res = await http.post("/complaints/PORTAL-1/status", json=body, headers=OPD)
        assert res.status_code == 200, res.text
    res = await http.post("/complaints/PORTAL-1/status", json={"status": "in_progress"}, headers=OPD)
    assert res.status_code == 409 and "illegal transition resolved -> in_progress" in res.json()["detail"]
    res = await http.post("/complaints/PORTAL-1/status", json={"status": "reopened"}, headers=OPD)
    res = await http.post("/complaints/PORTAL-1/status", json={"status": "rejected"}, headers=OPD)
    assert res.status_code == 409 and res.json()["reason"] == "refused"  # a rejection needs its reason
    case = (await http.get("/complaints/PORTAL-1", headers=DESK)).json()
    assert [(t["status"], t["note"]) for t in case["timeline"]] == [
        ("received", None), ("verified", None), ("dispositioned", "Diteruskan ke DPUPR"), ("in_progress", None),
        ("resolved", "Jalan sudah ditambal"), ("reopened", None)]
    assert (case["status_kind"], case["revision"]) == ("open", 6)

    def published():
        seen = [e.data for e in service.updates.seen if e.data.ticket == "PORTAL-1"]
        return seen if len(seen) == 6 else None

    updates = await eventually(published, what="six ComplaintUpdated v2")
    assert all(isinstance(u, ComplaintUpdatedV2) for u in updates)
    assert [u.status for u in updates][-2:] == ["resolved", "reopened"]


async def test_a_legacy_move_the_lifecycle_forbids_staff_is_recorded_as_a_correction_and_nothing_is_dead_lettered(
        service, producer):
    await producer.send(Envelope(ComplaintSubmitted(
        ticket="CURHAT-5", source_app="curhat-ning-ita", source_ref="5", category="Sampah", description="x",
        legacy_status="0", submitted_at=T0), source="/apps/curhat-ning-ita", subject="CURHAT-5"))
    await producer.send(curhat("CURHAT-5", "3", "resolved", 1))
    await producer.send(curhat("CURHAT-5", "1", "verified", 2))  # back from resolved: a correction
    await producer.send(curhat("CURHAT-5", "Selesai", "resolved", 3))  # forward again, under an old screen's word
    await producer.send(curhat("CURHAT-5", "selesai", "resolved", 4))  # same status again: nothing
    await producer.send(curhat("CURHAT-5", "9", "rejected", 5))  # rejected after resolved: a correction
    case = await case_at(service, "CURHAT-5", 5)
    assert [(t["status"], t["note"]) for t in case["timeline"]] == [
        ("received", None), ("resolved", None), ("verified", "Dikoreksi di curhat-ning-ita: kode 1 (Diverifikasi)"),
        ("resolved", None), ("rejected", "Dikoreksi di curhat-ning-ita: kode 9 (Ditolak)")]
    async with service.runtime.sessions() as s:
        assert (await s.execute(select(service.runtime.dead_letters.c.reason))).scalars().all() == []
    corrections = service.runtime.metrics.legacy_corrections.labels(app="curhat-ning-ita")
    assert corrections._value.get() == 2


async def test_the_city_edits_routing_with_history_and_a_new_category_reroutes_the_case(service, producer):
    http = service.http
    rule = {"category": "Lampu Jalan", "kelurahan": "Gedongan", "opd": "UPT-PJU", "follow_up_days": 2,
            "why": "PJU Gedongan ditangani UPT sejak 2026"}
    assert (await http.put("/routes", json=rule)).status_code == 401
    res = await http.put("/routes", json=rule, headers=DESK)
    assert res.status_code == 200 and res.json()["opd_before"] is None
    await producer.send(portal("PORTAL-2", category="Sampah", kelurahan="Gedongan"))
    assert (await case_at(service, "PORTAL-2", 1))["opd"] == "DLH"
    res = await http.post("/complaints/PORTAL-2/category", json={"category": "Lampu Jalan"}, headers=DLH)
    assert res.status_code == 200
    case = res.json()
    assert (case["opd"], case["category"], case["status"]) == ("UPT-PJU", "Lampu Jalan", "received")
    assert case["timeline"][-1]["note"] == "Kategori diubah menjadi Lampu Jalan; dialihkan dari DLH ke UPT-PJU"
    history = (await http.get("/routes/history", headers=DESK)).json()["items"]
    assert (history[0]["by"], history[0]["why"], history[0]["opd_after"]) == (
        "budi.pengelola", "PJU Gedongan ditangani UPT sejak 2026", "UPT-PJU")
    public = (await http.get("/routes/history")).json()["items"]  # the change and its reason, not the officer
    assert (public[0]["by"], public[0]["why"], public[0]["opd_after"]) == (
        None, "PJU Gedongan ditangani UPT sejak 2026", "UPT-PJU")
    assert {h["by"] for h in (await http.get("/routes/history", headers=DLH)).json()["items"]} == {None}
    assert any(h["by"] == "migration complaint_0002" for h in history)  # the seed is the first change
    routes = (await http.get("/routes")).json()["items"]
    jalan = next(r for r in routes if r["category"] == "jalan rusak")
    assert {"category": "jalan rusak", "opd": "DPUPR"}.items() <= jalan.items()


async def test_identity_stays_with_the_complaint_desk_and_an_anonymous_report_has_none(service, producer):
    who = dict(reporter_name="Joko Susilo", reporter_nik_masked="3576******0002", reporter_phone="081298765432",
               reporter_email="joko@example.id")
    await producer.send(portal("PORTAL-3", confidentiality="rahasia", **who))
    await producer.send(portal("PORTAL-4", confidentiality="anonymous", **who))
    await case_at(service, "PORTAL-4", 1)
    for headers in (OPD, await service.key_for("PORTAL-3")):
        text = (await service.http.get("/complaints/PORTAL-3", headers=headers)).text
        assert not any(v in text for v in ("Joko", "3576", "08129", "joko@")), headers
    listed = (await service.http.get("/complaints")).json()["items"]
    assert {c["ticket"]: (c["kelurahan"], "description" in c) for c in listed} == {
        "PORTAL-3": (None, False), "PORTAL-4": (None, False)}  # not even where
    desk = (await service.http.get("/complaints/PORTAL-3", headers=DESK)).json()
    assert desk["reporter"]["name"] == "Joko Susilo" and desk["confidentiality"] == "confidential"
    assert (await service.http.get("/complaints/PORTAL-4", headers=DESK)).json()["reporter"] is None
    async with service.runtime.sessions() as s:
        assert (await s.execute(select(tables.reporters.c.ticket))).scalars().all() == ["PORTAL-3"]
    published = [e.data.model_dump_json() for e in service.updates.seen]
    assert published and not any("Joko" in p or "08129" in p for p in published)


async def test_a_sealed_reporter_reaches_the_desk_rests_sealed_and_one_sealed_under_another_key_is_refused(
    service, producer
):
    joko = Identity(name="Joko Susilo", nik_masked="3576******0002", phone="081298765432", email="joko@example.id")
    reporters = Keys.development().reporters
    for ticket, sealer in (("PORTAL-5", reporters), ("PORTAL-6", Sealer("another-key-entirely", "complaint.reporter"))):
        event = ComplaintSubmittedV2(ticket=ticket, source_app="portal", source_ref=ticket, category="Jalan Rusak",
                                     description="Jalan berlubang", submitted_at=T0,
                                     reporter_sealed=seal_identity(sealer, ticket, joko))
        await producer.send(Envelope(event, source="/apps/portal", subject=ticket))
    await case_at(service, "PORTAL-5", 1)
    desk = (await service.http.get("/complaints/PORTAL-5", headers=DESK)).json()
    assert (desk["reporter"]["name"], desk["reporter"]["phone"]) == ("Joko Susilo", "081298765432")
    async with service.runtime.sessions() as s:
        rows = (await s.execute(select(tables.reporters))).all()
        letters = service.runtime.dead_letters

        async def refused():
            found = (await s.execute(select(letters.c.reason))).scalars().all()
            return found or None

        reasons = await eventually(refused, what="the event sealed under another key dead-lettered")
    assert [r.ticket for r in rows] == ["PORTAL-5"] and not any(v in repr(rows) for v in ("Joko", "0812", "joko@"))
    assert len(reasons) == 1 and reasons[0].startswith("PORTAL-6: reporter_sealed sealed value does not open")
    assert (await service.http.get("/complaints/PORTAL-6", headers=DESK)).status_code == 404


async def test_a_nearby_open_case_of_the_same_category_is_flagged_and_linked(service, producer):
    await producer.send(portal("PORTAL-7", latitude=-7.4706, longitude=112.4401))
    await case_at(service, "PORTAL-7", 1)
    await producer.send(portal("PORTAL-8", at=T0 + timedelta(hours=2), latitude=-7.4710, longitude=112.4403))
    await producer.send(portal("PORTAL-9", category="Sampah", at=T0 + timedelta(hours=2), latitude=-7.4706,
                               longitude=112.4401))
    assert (await case_at(service, "PORTAL-8", 1))["possible_duplicate_of"] == "PORTAL-7"
    assert (await case_at(service, "PORTAL-9", 1))["possible_duplicate_of"] is None
    assert (await case_at(service, "PORTAL-7", 1))["status"] == "received"  # linked, not merged


async def test_a_rating_only_after_resolution_once_and_the_figures_per_opd(service, producer):
    # received a moment ago: staff resolve it on the real clock, well within its deadline
    await producer.send(portal("PORTAL-10", at=datetime.now(UTC) - timedelta(minutes=5)))
    await case_at(service, "PORTAL-10", 1)
    rating, mine = {"stars": 4, "comment": "Cepat ditangani"}, await service.key_for("PORTAL-10")
    res = await service.http.post("/complaints/PORTAL-10/rating", json=rating, headers=mine)
    assert res.status_code == 409 and res.json()["reason"] == "not_resolved"
    await service.http.post("/complaints/PORTAL-10/status", json={"status": "resolved", "note": "Selesai"}, headers=OPD)
    assert (await service.http.post("/complaints/PORTAL-10/rating", json={"stars": 6}, headers=mine)).status_code == 422
    for stranger in ({}, OPD, {"X-Case-Key": "bukan-kuncinya-" + "x" * 30}):  # only its reporter rates it
        res = await service.http.post("/complaints/PORTAL-10/rating", json=rating, headers=stranger)
        assert (res.status_code, res.json()["reason"]) in ((401, "capability_required"), (403, "wrong_key"))
    assert (await service.http.post("/complaints/PORTAL-10/rating", json=rating, headers=mine)).status_code == 201
    res = await service.http.post("/complaints/PORTAL-10/rating", json={"stars": 1}, headers=mine)
    assert res.status_code == 409 and res.json()["reason"] == "already_rated"
    dpupr = next(f for f in (await service.http.get("/stats/opd")).json()["items"] if f["opd"] == "DPUPR")
    assert (dpupr["cases"], dpupr["resolved"], dpupr["on_time_rate"], dpupr["average_rating"]) == (1, 1, 1.0, 4.0)
    page = await service.http.get("/stats")
    assert page.status_code == 200 and "Kinerja Penanganan Pengaduan" in page.text and "<svg" in page.text


async def test_warnings_and_breaches_are_emitted_once_each_across_a_restart(settings, topic_reader, producer):
    # received Friday 5 March 2027, 14:00 WIB (a date in the future, so the real clock never has anything due):
    # forward due Thursday 18 March, follow-up due Monday 22 March (Nyepi, Idul Fitri and cuti bersama skipped)
    wib = WorkCalendar().tz
    received = datetime(2027, 3, 5, 14, 0, tzinfo=wib)

    def at(day, hour=0, minute=1):
        return datetime(2027, 3, day, hour, minute, tzinfo=wib)

    def sla_events():
        return [(type(r.envelope.data).__name__, r.envelope.data.stage, getattr(r.envelope.data, "level", 0),
                 getattr(r.envelope.data, "escalated_to", None)) for r in topic_reader.of(COMPLAINT_SLA)]

    async def check(svc, when):
        svc.app.state.checker.clock = lambda: when
        return await svc.app.state.checker.check_once()

    async with running(create_app(settings), name="complaint-svc") as svc:
        await producer.send(portal("PORTAL-20", at=received))
        case = await case_at(svc, "PORTAL-20", 1)
        assert datetime.fromisoformat(case["forward_due_at"]) == datetime(2027, 3, 18, 23, 59, 59, 999999, tzinfo=wib)
        assert await check(svc, at(18, 8)) == 1  # the forward stage's last working day: a warning
        assert await check(svc, at(18, 9)) == 0  # and only one
        assert await check(svc, at(19)) == 1  # past the deadline: the OPD's head
    async with running(create_app(settings), name="complaint-svc") as svc:  # a restart: the state is in PostgreSQL
        assert await check(svc, at(19, 2)) == 0
        assert await check(svc, at(20)) == 1  # one more working day (Friday 19): the Sekda
        assert await check(svc, at(21, 12)) == 0  # Saturday and Sunday do not count
        assert await check(svc, at(22, 8)) == 1  # the follow-up clock's last working day: its warning
        assert await check(svc, at(23)) == 2  # Monday 22 ends: the Wali Kota, and the follow-up clock breached
        case = await case_at(svc, "PORTAL-20", 5)
        assert (case["escalation_level"], case["escalated_to"]) == (3, "WALIKOTA")
        assert [t["note"] for t in case["timeline"]][1:] == [
            "Batas waktu penerusan ke OPD terlewati; dieskalasi ke KEPALA-DPUPR",
            "Batas waktu penerusan ke OPD terlewati; dieskalasi ke SEKDA",
            "Batas waktu tindak lanjut terlewati; dieskalasi ke KEPALA-DPUPR",
            "Batas waktu penerusan ke OPD terlewati; dieskalasi ke WALIKOTA"]
        breaches = {stage: svc.runtime.metrics.registry.get_sample_value(
            "palapa_sla_breaches_total", {"service": "complaint-svc", "opd": "DPUPR", "stage": stage})
            for stage in ("forward", "follow_up")}
        assert breaches == {"forward": 2, "follow_up": 1}  # this process's breaches, for the SlaBreaches alert
        # inside the run: the relay publishes what the checks staged (a stopped service publishes nothing)
        await eventually(lambda: len(sla_events()) == 6, timeout=60, what="six SLA events")
    assert sorted(sla_events()) == [
        ("SlaBreached", "follow_up", 1, "KEPALA-DPUPR"), ("SlaBreached", "forward", 1, "KEPALA-DPUPR"),
        ("SlaBreached", "forward", 2, "SEKDA"), ("SlaBreached", "forward", 3, "WALIKOTA"),
        ("SlaWarning", "follow_up", 0, None), ("SlaWarning", "forward", 0, None)]


async def test_a_city_closure_set_through_the_api_moves_the_deadlines_of_new_cases(service, producer):
    http = service.http
    assert (await http.put("/closures/2026-11-23", json={"reason": "Hari jadi kota"})).status_code == 401
    res = await http.put("/closures/2026-11-23", json={"reason": "Hari jadi kota"}, headers=DESK)
    assert res.status_code == 200
    assert (await http.get("/closures", headers=DESK)).json()["items"][0]["by"] == "budi.pengelola"
    assert (await http.get("/closures")).json()["items"][0]["by"] is None  # the day and why, not the officer
    assert (await http.put("/closures/2026-13-01", json={"reason": "xxx"}, headers=DESK)).status_code == 422
    await producer.send(portal("PORTAL-30"))  # Friday 08:30 WIB; Monday 23 is closed now
    case = await case_at(service, "PORTAL-30", 1)
    assert datetime.fromisoformat(case["forward_due_at"]).date().isoformat() == "2026-11-26"  # Tue, Wed, Thu
    assert (await http.delete("/closures/2026-11-23", headers=DESK)).json() == {"deleted": True}
    assert (await http.delete("/closures/2026-11-23", headers=DESK)).status_code == 404


async def test_control_characters_and_unknown_values_are_refused_with_a_reason_not_a_500(service, producer):
    await producer.send(portal("PORTAL-40"))
    await case_at(service, "PORTAL-40", 1)
    http = service.http
    for path, body in (("/complaints/PORTAL-40/status", {"status": "rejected", "note": "spam\u0000"}),
                       ("/complaints/PORTAL-40/status", {"status": "dispositioned", "opd": "DLH; DROP"}),
                       ("/complaints/PORTAL-40/status", {"status": "lost"}),
                       ("/complaints/PORTAL-40/category", {"category": "Sampah\u0085"}),
                       ("/complaints/PORTAL-40/rating", b'{"stars": 5, "comment": "\\ud800"}')):
        if isinstance(body, bytes):  # a lone surrogate, as JSON escapes can carry it
            res = await http.post(path, content=body, headers={**OPD, "Content-Type": "application/json"})
        else:
            res = await http.post(path, json=body, headers=OPD)
        assert res.status_code == 422 and res.json()["reason"] == "invalid_request", (path, body, res.text)
    res = await http.put("/routes", json={"category": "x\u0000", "opd": "DLH", "why": "uji"}, headers=DESK)
    assert res.status_code == 422
    res = await http.post("/complaints/PORTAL-40/status", json={"status": "duplicate", "duplicate_of": "PORTAL-40"},
                          headers=OPD)
    assert res.status_code == 409 and "another ticket" in res.json()["detail"]
    res = await http.post("/complaints/PORTAL-40/status", json={"status": "not_our_remit"}, headers=OPD)
    assert res.status_code == 409 and "who is responsible" in res.json()["detail"]
    res = await http.post("/complaints/PORTAL-40/status", headers=OPD,
                          json={"status": "not_our_remit", "responsible": "BPJN Jawa Timur (jalan nasional)"})
    assert res.status_code == 200 and res.json()["responsible"] == "BPJN Jawa Timur (jalan nasional)"
    assert res.json()["status_kind"] == "closed"
    res = await http.post("/complaints/PORTAL-404/status", json={"status": "verified"}, headers=OPD)
    assert res.status_code == 404

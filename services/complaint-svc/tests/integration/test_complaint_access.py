"""Staff scoped to their OPD on the real broker and PostgreSQL: refusals change nothing and are on the audit log."""

from datetime import UTC, datetime

import pytest

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintSubmitted
from palapa.testkit import eventually

pytestmark = pytest.mark.integration


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def submitted(service, producer, ticket: str, category: str) -> dict:
    event = ComplaintSubmitted(ticket=ticket, source_app="portal", source_ref=ticket, category=category,
                               description="Lampu mati", submitted_at=datetime.now(UTC), reporter_name="Joko Susilo")
    await producer.send(Envelope(event, source="/apps/portal", subject=ticket))

    async def there():
        res = await service.http.get(f"/complaints/{ticket}", headers=service.desk)
        return res.json() if res.status_code == 200 else None

    return await eventually(there, what=f"{ticket} received")


async def test_an_officer_cannot_move_another_opds_case_and_the_refusal_is_audited(service, producer,
                                                                                  identity_provider):
    case = await submitted(service, producer, "PORTAL-51", "Sampah")
    assert case["opd"] == "DLH"
    dishub = bearer(await identity_provider.token("dishub"))
    refused = await service.http.post("/complaints/PORTAL-51/status", json={"status": "verified"}, headers=dishub)
    assert (refused.status_code, refused.json()["reason"]) == (403, "wrong_opd")
    after = (await service.http.get("/complaints/PORTAL-51", headers=service.desk)).json()
    assert after["revision"] == case["revision"]  # no change
    desk = bearer(await identity_provider.token("desk"))
    log = (await service.http.get("/audit", params={"object_id": "PORTAL-51"}, headers=desk)).json()["items"]
    assert [(r["actor"], r["action"], r["why"], r["actor_opds"]) for r in log] == [
        ("petugas-dishub", "case.move.refused", "wrong_opd", ["DISHUB"])]


async def test_the_desk_reroutes_with_a_reason_on_the_audit_log_and_an_officer_sees_only_its_own(
        service, producer, identity_provider):
    await submitted(service, producer, "PORTAL-52", "Sampah")
    desk = bearer(await identity_provider.token("desk"))
    moved = await service.http.post("/complaints/PORTAL-52/status", headers=desk, json={
        "status": "dispositioned", "opd": "DISHUB", "note": "Sampah di jalur hijau lalu lintas"})
    assert moved.status_code == 200 and moved.json()["opd"] == "DISHUB"
    desks = (await service.http.get("/complaints/PORTAL-52", headers=desk)).json()
    assert desks["reporter"]["name"] == "Joko Susilo"  # the desk's view
    dishub = bearer(await identity_provider.token("dishub"))
    mine = (await service.http.get("/complaints/PORTAL-52", headers=dishub)).json()
    assert "reporter" not in mine and mine["description"] == "Lampu mati"  # the OPD's view: no identity
    listing = (await service.http.get("/complaints", headers=dishub)).json()["items"]
    assert [c["ticket"] for c in listing] == ["PORTAL-52"]
    other = await service.http.get("/complaints", params={"opd": "DLH"}, headers=dishub)
    assert (other.status_code, other.json()["reason"]) == (403, "wrong_opd")
    [record] = (await service.http.get("/audit", params={"object_id": "PORTAL-52"}, headers=desk)).json()["items"]
    assert (record["action"], record["before"]["opd"], record["after"]["opd"], record["why"]) == (
        "case.reroute", "DLH", "DISHUB", "Sampah di jalur hijau lalu lintas")


async def test_routing_and_closures_need_the_desk(service, identity_provider):
    dishub = bearer(await identity_provider.token("dishub"))
    refused = await service.http.put("/closures/2026-12-24", json={"reason": "Cuti"}, headers=dishub)
    assert (refused.status_code, refused.json()["reason"]) == (403, "role_missing")
    assert (await service.http.get("/closures")).json()["items"] == []


async def test_the_staff_queue_filters_by_category_and_kelurahan_and_orders_by_deadline(service, producer):
    await submitted(service, producer, "PORTAL-61", "Sampah")
    await submitted(service, producer, "PORTAL-62", "Lampu jalan")
    queue = await service.http.get("/complaints", params={"order": "deadline", "category": "lampu JALAN"},
                                   headers=service.desk)
    assert [c["ticket"] for c in queue.json()["items"]] == ["PORTAL-62"] and queue.json()["next_cursor"] is None
    both = (await service.http.get("/complaints", params={"order": "deadline"}, headers=service.desk)).json()
    dues = [c["due_at"] for c in both["items"]]
    assert len(dues) == 2 and dues == sorted(dues)  # the nearest deadline first
    one = {"order": "deadline", "limit": "1"}
    first = (await service.http.get("/complaints", params=one, headers=service.desk)).json()
    second = (await service.http.get("/complaints", params=one | {"cursor": first["next_cursor"]},
                                     headers=service.desk)).json()
    assert [c["ticket"] for c in first["items"] + second["items"]] == [c["ticket"] for c in both["items"]]
    assert second["next_cursor"] is None  # paged by (deadline, ticket): the next page starts after the last
    newest = await service.http.get("/complaints", params={"cursor": first["next_cursor"]}, headers=service.desk)
    assert (newest.status_code, newest.json()["reason"]) == (422, "invalid_cursor")  # a token of the other order
    nowhere = await service.http.get("/complaints", params={"kelurahan": "Tidak Ada"}, headers=service.desk)
    assert nowhere.json()["items"] == []
    for bad, reason in (({"order": "acak"}, "invalid_order"), ({"category": "x" * 101}, "invalid_category"),
                        ({"order": "deadline", "cursor": "eyJhdCI6IjIwMjYtMDEtMDFUMDA6MDA6MDArMDA6MDAiLCJ0IjoiQS0xIn0"},
                         "invalid_cursor")):
        refused = await service.http.get("/complaints", params=bad, headers=service.desk)
        assert (refused.status_code, refused.json()["reason"]) == (422, reason)
    view = (await service.http.get("/complaints/PORTAL-62", headers=service.desk)).json()
    assert "verified" in view["next_moves"] and "closed" not in view["next_moves"]


async def test_the_public_listings_place_filter_tells_nothing_of_an_anonymous_cases_place(service, producer):
    """The public listing hides an anonymous or confidential case's kelurahan; filtering by kelurahan must not tell
    it either (an attacker asking each kelurahan in turn would learn where every anonymous complaint is from)."""
    for ticket, confidentiality in (("PORTAL-71", "anonymous"), ("PORTAL-72", "confidential"), ("PORTAL-73", None)):
        event = ComplaintSubmitted(ticket=ticket, source_app="portal", source_ref=ticket, category="Sampah",
                                   description="Sampah menumpuk", submitted_at=datetime.now(UTC),
                                   kelurahan="Blooto", confidentiality=confidentiality)
        await producer.send(Envelope(event, source="/apps/portal", subject=ticket))

    async def all_there():
        res = await service.http.get("/complaints", params={"kelurahan": "Blooto"}, headers=service.desk)
        return res.json()["items"] if len(res.json()["items"]) == 3 else None

    assert sorted(c["ticket"] for c in await eventually(all_there, what="three cases in Blooto")) == [
        "PORTAL-71", "PORTAL-72", "PORTAL-73"]  # staff filter on every case's place
    public = (await service.http.get("/complaints", params={"kelurahan": "blooto"})).json()["items"]
    assert [(c["ticket"], c["kelurahan"]) for c in public] == [("PORTAL-73", "Blooto")]
    unfiltered = {c["ticket"]: c["kelurahan"] for c in (await service.http.get("/complaints")).json()["items"]}
    assert (unfiltered["PORTAL-71"], unfiltered["PORTAL-72"]) == (None, None)  # listed, without a place

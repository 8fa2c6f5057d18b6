"""A PSC 119 incident claimed by the phone it was called from, on the real broker and PostgreSQL: offered to the
phone account of the caller's number only, bound on request (CaseFollowed, so it moves live in Kasus saya), audited;
another number, an unknown ticket, another owner and a stranger are refused and learn nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import AmbulanceDispatched, IncidentReported
from palapa.contracts.phone import account_of, hash_of_account
from palapa.contracts.topics import CITIZEN_CASES
from palapa.testkit import eventually, running
from palapa.tracking.main import create_app
from palapa.tracking.settings import TrackingSettings

from .conftest import Tracking

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
KEY = b"the-gate-account-secret-in-tests"
CALLER = account_of("+6281234567001", KEY)
NEIGHBOUR = account_of("+6281234567002", KEY)


@pytest.fixture
async def service(kafka_bootstrap, database_url, topic_reader, issuer):
    settings = TrackingSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url,
                                KAFKA_PROFILE="tansu", CITIZEN_ISSUER=issuer.url)
    async with running(create_app(settings), name="tracking-svc") as svc:
        yield Tracking(svc, topic_reader)


def reported(ticket: str, caller: str | None) -> Envelope:
    event = IncidentReported(ticket=ticket, source_app="psc-119", source_ref=ticket.split("-")[-1], kind="persalinan",
                             kelurahan="Kranggan", kecamatan="Prajurit Kulon", reported_at=T0,
                             caller_phone_hash=hash_of_account(caller) if caller else None)
    return Envelope(event, source="/apps/psc-119", subject=ticket)


async def claimable(service, headers) -> list[str]:
    res = await service.http.get("/citizen/incidents/claimable", headers=headers)
    assert res.status_code == 200, res.text
    return [i["ticket"] for i in res.json()["items"]]


async def test_the_caller_finds_and_claims_the_incident_and_it_follows_them_live(service, producer, issuer,
                                                                                 topic_reader):
    ticket = "PSC119-77001"
    await producer.send(reported(ticket, CALLER))
    await producer.send(reported("PSC119-77002", None))  # a landline: nobody's to claim
    caller, neighbour = issuer.headers(CALLER), issuer.headers(NEIGHBOUR)
    await eventually(lambda: _listed(claimable(service, caller), ticket), what="the incident offered to its caller")
    assert await claimable(service, neighbour) == []
    assert "phone_hash" not in (await service.http.get("/citizen/incidents/claimable", headers=caller)).text

    for who in (neighbour, issuer.headers("inapas-" + "a" * 32)):
        refused = await service.http.post(f"/citizen/incidents/{ticket}/claim-by-phone", headers=who)
        assert refused.status_code in (403, 404), refused.text
    unknown = await service.http.post("/citizen/incidents/PSC119-99999/claim-by-phone", headers=caller)
    other = await service.http.post(f"/citizen/incidents/{ticket}/claim-by-phone", headers=neighbour)
    assert unknown.status_code == other.status_code == 404 and unknown.json() == other.json()
    assert (await service.http.post(f"/citizen/incidents/{ticket}/claim-by-phone")).status_code == 401

    res = await service.http.post(f"/citizen/incidents/{ticket}/claim-by-phone", headers=caller)
    assert res.status_code == 200, res.text
    followed = await eventually(lambda: [r.envelope.data for r in topic_reader.of(CITIZEN_CASES)
                                         if r.envelope.data.ticket == ticket] or None, what="CaseFollowed")
    assert [(f.account, f.how.value) for f in followed] == [(CALLER, "claimed_by_phone")]
    assert await claimable(service, caller) == []
    mine = (await service.http.get("/citizen/incidents", headers=caller)).json()["items"]
    assert [(i["ticket"], i["status_label"]) for i in mine] == [(ticket, "Laporan diterima")]
    assert (await service.http.get("/citizen/letters", headers=caller)).json() == {"items": []}
    # once it is theirs, the incident is theirs alone: its record reads as unknown to anyone else
    assert (await service.http.get(f"/tickets/{ticket}", headers=neighbour)).status_code == 404
    assert (await service.http.get(f"/tickets/{ticket}")).status_code == 404
    assert (await service.http.get(f"/tickets/{ticket}", headers=caller)).status_code == 200

    # the incident moves on and stays theirs
    await producer.send(Envelope(AmbulanceDispatched(ticket=ticket, source_app="psc-119", source_ref="77001",
                                                     ambulance="AMB-03", dispatched_at=T0.replace(minute=5)),
                                 source="/apps/psc-119", subject=ticket))
    await eventually(lambda: _status(service, caller, ticket, "dispatched"), what="the dispatch on the owned incident")

    async with service.runtime.sessions() as s:
        audit = service.runtime.audit_log
        rows = (await s.execute(select(audit.c.actor, audit.c.action).where(audit.c.object_id == ticket)
                                .order_by(audit.c.id))).all()
    assert [tuple(r) for r in rows] == [(CALLER, "incident.claim_by_phone")]


async def test_a_second_account_with_the_callers_hash_is_told_it_is_taken_and_that_is_audited(service, producer,
                                                                                              issuer):
    ticket = "PSC119-77003"
    await producer.send(reported(ticket, CALLER))
    caller = issuer.headers(CALLER)
    await eventually(lambda: _listed(claimable(service, caller), ticket), what="the incident offered")
    async with service.runtime.transaction() as tx:  # someone else owns it already (e.g. the number changed hands)
        table = service.runtime.audit_log.metadata.tables["tracking.tickets"]
        await tx.session.execute(table.update().where(table.c.ticket == ticket).values(owner="warga-" + "1" * 32))
    res = await service.http.post(f"/citizen/incidents/{ticket}/claim-by-phone", headers=caller)
    assert (res.status_code, res.json()["reason"]) == (409, "claimed_by_another")
    async with service.runtime.sessions() as s:
        audit = service.runtime.audit_log
        actions = (await s.execute(select(audit.c.action).where(audit.c.object_id == ticket))).scalars().all()
    assert actions == ["incident.claim_by_phone.refused"]


async def _listed(found, ticket):
    return ticket in await found or None


async def _status(service, headers, ticket, status):
    items = (await service.http.get("/citizen/incidents", headers=headers)).json()["items"]
    return any(i["ticket"] == ticket and i["status"] == status for i in items) or None

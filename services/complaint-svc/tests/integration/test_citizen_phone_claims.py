"""A legacy case claimed by the phone it was filed with, on the real broker and PostgreSQL: the bridge's
ComplaintSubmitted carries the keyed hash of the number (never the number); the phone account made of that hash sees
the case as claimable and binds it; no other account lists or claims it. The citizen comes as a token of the gate's
shape (X-Citizen-Token, the testkit's CitizenIssuer)."""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from palapa.complaint.tables import case_keys, cases
from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintSubmitted
from palapa.contracts.phone import account_of
from palapa.kit.signing import generate
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

KEY = b"the gate's account secret"
SITI, BUDI = "+6281234567890", "+6285712345678"


@pytest.fixture
def svc(citizen_svc):
    return citizen_svc


async def bridged(svc, producer, phone: str | None) -> str:
    """A Curhat complaint as bridge-curhat sends it (the number's keyed hash only); its ticket once opened."""
    ticket = f"CURHAT-{secrets.randbelow(10**12) + 1}"
    event = ComplaintSubmitted(
        ticket=ticket, source_app="curhat-ning-ita", source_ref=ticket.split("-")[1], category="Jalan Rusak",
        description="Jalan berlubang di depan SDN Kranggan 2", reporter_name="Siti Aminah",
        reporter_phone_hash=account_of(phone, KEY).removeprefix("warga-") if phone else None,
        submitted_at=datetime.now(UTC))
    await producer.send(Envelope(event, source="/apps/curhat-ning-ita", subject=ticket))

    async def opened():
        async with svc.runtime.sessions() as s:
            return await s.scalar(select(cases.c.ticket).where(cases.c.ticket == ticket))

    await eventually(opened, what=f"{ticket} opened")
    return ticket


def citizen(issuer, phone: str) -> dict[str, str]:
    return issuer.headers(account_of(phone, KEY))


async def tickets(svc, path: str, headers) -> list[str]:
    res = await svc.http.get(path, headers=headers)
    assert res.status_code == 200, res.text
    assert res.headers["Cache-Control"] == "no-store"
    return [c["ticket"] for c in res.json()["items"]]


async def test_the_citizen_whose_number_filed_a_case_sees_it_claims_it_and_then_owns_it(svc, producer, issuer):
    ticket = await bridged(svc, producer, SITI)
    siti = citizen(issuer, SITI)
    res = await svc.http.get("/citizen/complaints/claimable", headers=siti)
    [item] = [c for c in res.json()["items"] if c["ticket"] == ticket]
    assert item["source_app"] == "curhat-ning-ita" and item["status"] == "received"
    assert "phone" not in res.text and SITI not in res.text and "hash" not in res.text
    claimed = await svc.http.post(f"/citizen/complaints/{ticket}/claim-by-phone", headers=siti)
    assert (claimed.status_code, claimed.json()) == (200, {"ticket": ticket})
    assert ticket in await tickets(svc, "/citizen/complaints", siti)
    assert ticket not in await tickets(svc, "/citizen/complaints/claimable", siti)  # it is theirs, not on offer
    again = await svc.http.post(f"/citizen/complaints/{ticket}/claim-by-phone", headers=siti)
    assert again.status_code == 200  # already theirs
    read = await svc.http.get(f"/complaints/{ticket}", headers=siti)  # the owner reads it with the token alone
    assert read.status_code == 200 and read.json()["ticket"] == ticket
    audit = svc.runtime.audit_log
    async with svc.runtime.sessions() as s:
        rows = (await s.execute(select(audit.c.actor, audit.c.action).where(audit.c.object_id == ticket))).all()
    assert [tuple(r) for r in rows] == [(account_of(SITI, KEY), "complaint.claim_by_phone")] * 2


async def test_another_citizen_never_lists_or_claims_it_and_reads_nothing(svc, producer, issuer):
    ticket = await bridged(svc, producer, SITI)
    budi = citizen(issuer, BUDI)
    assert ticket not in await tickets(svc, "/citizen/complaints/claimable", budi)
    refused = await svc.http.post(f"/citizen/complaints/{ticket}/claim-by-phone", headers=budi)
    assert (refused.status_code, refused.json()["reason"]) == (404, "not_claimable")
    unknown = await svc.http.post("/citizen/complaints/CURHAT-999999999999999/claim-by-phone", headers=budi)
    assert (unknown.status_code, unknown.json()) == (404, refused.json())  # unknown or not theirs: one answer
    assert (await svc.http.get(f"/complaints/{ticket}", headers=budi)).status_code in (401, 403, 404)
    assert ticket in await tickets(svc, "/citizen/complaints/claimable", citizen(issuer, SITI))  # still on offer


async def test_a_case_owned_elsewhere_answers_409_to_its_numbers_account(svc, producer, issuer):
    ticket = await bridged(svc, producer, SITI)
    async with svc.runtime.transaction() as tx:  # bound by its PIN to another account before the phone claim
        await tx.session.execute(case_keys.insert().values(ticket=ticket, capability_hash="c" * 64, pin_hash="p" * 64,
                                                           pin_salt="s" * 32, owner="warga-" + "0" * 32,
                                                           created_at=datetime.now(UTC)))
    siti = citizen(issuer, SITI)
    assert ticket not in await tickets(svc, "/citizen/complaints/claimable", siti)
    taken = await svc.http.post(f"/citizen/complaints/{ticket}/claim-by-phone", headers=siti)
    assert (taken.status_code, taken.json()["reason"]) == (409, "claimed_by_another")
    assert ticket not in await tickets(svc, "/citizen/complaints", siti)


async def test_no_number_no_phone_account_no_token_or_a_forged_one_claims_nothing(svc, producer, issuer):
    nobody = await bridged(svc, producer, None)
    siti = citizen(issuer, SITI)
    refused = await svc.http.post(f"/citizen/complaints/{nobody}/claim-by-phone", headers=siti)
    assert (refused.status_code, refused.json()["reason"]) == (404, "not_claimable")
    ticket = await bridged(svc, producer, SITI)
    inapas = issuer.headers("inapas-" + account_of(SITI, KEY).removeprefix("warga-"))
    assert await tickets(svc, "/citizen/complaints/claimable", inapas) == []
    other = await svc.http.post(f"/citizen/complaints/{ticket}/claim-by-phone", headers=inapas)
    assert (other.status_code, other.json()["reason"]) == (403, "phone_account_required")
    now = int(time.time())
    for reason, headers in {
        "citizen_required": {},
        "citizen_bad_signature": issuer.headers(account_of(SITI, KEY), key=generate(issuer.key.kid)),
        "citizen_token_expired": issuer.headers(account_of(SITI, KEY), iat=now - 7200, exp=now - 3600),
        "citizen_wrong_audience": issuer.headers(account_of(SITI, KEY), aud="palapa"),
    }.items():
        for res in (await svc.http.get("/citizen/complaints/claimable", headers=headers),
                    await svc.http.post(f"/citizen/complaints/{ticket}/claim-by-phone", headers=headers)):
            assert (res.status_code, res.json()["reason"]) == (401, reason)
    malformed = await svc.http.post("/citizen/complaints/curhat%201/claim-by-phone", headers=siti)
    assert (malformed.status_code, malformed.json()["reason"]) == (422, "malformed_ticket")
    assert ticket in await tickets(svc, "/citizen/complaints/claimable", siti)  # nothing above bound it

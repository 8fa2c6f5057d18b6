"""A signed-in citizen's own cases on the real broker and PostgreSQL: filed while signed in, or claimed by ticket +
PIN; listed for their account only. The citizen comes as a token of the gate's shape (X-Citizen-Token), signed by the
testkit's CitizenIssuer (discovery + JWKS over HTTP, as gate-svc serves them); gate-svc itself is in tests/e2e."""

from __future__ import annotations

import time
import uuid

import pytest

from palapa.complaint.cases import keys
from palapa.contracts.topics import CITIZEN_CASES
from palapa.kit.signing import generate
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

FORM = {"kategori": "jalan-rusak", "uraian": "Lubang besar di depan SDN Kranggan 2, membahayakan pengendara",
        "kelurahan": "Kranggan", "anonim": True}


@pytest.fixture
def http(citizen_svc):
    return citizen_svc.http


async def file(http, headers: dict[str, str] | None = None) -> dict:
    res = await http.post("/complaints", json=FORM, headers={"Idempotency-Key": str(uuid.uuid4()), **(headers or {})})
    assert res.status_code == 201, res.text
    return res.json()


async def mine(http, headers) -> list[str]:
    res = await http.get("/citizen/complaints", headers=headers)
    assert res.status_code == 200, res.text
    return [c["ticket"] for c in res.json()["items"]]


async def test_a_case_filed_while_signed_in_is_the_citizens_and_no_one_elses(http, issuer):
    siti, budi = issuer.headers("warga-siti"), issuer.headers("warga-budi")
    filed = await file(http, siti)
    assert filed["ticket"] in await mine(http, siti) and filed["ticket"] not in await mine(http, budi)
    read = await http.get(f"/complaints/{filed['ticket']}", headers=siti)  # the owner reads without the link
    assert read.status_code in (200, 404), read.text  # 404 only until the intake opens the case
    other = await http.get(f"/complaints/{filed['ticket']}", headers=budi)
    assert (other.status_code, other.json()["reason"]) == (403, "wrong_key")


async def test_a_claim_binds_a_case_by_its_pin_once_and_never_to_a_second_account(http, issuer):
    siti, budi = issuer.headers("warga-siti"), issuer.headers("warga-budi")
    filed = await file(http)
    claimed = await http.post(f"/citizen/complaints/{filed['ticket']}/claim", json={"pin": filed["pin"]},
                              headers=siti)
    assert claimed.status_code == 200 and filed["ticket"] in await mine(http, siti)
    again = await http.post(f"/citizen/complaints/{filed['ticket']}/claim", json={"pin": filed["pin"]}, headers=siti)
    assert again.status_code == 200  # already theirs
    taken = await http.post(f"/citizen/complaints/{filed['ticket']}/claim", json={"pin": filed["pin"]}, headers=budi)
    assert (taken.status_code, taken.json()["reason"]) == (409, "claimed_by_another")
    assert filed["ticket"] not in await mine(http, budi)


async def test_guessing_pins_by_claim_locks_the_ticket_and_an_unknown_ticket_answers_the_same(http, issuer):
    budi = issuer.headers("warga-budi")
    filed = await file(http)
    wrong = f"{(int(filed['pin']) + 1) % 1_000_000:06d}"
    url = f"/citizen/complaints/{filed['ticket']}/claim"
    for _ in range(keys.MAX_PIN_TRIES - 1):
        res = await http.post(url, json={"pin": wrong}, headers=budi)
        assert (res.status_code, res.json()["reason"]) == (403, "wrong_pin")
    unknown = await http.post("/citizen/complaints/LAPOR-AAAA-BBBB-CCCC-DDDD/claim", json={"pin": wrong},
                              headers=budi)
    assert (unknown.status_code, unknown.json()) == (403, res.json())
    locked = await http.post(url, json={"pin": wrong}, headers=budi)
    assert (locked.status_code, locked.json()["reason"]) == (429, "pin_locked") and "Retry-After" in locked.headers
    right = await http.post(url, json={"pin": filed["pin"]}, headers=budi)
    assert right.status_code == 429 and filed["ticket"] not in await mine(http, budi)
    exchange = await http.post(f"/complaints/{filed['ticket']}/access", json={"pin": filed["pin"]})
    assert exchange.status_code == 429  # one lock, whichever route the guesses came by


async def test_a_forged_expired_or_foreign_citizen_token_is_refused_and_files_nothing(http, issuer):
    now = int(time.time())
    refused = {
        "citizen_bad_signature": issuer.headers("warga-siti", key=generate(issuer.key.kid)),
        "citizen_token_expired": issuer.headers("warga-siti", iat=now - 7200, exp=now - 3600),
        "citizen_wrong_audience": issuer.headers("warga-siti", aud="palapa"),
        "citizen_wrong_issuer": issuer.headers("warga-siti", iss="https://gerbang-palsu.example"),
    }
    for reason, headers in refused.items():
        listing = await http.get("/citizen/complaints", headers=headers)
        assert (listing.status_code, listing.json()["reason"]) == (401, reason)
        filing = await http.post("/complaints", json=FORM, headers={"Idempotency-Key": str(uuid.uuid4()), **headers})
        assert (filing.status_code, filing.json()["reason"]) == (401, reason)
    missing = await http.get("/citizen/complaints")
    assert (missing.status_code, missing.json()["reason"]) == (401, "citizen_required")
    claim = await http.post("/citizen/complaints/LAPOR-AAAA-BBBB-CCCC-DDDD/claim", json={"pin": "123456"})
    assert (claim.status_code, claim.json()["reason"]) == (401, "citizen_required")


async def test_notify_svc_is_told_who_follows_a_case_filed_signed_in_or_claimed_and_never_of_a_refused_claim(
        http, issuer, topic_reader):
    siti, budi = issuer.headers("warga-siti-follows"), issuer.headers("warga-budi-follows")
    filed_signed_in = await file(http, siti)
    filed = await file(http)
    assert (await http.post(f"/citizen/complaints/{filed['ticket']}/claim", json={"pin": filed["pin"]},
                            headers=siti)).status_code == 200
    assert (await http.post(f"/citizen/complaints/{filed['ticket']}/claim", json={"pin": filed["pin"]},
                            headers=budi)).status_code == 409

    def follows():
        seen = {(r.envelope.data.ticket, r.envelope.data.account, r.envelope.data.how.value)
                for r in topic_reader.of(CITIZEN_CASES)}
        wanted = {(filed_signed_in["ticket"], "warga-siti-follows", "filed"),
                  (filed["ticket"], "warga-siti-follows", "claimed")}
        return seen if wanted <= seen else None

    seen = await eventually(follows, what="CaseFollowed of the filed and the claimed case")
    assert not any(account == "warga-budi-follows" for _, account, _ in seen)

"""A citizen's letter requested at the gate, on the real broker and PostgreSQL: the ticket is theirs at once, the
command to Si Makel carries the applicant sealed, and Si Makel's answers (filed, refused, its own status moves)
arrive on that ticket. The citizen token comes from the testkit's issuer, as gate-svc's would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import LetterLinked, LetterRefused, ServiceRequestStatusChanged, ServiceRequestSubmitted
from palapa.contracts.topics import CITIZEN_CASES, SIMAKEL_COMMANDS
from palapa.kit.sealed import Sealer
from palapa.testkit import eventually, running
from palapa.tracking.letters_api import SEAL_PURPOSE
from palapa.tracking.main import create_app
from palapa.tracking.settings import TrackingSettings

from .conftest import Tracking, staff_of

pytestmark = pytest.mark.integration

SIMAKEL = "/apps/si-makel"
FORM = {"letter_type": "SKD", "letter_label": "Surat Keterangan Domisili", "kelurahan": "Kranggan",
        "kecamatan": "Kranggan", "purpose": "Syarat membuka rekening", "name": "Siti Aminah",
        "nik": "3576014101900001", "phone": "0812 3456 7890"}


@pytest.fixture
async def service(kafka_bootstrap, database_url, topic_reader, issuer, identity_provider):
    settings = TrackingSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url,
                                KAFKA_PROFILE="tansu", CITIZEN_ISSUER=issuer.url, OIDC_ISSUER=identity_provider.issuer)
    async with running(create_app(settings), name="tracking-svc") as svc:
        yield Tracking(svc, topic_reader, await staff_of(identity_provider))


def from_simakel(event) -> Envelope:
    return Envelope(event, source=SIMAKEL, subject=event.ticket)


async def letter_at(service, headers, ticket, revision):
    async def check():
        res = await service.http.get(f"/citizen/letters/{ticket}", headers=headers)
        return res.json() if res.status_code == 200 and res.json()["revision"] >= revision else None

    return await eventually(check, what=f"{ticket} at revision {revision}")


async def test_a_requested_letter_is_the_citizens_at_once_and_its_command_carries_the_applicant_sealed(
        service, issuer, topic_reader):
    siti = issuer.headers("warga-siti-letters")
    res = await service.http.post("/citizen/letters", json=FORM, headers=siti)
    assert res.status_code == 201, res.text
    letter = res.json()
    ticket = letter["ticket"]
    assert ticket.startswith("SURAT-") and len(ticket) == 26
    assert (letter["status"], letter["waiting_for_legacy"], letter["legacy_ticket"]) == ("submitted", True, None)
    assert (letter["title"], letter["place"]) == ("Surat Keterangan Domisili", "Kelurahan Kranggan, Kecamatan Kranggan")

    commands = await eventually(lambda: [r.envelope for r in topic_reader.of(SIMAKEL_COMMANDS)
                                         if r.envelope.subject == ticket] or None, what="RequestLetter")
    command = commands[0].data
    assert (command.letter_type, command.kelurahan, command.purpose) == ("SKD", "Kranggan", "Syarat membuka rekening")
    raw = commands[0].data.model_dump_json()
    assert "3576014101900001" not in raw and "Siti" not in raw and "3456" not in raw
    opened = Sealer("palapa-dev-simakel-applicants", SEAL_PURPOSE).open(ticket, command.applicant)
    assert opened == {"nama": "Siti Aminah", "nik": "3576014101900001", "telepon": "081234567890"}

    followed = await eventually(lambda: [r.envelope.data for r in topic_reader.of(CITIZEN_CASES)
                                         if r.envelope.data.ticket == ticket] or None, what="CaseFollowed")
    assert [(f.account, f.how.value) for f in followed] == [("warga-siti-letters", "requested")]

    listed = (await service.http.get("/citizen/letters", headers=siti)).json()["items"]
    assert [i["ticket"] for i in listed] == [ticket]
    budi = issuer.headers("warga-budi-letters")
    assert (await service.http.get("/citizen/letters", headers=budi)).json() == {"items": []}
    for who in (budi, {}):  # another citizen, or nobody, reads it as unknown
        assert (await service.http.get(f"/tickets/{ticket}", headers=who)).status_code == 404
    assert (await service.http.get(f"/citizen/letters/{ticket}", headers=budi)).status_code == 404
    assert (await service.http.get(f"/citizen/letters/{ticket}")).json()["reason"] == "citizen_required"
    assert (await service.http.get(f"/tickets/{ticket}", headers=siti)).status_code == 200


@pytest.mark.parametrize(("field", "value"), [("nik", "12345"), ("letter_type", "skd; drop"), ("name", "   "),
                                              ("phone", "call me"), ("kelurahan", "")])
async def test_a_malformed_request_is_refused_with_its_reason_and_sends_nothing(service, issuer, field, value):
    res = await service.http.post("/citizen/letters", json={**FORM, field: value},
                                  headers=issuer.headers("warga-form-errors"))
    assert res.status_code == 422, res.text
    assert (await service.http.get("/citizen/letters", headers=issuer.headers("warga-form-errors"))).json() == {
        "items": []}
    assert (await service.http.post("/citizen/letters", json=FORM)).status_code == 401


async def test_si_makel_files_it_and_its_own_moves_reach_the_citizens_ticket_even_when_seen_before_the_link(
        service, issuer, producer):
    siti = issuer.headers("warga-siti-linked")
    ticket = (await service.http.post("/citizen/letters", json=FORM, headers=siti)).json()["ticket"]
    t0 = datetime.now(UTC)
    legacy = "SIMAKEL-91001"
    # the bridge's poll saw the new row before its answer was read: a ticket of Si Makel's own first
    await producer.send(from_simakel(ServiceRequestSubmitted(
        ticket=legacy, source_app="si-makel", source_ref="91001", letter_type="SKD",
        letter_label="Surat Keterangan Domisili", kelurahan="Kranggan", kecamatan="Kranggan", submitted_at=t0)))
    await producer.send(from_simakel(ServiceRequestStatusChanged(
        ticket=legacy, source_app="si-makel", source_ref="91001", status="verified",
        changed_at=t0 + timedelta(minutes=1))))
    await eventually(lambda: _public(service, legacy, 2), what=f"{legacy} tracked on its own")
    linked = LetterLinked(ticket=ticket, source_app="si-makel", source_ref="91001", legacy_ticket=legacy,
                          linked_at=t0 + timedelta(seconds=2))
    await producer.send(from_simakel(linked))
    await producer.send(from_simakel(linked))  # a redelivery (a new event id): changes nothing
    view = await letter_at(service, siti, ticket, 2)
    assert (view["legacy_ticket"], view["waiting_for_legacy"], view["status"]) == (legacy, False, "verified")
    # folded into the citizen's ticket: even staff find no SIMAKEL-n of its own
    assert (await service.http.get(f"/tickets/{legacy}", headers=service.staff)).status_code == 404

    await producer.send(from_simakel(ServiceRequestStatusChanged(
        ticket=legacy, source_app="si-makel", source_ref="91001", status="ready", legacy_status="3",
        changed_at=t0 + timedelta(hours=3))))
    view = await letter_at(service, siti, ticket, 3)
    assert [s["status"] for s in view["timeline"]] == ["submitted", "verified", "ready"]
    assert view["status_label"] == "Siap diambil"
    await eventually(lambda: service.revisions(ticket) == [1, 2, 3], what="TicketUpdated 1, 2, 3 of the letter")


async def test_a_refusal_by_si_makel_shows_on_the_ticket_with_its_reason(service, issuer, producer):
    siti = issuer.headers("warga-siti-refused")
    ticket = (await service.http.post("/citizen/letters", json=FORM, headers=siti)).json()["ticket"]
    await producer.send(from_simakel(LetterRefused(ticket=ticket, source_app="si-makel",
                                                   reason="NIK bukan penduduk Kota Mojokerto",
                                                   refused_at=datetime.now(UTC))))
    view = await letter_at(service, siti, ticket, 2)
    assert (view["status"], view["status_label"], view["waiting_for_legacy"]) == ("rejected", "Ditolak", False)
    assert (view["timeline"][-1]["label"], view["timeline"][-1]["note"]) == (
        "Ditolak oleh Si Makel", "Alasan: NIK bukan penduduk Kota Mojokerto")


async def _public(service: Tracking, ticket: str, revision: int):
    res = await service.http.get(f"/tickets/{ticket}", headers=service.staff)
    return res.status_code == 200 and res.json()["revision"] >= revision

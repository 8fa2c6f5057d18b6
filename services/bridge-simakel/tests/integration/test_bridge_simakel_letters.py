"""Letters requested at the gate, filed in Si Makel by the bridge: once, whatever is redelivered; kept while Si Makel
is away; refused with Si Makel's own reason; the applicant's data in Si Makel only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import LetterLinked, LetterRefused, RequestLetter
from palapa.contracts.topics import BRIDGE_QUARANTINE, SERVICE_REQUESTS
from palapa.kit.sealed import Sealer
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

TRACKING = "/services/tracking-svc"
APPLICANT = {"nama": "Siti Aminah", "nik": "3576014101900001", "telepon": "081234567890"}


def command(ticket: str, applicant=None, kelurahan="Kranggan") -> Envelope:
    sealed = Sealer("palapa-dev-simakel-applicants", "simakel.applicant").seal(ticket, applicant or APPLICANT)
    cmd = RequestLetter(ticket=ticket, letter_type="SKD", kelurahan=kelurahan, kecamatan=None,
                        purpose="Syarat membuka rekening", applicant=sealed, requested_at=datetime.now(UTC))
    return Envelope(cmd, source=TRACKING, subject=ticket)


def answers(topic_reader, ticket: str) -> list:
    return [r.envelope.data for r in topic_reader.of(SERVICE_REQUESTS)
            if isinstance(r.envelope.data, LetterLinked | LetterRefused) and r.envelope.data.ticket == ticket]


def filed(simakel, ticket: str) -> list:
    return [r for r in simakel.requests.values() if r.no_referensi == ticket]


async def test_a_letter_is_filed_once_and_linked_whatever_is_redelivered(simakel, make_bridge, producer,
                                                                       topic_reader):
    await make_bridge(simakel.url)
    ticket = "SURAT-AAAABBBBCCCCDDDDEEEE"
    first = command(ticket)
    for envelope in (first, first, command(ticket)):  # the same event twice, then the same request anew
        await producer.send(envelope)
    linked = await eventually(lambda: answers(topic_reader, ticket) or None, what="LetterLinked")
    [request] = filed(simakel, ticket)
    assert (request.nik, request.nama, request.kelurahan, request.kecamatan, request.kode_surat, request.status) == (
        "3576014101900001", "Siti Aminah", "Kranggan", "Kranggan", "SKD", "0")
    assert (linked[0].source_ref, linked[0].legacy_ticket) == (str(request.id), f"SIMAKEL-{request.id}")
    await eventually(lambda: len(answers(topic_reader, ticket)) == 2, what="the second request answered too")
    assert len(filed(simakel, ticket)) == 1 and {a.legacy_ticket for a in answers(topic_reader, ticket)} == {
        f"SIMAKEL-{request.id}"}
    # the request itself then arrives as Si Makel's own, by the poll; nobody's identity on any topic
    await eventually(lambda: any(r.key == f"SIMAKEL-{request.id}" for r in topic_reader.of(SERVICE_REQUESTS)),
                     what="the filed request polled")
    for r in topic_reader.of(SERVICE_REQUESTS) + topic_reader.of(BRIDGE_QUARANTINE):
        assert "3576014101900001" not in r.envelope.data.model_dump_json()


async def test_nothing_is_lost_while_si_makel_is_away_and_a_refusal_comes_back_with_its_reason(
        simakel, make_bridge, producer, topic_reader):
    bridge = await make_bridge(simakel.url)
    simakel.down = True
    waiting, outsider = "SURAT-FFFFGGGGHHHHJJJJKKKK", "SURAT-LLLLMMMMNNNNPPPPQQQQ"
    await producer.send(command(waiting))
    await producer.send(command(outsider, {**APPLICANT, "nik": "3578014101900001"}))
    bad_place = "SURAT-RRRRSSSSTTTTUUUUVVVV"
    await producer.send(command(bad_place, kelurahan="Atlantis"))
    # nothing is answered, nothing is filed, while the app is away (its poll sees it away too)
    await eventually(lambda: not bridge.stats.legacy_reachable, what="Si Makel seen away")
    assert answers(topic_reader, waiting) == [] and filed(simakel, waiting) == []
    simakel.down = False
    linked = await eventually(lambda: answers(topic_reader, waiting) or None, what="filed once Si Makel is back")
    assert isinstance(linked[0], LetterLinked) and len(filed(simakel, waiting)) == 1
    refused = await eventually(lambda: answers(topic_reader, outsider) or None, what="the refusal")
    assert isinstance(refused[0], LetterRefused) and refused[0].reason == "NIK bukan penduduk Kota Mojokerto"
    place = await eventually(lambda: answers(topic_reader, bad_place) or None, what="the refusal of a place")
    assert place[0].reason == "Kelurahan tidak terdaftar di Kota Mojokerto"
    assert filed(simakel, outsider) == [] and filed(simakel, bad_place) == []


async def test_an_applicant_sealed_for_another_ticket_is_dead_lettered_and_files_nothing(simakel, make_bridge,
                                                                                       producer, topic_reader):
    bridge = await make_bridge(simakel.url)
    ticket = "SURAT-WWWWXXXXYYYYZZZZ2222"
    moved = command("SURAT-3333444455556666777A").data.model_copy(update={"ticket": ticket})
    await producer.send(Envelope(moved, source=TRACKING, subject=ticket))
    good = "SURAT-88889999AAAABBBBCCCC"
    await producer.send(command(good))  # the stream goes on
    await eventually(lambda: answers(topic_reader, good) or None, what="the next command filed")
    table = bridge.runtime.dead_letters
    async with bridge.runtime.sessions() as s:
        reasons = list(await s.scalars(table.select().with_only_columns(table.c.reason)))
    assert any("does not open" in r for r in reasons) and filed(simakel, ticket) == []

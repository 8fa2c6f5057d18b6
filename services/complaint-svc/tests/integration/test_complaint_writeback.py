"""A portal complaint is sent to Curhat Ning Ita as a command, linked when the bridge answers, then moved by it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from palapa.complaint.identity import Keys
from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintLinked, ComplaintStatusChanged
from palapa.contracts.topics import CURHAT_COMMANDS
from palapa.kit.sealed import open_identity
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

FORM = {"kategori": "jalan-rusak", "uraian": "Lubang besar di depan SDN Kranggan 2, membahayakan pengendara",
        "kelurahan": "Kranggan", "anonim": False, "nama": "Siti Aminah", "telepon": "081234567890"}


async def test_a_portal_complaint_reaches_the_legacy_app_and_its_changes_come_back_to_the_same_ticket(
    service, producer, topic_reader
):
    res = await service.http.post("/complaints", json=FORM, headers={"Idempotency-Key": str(uuid.uuid4())})
    ticket = res.json()["ticket"]
    await eventually(lambda: topic_reader.of(CURHAT_COMMANDS), what="RecordComplaint on the command topic")
    [record] = topic_reader.of(CURHAT_COMMANDS)
    cmd = record.envelope.data
    assert (record.key, cmd.kelurahan, cmd.category) == (ticket, "Kranggan", "jalan rusak")
    assert b"Siti" not in record.value and b"0812" not in record.value  # the bytes on the topic
    opened = open_identity(Keys.development().writeback, ticket, cmd.reporter_sealed)
    assert (opened.name, opened.phone, opened.link) == ("Siti Aminah", "081234567890", None)

    now = datetime.now(UTC)
    await producer.send(Envelope(ComplaintLinked(ticket=ticket, source_app="curhat-ning-ita", source_ref="1042",
                                                 legacy_ticket="CURHAT-1042", linked_at=now),
                                 source="/apps/curhat-ning-ita", subject=ticket))
    await producer.send(Envelope(ComplaintStatusChanged(ticket=ticket, source_app="curhat-ning-ita", source_ref="1042",
                                                        status="in_progress", legacy_status="2", changed_at=now),
                                 source="/apps/curhat-ning-ita", subject=ticket))

    async def moved():
        case = (await service.http.get(f"/complaints/{ticket}", headers=service.desk)).json()
        return case if case.get("status") == "in_progress" else None

    case = await eventually(moved, what="the legacy app's change to move the portal case")
    assert case["recorded_in"] == "curhat-ning-ita"
    assert any(step["note"] == "Tercatat di curhat-ning-ita sebagai CURHAT-1042" for step in case["timeline"])
    assert len(topic_reader.of(CURHAT_COMMANDS)) == 1  # one command per complaint, not per change

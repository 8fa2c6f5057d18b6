"""The tests' topic reader: what arrived per topic, and never a bad record silently left out."""

from datetime import UTC, datetime

import pytest

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import BridgeHeartbeat
from palapa.contracts.topics import BRIDGE_HEARTBEATS, COMPLAINT_INTAKE
from palapa.testkit import eventually

pytestmark = pytest.mark.integration


async def test_reading_a_topic_that_carried_an_invalid_record_fails_with_the_reason(topic_reader, producer):
    beat = Envelope(
        BridgeHeartbeat(app_id="curhat-ning-ita", opd="DISKOMINFO", bridge="bridge-curhat", at=datetime.now(UTC)),
        source="/apps/curhat-ning-ita",
        subject="curhat-ning-ita",
    )
    await producer.send(beat)
    await producer.raw(COMPLAINT_INTAKE.name, b"CURHAT-1", b'{"ticket": 1}', {"ce_specversion": "1.0"})

    await eventually(lambda: topic_reader.unreadable[COMPLAINT_INTAKE.name], what="the invalid record read")
    with pytest.raises(AssertionError, match="missing CloudEvents headers"):
        topic_reader.of(COMPLAINT_INTAKE)
    await eventually(lambda: len(topic_reader.of(BRIDGE_HEARTBEATS)) == 1, what="the heartbeat, on another topic")
    assert topic_reader.of(BRIDGE_HEARTBEATS)[0].envelope.id == beat.id

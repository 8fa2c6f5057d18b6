"""bridge-curhat's AsyncAPI document, read without a broker or database: what it consumes and publishes."""

from palapa.bridge_curhat.main import create_app
from palapa.bridge_curhat.settings import BridgeCurhatSettings
from palapa.kit.asyncapi import summary
from palapa.testkit import asyncapi_document

# nothing connects: /asyncapi.json needs neither the broker nor the database
SETTINGS = BridgeCurhatSettings(
    legacy_database_url="postgresql+asyncpg://x@127.0.0.1:1/legacy",
    KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:1",
    DATABASE_URL="postgresql+asyncpg://x@127.0.0.1:1/x",
)


async def test_the_asyncapi_document_lists_what_bridge_curhat_consumes_and_publishes():
    doc = await asyncapi_document(create_app(SETTINGS))
    assert doc["asyncapi"] == "3.0.0"
    assert summary(doc) == {
        "send": {"palapa.complaints.intake.v1": ["ComplaintSubmitted", "ComplaintStatusChanged", "ComplaintLinked",
                                                 "ComplaintStatusChangedV2", "ComplaintMoveSuperseded",
                                                 "ComplaintSubmittedV2"],
                 "palapa.bridges.quarantine.v1": ["RowQuarantined"],
                 "palapa.bridges.heartbeats.v1": ["BridgeHeartbeat"],
                 "palapa.platform.deadletter.v1": ["EventDeadLettered"]},
        "receive": {"palapa.curhat.commands.v1": ["RecordComplaint", "SetComplaintStatus", "RecordComplaintV2"]},
    }

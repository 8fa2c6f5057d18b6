"""complaint-svc's AsyncAPI document, read without a broker or database: what it consumes and publishes."""

from palapa.complaint.main import create_app
from palapa.complaint.settings import ComplaintSettings
from palapa.kit.asyncapi import summary
from palapa.testkit import asyncapi_document

# nothing connects: /asyncapi.json needs neither the broker nor the database
SETTINGS = ComplaintSettings(KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:1", DATABASE_URL="postgresql+asyncpg://x@127.0.0.1:1/x")


async def test_the_asyncapi_document_lists_what_complaint_svc_consumes_and_publishes():
    doc = await asyncapi_document(create_app(SETTINGS))
    assert doc["asyncapi"] == "3.0.0"
    assert summary(doc) == {
        "receive": {"palapa.complaints.intake.v1": ["ComplaintSubmitted", "ComplaintStatusChanged", "ComplaintLinked",
                                                    "ComplaintStatusChangedV2", "ComplaintMoveSuperseded",
                                                    "ComplaintSubmittedV2"]},
        "send": {"palapa.complaints.updates.v1": ["ComplaintUpdated", "ComplaintUpdatedV2"],
                 "palapa.complaints.sla.v1": ["SlaWarning", "SlaBreached"],
                 "palapa.curhat.commands.v1": ["RecordComplaint", "SetComplaintStatus", "RecordComplaintV2"],
                 "palapa.platform.deadletter.v1": ["EventDeadLettered"]},
    }

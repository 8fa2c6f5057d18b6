"""notify-svc's AsyncAPI document, read without a broker or database: what it consumes and publishes."""

from palapa.kit.asyncapi import summary
from palapa.notify.main import create_app
from palapa.notify.settings import NotifySettings
from palapa.testkit import asyncapi_document

# nothing connects: /asyncapi.json needs neither the broker nor the database
SETTINGS = NotifySettings(KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:1", DATABASE_URL="postgresql+asyncpg://x@127.0.0.1:1/x")


async def test_the_asyncapi_document_lists_what_notify_svc_consumes_and_publishes():
    doc = await asyncapi_document(create_app(SETTINGS))
    assert doc["asyncapi"] == "3.0.0"
    assert summary(doc) == {
        "receive": {"palapa.complaints.updates.v1": ["ComplaintUpdated", "ComplaintUpdatedV2"],
                    "palapa.tickets.updates.v1": ["TicketUpdated"],
                    # messages (issue 19): the reporter's contact and first message, and the SLA clock for staff
                    "palapa.complaints.intake.v1": ["ComplaintSubmitted", "ComplaintStatusChanged", "ComplaintLinked",
                                                    "ComplaintStatusChangedV2", "ComplaintMoveSuperseded",
                                                    "ComplaintSubmittedV2"],
                    "palapa.complaints.sla.v1": ["SlaWarning", "SlaBreached"],
                    "palapa.tax.reminders.v1": ["TaxBillReminderDue"],
                    # a citizen's one stream (issue 20): which account follows which case
                    "palapa.citizen.cases.v1": ["CaseFollowed"],
                    # and the PBB bills a citizen follows, for that citizen's stream
                    "palapa.citizen.bills.v1": ["FollowedBillUpdated"]},
        "send": {"palapa.platform.deadletter.v1": ["EventDeadLettered"]},
    }

"""tracking-svc's AsyncAPI document, read without a broker or database: what it consumes and publishes."""

from palapa.kit.asyncapi import summary
from palapa.testkit import asyncapi_document
from palapa.tracking.main import create_app
from palapa.tracking.settings import TrackingSettings

# nothing connects: /asyncapi.json needs neither the broker nor the database
SETTINGS = TrackingSettings(KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:1", DATABASE_URL="postgresql+asyncpg://x@127.0.0.1:1/x")


async def test_the_asyncapi_document_lists_what_tracking_svc_consumes_and_publishes():
    doc = await asyncapi_document(create_app(SETTINGS))
    assert summary(doc) == {
        "receive": {
            "palapa.service_requests.v1": ["ServiceRequestSubmitted", "ServiceRequestStatusChanged",
                                           "LetterLinked", "LetterRefused"],
            "palapa.emergency.incidents.v1": ["IncidentReported", "AmbulanceDispatched", "PatientHandedOver",
                                              "IncidentClosed"],
        },
        "send": {"palapa.tickets.updates.v1": ["TicketUpdated"],
                 "palapa.simakel.commands.v1": ["RequestLetter"],
                 "palapa.platform.deadletter.v1": ["EventDeadLettered"]},
    }

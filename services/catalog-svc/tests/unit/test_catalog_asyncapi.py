"""catalog-svc's AsyncAPI document, read without a broker or database: what it consumes and publishes."""

from palapa.catalog.main import create_app
from palapa.catalog.settings import CatalogSettings
from palapa.kit.asyncapi import summary
from palapa.testkit import asyncapi_document

# nothing connects: /asyncapi.json needs neither the broker nor the database
SETTINGS = CatalogSettings(KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:1", DATABASE_URL="postgresql+asyncpg://x@127.0.0.1:1/x")


async def test_the_asyncapi_document_lists_what_catalog_svc_consumes_and_publishes():
    doc = await asyncapi_document(create_app(SETTINGS))
    assert doc["asyncapi"] == "3.0.0"
    assert summary(doc) == {
        "receive": {"palapa.bridges.heartbeats.v1": ["BridgeHeartbeat"],
                    "palapa.bridges.quarantine.v1": ["RowQuarantined"],
                    # each app's domain traffic keeps its entry live (traffic.py)
                    "palapa.complaints.intake.v1": ["ComplaintSubmitted", "ComplaintStatusChanged", "ComplaintLinked",
                                                    "ComplaintStatusChangedV2", "ComplaintMoveSuperseded",
                                                    "ComplaintSubmittedV2"],
                    "palapa.emergency.incidents.v1": ["IncidentReported", "AmbulanceDispatched", "PatientHandedOver",
                                                      "IncidentClosed"],
                    "palapa.tax.bills.v1": ["TaxBillIssued", "TaxBillChanged", "TaxBillPaid"],
                    "palapa.service_requests.v1": ["ServiceRequestSubmitted", "ServiceRequestStatusChanged",
                                                   "LetterLinked", "LetterRefused"],
                    "palapa.health.queues.v1": ["QueueTicketCalled"],
                    "palapa.transport.cameras.v1": ["CameraRegistered", "CameraWentOffline", "CameraCameOnline"]},
        "send": {"palapa.platform.deadletter.v1": ["EventDeadLettered"],
                 "palapa.catalog.apps.v1": ["AppRegistered", "AppChanged", "AppMarkedDormant", "AppRetired"]},
    }

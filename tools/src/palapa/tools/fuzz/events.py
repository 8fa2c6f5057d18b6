"""A valid event for every topic some service consumes (pure): the canaries, and what poison is made from.

`name` makes the event's ticket, NOP or app fresh. Canaries on topics whose effect is a per-app figure in the
catalog (heartbeats, quarantine counts, traffic) speak for apps no poison names, so a poison can never fake them.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from palapa.contracts.events import (
    STATUS_LABELS,
    BridgeHeartbeat,
    CameraRegistered,
    CaseFollowed,
    ComplaintStatus,
    ComplaintSubmittedV2,
    ComplaintUpdated,
    Event,
    FollowedBillUpdated,
    FollowedHow,
    IncidentReported,
    QueueTicketCalled,
    RecordComplaintV2,
    RequestStatus,
    RowQuarantined,
    ServiceRequestSubmitted,
    SlaBreached,
    SlaStage,
    SlaWarning,
    TaxBillIssued,
    TaxBillReminderDue,
    TicketKind,
    TicketStep,
    TicketUpdated,
    TimelineEntry,
)
from palapa.contracts.topics import (
    BRIDGE_HEARTBEATS,
    BRIDGE_QUARANTINE,
    CITIZEN_BILLS,
    CITIZEN_CASES,
    COMPLAINT_INTAKE,
    COMPLAINT_SLA,
    COMPLAINT_UPDATES,
    CURHAT_COMMANDS,
    EMERGENCY_INCIDENTS,
    HEALTH_QUEUES,
    SERVICE_REQUESTS,
    TAX_BILLS,
    TAX_REMINDERS,
    TICKET_UPDATES,
    TRANSPORT_CAMERAS,
    Topic,
)

SOURCE = "/apps/fuzz"  # an app source: the events are signed by the stack's tool key, trusted for any app
#: topics only certain producers may write (the consumer refuses anyone else): their events speak as one of them
SOURCES = {CITIZEN_CASES.name: "/services/tracking-svc", CITIZEN_BILLS.name: "/services/taxbill-svc"}
FUZZ_APP = "fuzz"
# canary app per catalog figure: heartbeats, quarantine counts, traffic on each traffic-only topic
HEARTBEAT_CANARY_APP = "psc-119"
QUARANTINE_CANARY_APP = "cek-pbb"
TRAFFIC_CANARY_APP = {HEALTH_QUEUES.name: "puskesmas-antrian", TRANSPORT_CAMERAS.name: "cctv"}
POISON_APP = "si-makel"  # what poison on those topics names instead
SLA_OPD = "FUZZ-SLA"  # the OPD of every SLA event: the fuzz command registers one recipient for it


def nop_of(name: str) -> str:
    """A fresh 18-digit NOP in Kota Mojokerto (3576…) for `name`."""
    return "3576" + str(int(hashlib.sha256(name.encode()).hexdigest(), 16))[:14].rjust(14, "0")


def source_of(topic: Topic) -> str:
    """The envelope source of the fuzz's events on `topic`."""
    return SOURCES.get(topic.name, SOURCE)


def _account(name: str) -> str:
    """A gate account nobody signs in as (a keyed hash's shape)."""
    return "warga-" + hashlib.sha256(name.encode()).hexdigest()[:32]


def valid_event(topic: Topic, name: str, at: datetime, canary: bool) -> Event:
    """A valid event for `topic`; KeyError for a topic no generator knows (a new consumed topic: add one)."""
    return GENERATORS[topic.name](name, at, canary)


def _intake(name: str, at: datetime, canary: bool) -> Event:
    return ComplaintSubmittedV2(ticket=f"FUZZ-{name}", source_app=FUZZ_APP, source_ref=name, category="PJU",
                                description=f"Lampu jalan mati ({name})", submitted_at=at)


def _updates(name: str, at: datetime, canary: bool) -> Event:
    status = ComplaintStatus.RECEIVED
    return ComplaintUpdated(
        ticket=f"FUZZ-{name}", revision=1, status=status, status_label=STATUS_LABELS[status], opd="DISPERKIM",
        source_app=FUZZ_APP, submitted_at=at, updated_at=at,
        timeline=(TimelineEntry(status=status, label=STATUS_LABELS[status], at=at),),
    )


def _ticket_updates(name: str, at: datetime, canary: bool) -> Event:
    step = TicketStep(status="submitted", label="Diajukan", at=at)
    return TicketUpdated(ticket=f"FUZZ-{name}", revision=1, kind=TicketKind.SERVICE_REQUEST, title="Surat Pengantar",
                         status="submitted", status_label="Diajukan", source_app=FUZZ_APP, opened_at=at,
                         updated_at=at, timeline=(step,))


def _service_requests(name: str, at: datetime, canary: bool) -> Event:
    return ServiceRequestSubmitted(ticket=f"FUZZ-{name}", source_app=FUZZ_APP, source_ref=name, letter_type="SP",
                                   letter_label="Surat Pengantar", kelurahan="Kranggan", kecamatan="Kranggan",
                                   status=RequestStatus.SUBMITTED, legacy_status="0", submitted_at=at)


def _incidents(name: str, at: datetime, canary: bool) -> Event:
    return IncidentReported(ticket=f"FUZZ-{name}", source_app=FUZZ_APP, source_ref=name, kind="kecelakaan",
                            kelurahan="Miji", reported_at=at)


def _tax_bills(name: str, at: datetime, canary: bool) -> Event:
    return TaxBillIssued(nop=nop_of(name), year=2026, amount_due=125_000, due_date=(at + timedelta(days=90)).date(),
                         source_app="cek-pbb", issued_at=at)


def _sla(name: str, at: datetime, canary: bool) -> Event:
    """A warning for a canary (it reaches the OPD's recipient: a message notify-svc lists for the ticket); poison is
    made from a warning or a breach at one of the three levels."""
    due, level = at + timedelta(hours=2), int(hashlib.sha256(name.encode()).hexdigest(), 16) % 4
    if canary or level == 0:
        return SlaWarning(ticket=f"FUZZ-{name}", opd=SLA_OPD, stage=SlaStage.FOLLOW_UP, due_at=due, at=at)
    return SlaBreached(ticket=f"FUZZ-{name}", opd=SLA_OPD, stage=SlaStage.FOLLOW_UP, due_at=due, level=level,
                       escalated_to=("opd", "sekda", "wali-kota")[level - 1], at=at)


def _commands(name: str, at: datetime, canary: bool) -> Event:
    return RecordComplaintV2(ticket=f"FUZZ-{name}", category="PJU", description=f"Lampu jalan mati ({name})",
                             kelurahan="Miji", submitted_at=at)


def _tax_reminders(name: str, at: datetime, canary: bool) -> Event:
    """A reminder for a follower whose phone notify-svc does not know: its effect is counted, nothing is sent."""
    account = _account(name)
    return TaxBillReminderDue(nop=nop_of(name), year=2026, amount_due=125_000, due_date=(at + timedelta(days=7)).date(),
                              account=account, decided_at=at)


def _heartbeats(name: str, at: datetime, canary: bool) -> Event:
    return BridgeHeartbeat(app_id=HEARTBEAT_CANARY_APP if canary else POISON_APP, opd="DINKES", bridge="fuzz",
                           rows_translated=1, at=at)


def _quarantine(name: str, at: datetime, canary: bool) -> Event:
    app = QUARANTINE_CANARY_APP if canary else POISON_APP
    return RowQuarantined(source_app=app, source_id=name, reason="fuzz canary", row={"id": name}, seen_at=at)


def _queues(name: str, at: datetime, canary: bool) -> Event:
    app = TRAFFIC_CANARY_APP[HEALTH_QUEUES.name] if canary else POISON_APP
    return QueueTicketCalled(ticket=f"FUZZ-{name}", source_app=app, source_ref=name, facility="Puskesmas Gedongan",
                             queue_number="A-001", called_at=at)


def _cameras(name: str, at: datetime, canary: bool) -> Event:
    app = TRAFFIC_CANARY_APP[TRANSPORT_CAMERAS.name] if canary else POISON_APP
    return CameraRegistered(camera_id=f"fuzz-{name}", app_id=app, location_name="Simpang Empat Miji",
                            registered_at=at)


def _followed(name: str, at: datetime, canary: bool) -> Event:
    return CaseFollowed(ticket=f"FUZZ-{name}", account=_account(name), how=FollowedHow.REQUESTED, at=at)


def _followed_bills(name: str, at: datetime, canary: bool) -> Event:
    nop = nop_of(name)
    return FollowedBillUpdated(ticket=f"PBB-{nop}-{hashlib.sha256(name.encode()).hexdigest()[:8].upper()}",
                               revision=1, nop=nop, nop_formatted=nop, year=2026, amount_due=125_000,
                               due_date=(at + timedelta(days=90)).date(), status="due", status_label="Belum dibayar",
                               updated_at=at)


GENERATORS = {
    COMPLAINT_INTAKE.name: _intake, COMPLAINT_UPDATES.name: _updates, TICKET_UPDATES.name: _ticket_updates,
    COMPLAINT_SLA.name: _sla,
    SERVICE_REQUESTS.name: _service_requests, EMERGENCY_INCIDENTS.name: _incidents, TAX_BILLS.name: _tax_bills,
    CURHAT_COMMANDS.name: _commands, BRIDGE_HEARTBEATS.name: _heartbeats, BRIDGE_QUARANTINE.name: _quarantine,
    HEALTH_QUEUES.name: _queues, TRANSPORT_CAMERAS.name: _cameras, TAX_REMINDERS.name: _tax_reminders,
    CITIZEN_CASES.name: _followed, CITIZEN_BILLS.name: _followed_bills,
}


def subject_of(event: Event) -> str:
    for attr in ("ticket", "app_id", "nop"):
        if (value := getattr(event, attr, None)) is not None:
            return value
    return f"{event.source_app}:{event.source_id}"

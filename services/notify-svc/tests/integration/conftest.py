"""notify-svc served by uvicorn on a free port, on the real broker and PostgreSQL, and read by the SSE reader."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import (
    REQUEST_STATUS_LABELS,
    STATUS_LABELS,
    ComplaintStatus,
    ComplaintUpdated,
    RequestStatus,
    TicketKind,
    TicketStep,
    TicketUpdated,
    TimelineEntry,
)
from palapa.localstack import free_port
from palapa.notify.channels.base import (
    Accepted,
    Callback,
    CallbackRefusedError,
    InboundText,
    Outgoing,
    StatusReport,
)
from palapa.notify.main import create_app
from palapa.notify.messages import queue, store
from palapa.notify.messages.dispatch import Channels
from palapa.notify.messages.outbound import Request, request_message
from palapa.notify.messages.templates import Template, Text
from palapa.notify.settings import NotifySettings
from palapa.testkit import Service, eventually, running
from palapa.testkit.sse import SseStream, open_stream

STEPS = [ComplaintStatus.RECEIVED, ComplaintStatus.VERIFIED, ComplaintStatus.IN_PROGRESS, ComplaintStatus.RESOLVED]
T0 = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)  # 08:30 WIB


def complaint_updated(ticket: str, revision: int) -> Envelope:
    """The view complaint-svc would publish after `revision` changes (statuses cycle through STEPS)."""
    statuses = [STEPS[min(i, len(STEPS) - 1)] for i in range(revision)]
    timeline = tuple(
        TimelineEntry(status=s, label=STATUS_LABELS[s], at=T0 + timedelta(hours=i)) for i, s in enumerate(statuses)
    )
    event = ComplaintUpdated(
        ticket=ticket, revision=revision, status=statuses[-1], status_label=STATUS_LABELS[statuses[-1]],
        opd="Dinas Pekerjaan Umum", category="Jalan Rusak", source_app="curhat-ning-ita",
        submitted_at=T0, updated_at=timeline[-1].at, timeline=timeline,
    )
    return Envelope(event, source="/services/complaint-svc", subject=ticket)


REQUEST_STEPS = [RequestStatus.SUBMITTED, RequestStatus.VERIFIED, RequestStatus.READY, RequestStatus.COMPLETED]


def request_updated(ticket: str, revision: int) -> Envelope:
    """The view tracking-svc would publish of a Si Makel letter request after `revision` changes."""
    statuses = [REQUEST_STEPS[min(i, len(REQUEST_STEPS) - 1)] for i in range(revision)]
    timeline = tuple(TicketStep(status=s.value, label=REQUEST_STATUS_LABELS[s], at=T0 + timedelta(hours=i))
                     for i, s in enumerate(statuses))
    event = TicketUpdated(
        ticket=ticket, revision=revision, kind=TicketKind.SERVICE_REQUEST, title="Surat Keterangan Domisili",
        status=statuses[-1].value, status_label=REQUEST_STATUS_LABELS[statuses[-1]],
        place="Kelurahan Magersari, Kecamatan Magersari", source_app="si-makel", opened_at=T0,
        updated_at=timeline[-1].at, timeline=timeline,
    )
    return Envelope(event, source="/services/tracking-svc", subject=ticket)


@dataclass
class Notify:
    """notify-svc served by uvicorn (long-lived SSE streams need a real server), plus test helpers."""

    svc: Service
    exporter: InMemorySpanExporter

    @property
    def app(self):
        return self.svc.app

    @property
    def http(self):
        return self.svc.http

    @property
    def base_url(self) -> str:
        return self.svc.base_url

    def stop(self) -> None:
        self.svc.stop()

    async def stopped(self) -> None:
        await self.svc.stopped()

    async def revision(self, ticket: str) -> int:
        res = await self.http.get(f"/tickets/{ticket}")
        return res.json()["revision"] if res.status_code == 200 else 0

    async def stored(self, ticket: str, revision: int) -> None:
        """Wait until notify-svc has stored `revision` of `ticket`."""
        await eventually(lambda: self._at_least(ticket, revision), what=f"{ticket} revision {revision} stored")

    async def _at_least(self, ticket, revision):
        return await self.revision(ticket) >= revision

    @contextlib.asynccontextmanager
    async def events(self, ticket: str, headers: dict[str, str] | None = None, params: dict | None = None):
        async with open_stream(self.svc.http, f"/tickets/{ticket}/events", headers=headers, params=params) as stream:
            yield Updates(stream)


@dataclass
class Updates:
    """The ticket's SSE stream, read as ComplaintUpdated revisions."""

    stream: SseStream

    async def next_event(self):
        return await self.stream.next_event()

    async def comment(self) -> str:
        return await self.stream.comment()

    async def revisions(self, n: int, event_name: str = "complaint.updated") -> list[int]:
        out = []
        for _ in range(n):
            event = await self.stream.next_event()
            assert event.event == event_name
            assert int(event.id) == event.json()["revision"]
            out.append(event.json()["revision"])
        return out


@contextlib.asynccontextmanager
async def running_notify(settings: NotifySettings, **options):
    """Serve create_app(settings, **options) with uvicorn on settings.http_port until the block ends."""
    exporter = InMemorySpanExporter()
    async with running(create_app(settings, exporter=exporter, **options), port=settings.http_port) as svc:
        yield Notify(svc, exporter)


@pytest.fixture
def settings_for(kafka_bootstrap, database_url):
    def make(**overrides) -> NotifySettings:
        return NotifySettings(
            KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url, KAFKA_PROFILE="tansu",
            http_port=free_port(), **overrides,
        )

    return make


@pytest.fixture
async def service(settings_for):
    async with running_notify(settings_for()) as svc:
        yield svc


@pytest.fixture
def update():
    """complaint_updated(ticket, revision) for tests (importlib mode cannot import conftest)."""
    return complaint_updated


@pytest.fixture
def request_update():
    """request_updated(ticket, revision): a Si Makel request's TicketUpdated, for tests."""
    return request_updated


@pytest.fixture
def serve():
    """serve(settings): the app under uvicorn for one block."""
    return running_notify


class MemoryChannel:
    """A message channel in memory (the Channel protocol, no library mocked): it keeps what it was given, answers
    with `answer(message)` (Accepted by default; raise TemporaryFailure/PermanentFailure to fail), and reads
    callbacks as JSON {"statuses": [[provider_id, status]], "inbound": [[sender, text]]} when signed "ok"."""

    def __init__(self, name: str, answer=None) -> None:
        self.name = name
        self.sent: list[Outgoing] = []
        self.answer = answer

    async def send(self, message: Outgoing) -> Accepted:
        self.sent.append(message)
        if self.answer is not None:
            return self.answer(message)
        return Accepted(provider_id=f"{self.name}-{message.message_id}")

    def verify_callback(self, headers, body: bytes) -> Callback:
        if headers.get("x-signature") != "ok":
            raise CallbackRefusedError("bad signature")
        data = json.loads(body)
        now = datetime.now(UTC)
        return Callback(
            statuses=tuple(StatusReport(p, s, now, e) for p, s, e in data.get("statuses", ())),
            inbound=tuple(InboundText(self.name, sender, text, now) for sender, text in data.get("inbound", ())),
        )


@pytest.fixture
def memory_channel():
    """memory_channel(name, answer=None): an in-memory Channel."""
    return MemoryChannel


PHONE = "+6281234567890"
TEMPLATE = Template("complaint-resolved", 1, "complaint_resolved", ("ticket", "link"),
                    {"id": Text("Aduan ((ticket)) selesai. Beri nilai: ((link))"),
                     "en": Text("Complaint ((ticket)) resolved. Rate it: ((link))")}, whatsapp_name="aduan_selesai")


def hours(quiet_now: bool) -> dict:
    """Quiet hours that cover this moment, or that are well away from it (tests never depend on the clock)."""
    hour = (datetime.now(UTC) + timedelta(hours=7)).hour
    if quiet_now:
        return {"quiet_start_hour": hour, "quiet_end_hour": (hour + 2) % 24}
    return {"quiet_start_hour": (hour + 2) % 24, "quiet_end_hour": (hour + 3) % 24}


class Harness:
    def __init__(self, svc, channels):
        self.svc = svc
        self.messaging = svc.app.state.messaging
        self.whatsapp, self.sms, self.email = (channels.live[n] for n in ("whatsapp", "sms", "email"))

    @property
    def tx(self):
        return self.messaging.runtime.transaction

    async def contact(self, phone=PHONE):
        async with self.tx() as tx:
            return await store.contact_id(tx.session, self.messaging.sealer, "phone", phone)

    async def ask(self, contact, cause="evt-1", channel="whatsapp", **values):
        personalisation = values.pop("personalisation", {"ticket": "CURHAT-7", "link": "https://p/n/CURHAT-7"})
        async with self.tx() as tx:
            return await request_message(tx.session, Request(cause, TEMPLATE.id, personalisation, channel, contact,
                                                             "test", ticket="CURHAT-7", **values),
                                         self.messaging.rules)

    async def message(self, message_id):
        async with self.tx() as tx:
            return await queue.by_id(tx.session, message_id)

    async def status(self, message_id, wanted):
        row = await eventually(lambda: self._status_is(message_id, wanted), what=f"{message_id} {wanted}")
        return row

    async def _status_is(self, message_id, wanted):
        row = await self.message(message_id)
        return row if row.status == wanted else None


@pytest.fixture
def messages_service(settings_for, memory_channel):
    """messages_service(whatsapp=answer, sms=answer, quiet_now=False, **settings): notify-svc with in-memory
    channels and a test template, as a Harness (close it with `await harness.close()`)."""
    async def run(whatsapp=None, sms=None, quiet_now=False, **overrides):
        channels = Channels(live={"whatsapp": memory_channel("whatsapp", whatsapp), "sms": memory_channel("sms", sms),
                                  "email": memory_channel("email")})
        context = running_notify(settings_for(**hours(quiet_now), retry_first_seconds=0, dispatch_idle_seconds=0.05,
                                     **overrides), channels=channels)
        svc = await context.__aenter__()
        harness = Harness(svc, channels)
        async with harness.tx() as tx:
            await store.save_template(tx.session, TEMPLATE, "test")
        harness.close = lambda: context.__aexit__(None, None, None)
        return harness

    return run


@pytest.fixture
async def notify(messages_service):
    harness = await messages_service()
    yield harness
    await harness.close()

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

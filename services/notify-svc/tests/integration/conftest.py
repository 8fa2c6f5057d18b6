"""notify-svc served by uvicorn on a free port, on the real broker and PostgreSQL; an SSE client; a producer."""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import uvicorn
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import STATUS_LABELS, ComplaintStatus, ComplaintUpdated, TimelineEntry
from palapa.devstack.local import free_port
from palapa.notify.main import create_app
from palapa.notify.settings import NotifySettings
from palapa.testkit import eventually

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


class Service:
    def __init__(self, base_url: str, app, exporter: InMemorySpanExporter) -> None:
        self.base_url = base_url
        self.app = app
        self.exporter = exporter
        self.http = httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(10, read=30))

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
        async with self.http.stream("GET", f"/tickets/{ticket}/events", headers=headers, params=params) as res:
            assert res.status_code == 200, res.status_code
            assert res.headers["content-type"].startswith("text/event-stream")
            yield SseReader(res)


class SseReader:
    """Reads an SSE stream the way a browser does: frames separated by blank lines, comments kept aside."""

    def __init__(self, response: httpx.Response) -> None:
        self._lines = response.aiter_lines()
        self.comments: list[str] = []

    async def next_event(self, timeout: float = 20) -> dict:
        frame: dict = {}
        async with asyncio.timeout(timeout):
            while True:
                line = await anext(self._lines)
                if line == "":
                    if "data" in frame:
                        frame["json"] = json.loads(frame["data"])
                        return frame
                    continue
                if line.startswith(":"):
                    self.comments.append(line[1:].strip())
                    continue
                name, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                frame[name] = frame["data"] + "\n" + value if name == "data" and "data" in frame else value

    async def revisions(self, n: int) -> list[int]:
        out = []
        for _ in range(n):
            frame = await self.next_event()
            assert frame["event"] == "complaint.updated"
            assert int(frame["id"]) == frame["json"]["revision"]
            out.append(frame["json"]["revision"])
        return out

    async def comment(self, timeout: float = 10) -> str:
        async with asyncio.timeout(timeout):
            while not self.comments:
                line = await anext(self._lines)
                if line.startswith(":"):
                    self.comments.append(line[1:].strip())
        return self.comments[0]




@contextlib.asynccontextmanager
async def running(settings: NotifySettings):
    """Serve create_app(settings) with uvicorn on settings.http_port until the block ends."""
    exporter = InMemorySpanExporter()
    app = create_app(settings, exporter=exporter)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=settings.http_port, log_level="warning", lifespan="on",
                       timeout_graceful_shutdown=5)
    )
    task = asyncio.create_task(server.serve())
    await eventually(lambda: server.started or task.done(), what="uvicorn to start")
    if task.done():
        task.result()
        raise RuntimeError("uvicorn stopped during startup")
    service = Service(f"http://127.0.0.1:{settings.http_port}", app, exporter)
    service.stop = lambda: setattr(server, "should_exit", True)
    service.stopped = lambda: asyncio.shield(task)
    try:
        yield service
    finally:
        await service.http.aclose()
        server.should_exit = True
        await task


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
    async with running(settings_for()) as svc:
        yield svc


@pytest.fixture
def update():
    """complaint_updated(ticket, revision) for tests (importlib mode cannot import conftest)."""
    return complaint_updated


@pytest.fixture
def serve():
    """running(settings): the app under uvicorn for one block."""
    return running

"""The provider simulators served on free ports, a receiver for their callbacks, and the adapters pointed at them."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field

import httpx
import pytest
from fastapi import FastAPI, Request

from palapa.localstack import free_port
from palapa.notify.channels.base import StatusReport
from palapa.notify.channels.email import EmailChannel
from palapa.notify.channels.guard import CallbackReplayedError
from palapa.notify.channels.sms import SmsChannel
from palapa.notify.channels.whatsapp import WhatsAppChannel
from palapa.provider_sims import mail, sms, whatsapp
from palapa.provider_sims.settings import MailSimSettings, SmsSimSettings, WhatsAppSimSettings
from palapa.testkit import Service, eventually, running

QUIET = {"status_delay_seconds": 0.01, "duplicate_ratio": 0.0, "out_of_order_ratio": 0.0, "seed": 7}
_numbers = itertools.count(1)


def citizen() -> str:
    """A phone number no other test used (the simulators are shared by a module's tests and remember numbers)."""
    return f"+62812{next(_numbers):08d}"


@dataclass
class Receiver:
    """Where the simulators POST their callbacks: every request kept as it came (headers and raw body)."""

    url: str = ""
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    def about(self, needle: str) -> list[tuple[dict[str, str], bytes]]:
        """The callbacks whose body mentions `needle` (a message's id, a recipient's digits), in arrival order."""
        return [(h, b) for h, b in self.received if needle.encode() in b]

    async def wait(self, needle: str, count: int, what: str = "callbacks") -> list[tuple[dict[str, str], bytes]]:
        await eventually(lambda: len(self.about(needle)) >= count, what=f"{count} {what}")
        return self.about(needle)[:count]


async def collect(channel, receiver: Receiver, needle: str, *, statuses: int, bodies: int = 0):
    """The status reports about `needle`, each callback verified once, until `statuses` different ones and at least
    `bodies` callbacks came; and how many were replays. A simulator that retries a callback the receiver was slow to
    answer sends it again (WhatsApp: the same body, a replay; SMS: signed anew, a second report), as providers do."""
    reports: list[StatusReport] = []
    seen = replays = 0

    def enough() -> bool:
        nonlocal seen, replays
        for headers, body in receiver.about(needle)[seen:]:
            seen += 1
            try:
                reports.extend(channel.verify_callback(headers, body).statuses)
            except CallbackReplayedError:
                replays += 1
        return len({r.status for r in reports}) >= statuses and seen >= bodies

    await eventually(enough, what=f"{statuses} statuses about one message")
    return reports, replays


def first_seen(reports: list[StatusReport]) -> list[str]:
    """Each status once, in the order it first arrived."""
    return list(dict.fromkeys(r.status for r in reports))


@pytest.fixture(scope="module")
async def receiver():
    box = Receiver()
    app = FastAPI()

    @app.post("/callback")
    async def callback(request: Request) -> dict[str, str]:
        box.received.append((dict(request.headers), await request.body()))
        return {"status": "ok"}

    @app.post("/slow/{rest:path}")
    async def slow(rest: str) -> dict[str, str]:
        await asyncio.sleep(2)  # longer than the adapter's timeout in the test that calls it
        return {}

    async with running(app, port=free_port(), name="receiver") as svc:
        box.url = svc.base_url
        yield box


@dataclass
class Sim:
    svc: Service
    settings: object

    @property
    def state(self):
        return self.svc.app.state


@pytest.fixture(scope="module")
async def whatsapp_sim(receiver):
    settings = WhatsAppSimSettings(webhook_url=receiver.url + "/callback", **QUIET)
    async with running(whatsapp.create_app(settings), port=free_port(), name="sim-whatsapp") as svc:
        yield Sim(svc, settings)


@pytest.fixture
async def provider_http():
    async with httpx.AsyncClient(timeout=httpx.Timeout(5)) as http:
        yield http


def whatsapp_channel(sim: Sim, http: httpx.AsyncClient, **overrides) -> WhatsAppChannel:
    s = sim.settings
    options = dict(base_url=sim.svc.base_url, api_version="v21.0", phone_number_id=s.phone_number_id,
                   access_token=s.access_token.get_secret_value(), app_secret=s.app_secret.get_secret_value())
    return WhatsAppChannel(http, **{**options, **overrides})


@pytest.fixture
async def wa(whatsapp_sim, provider_http) -> WhatsAppChannel:
    return whatsapp_channel(whatsapp_sim, provider_http)


@pytest.fixture(scope="module")
async def sms_sim(receiver):
    settings = SmsSimSettings(webhook_url=receiver.url + "/callback", **QUIET)
    async with running(sms.create_app(settings), port=free_port(), name="sim-sms") as svc:
        yield Sim(svc, settings)


def sms_channel(sim: Sim, http: httpx.AsyncClient, **overrides) -> SmsChannel:
    s = sim.settings
    options = dict(base_url=sim.svc.base_url, api_key=s.api_key, api_secret=s.api_secret.get_secret_value())
    return SmsChannel(http, **{**options, **overrides})


@pytest.fixture
async def sms_gateway(sms_sim, provider_http) -> SmsChannel:
    return sms_channel(sms_sim, provider_http)


@pytest.fixture(scope="module")
async def mail_sim():
    settings = MailSimSettings(smtp_port=0, max_message_bytes=20_000)
    async with running(mail.create_app(settings), port=free_port(), name="sim-mail") as svc:
        yield Sim(svc, settings)


@pytest.fixture
async def smtp(mail_sim) -> EmailChannel:
    return EmailChannel(host="127.0.0.1", port=mail_sim.state.smtp_port, sender="Pemkot <noreply@palapa.go.id>",
                        timeout_s=5)

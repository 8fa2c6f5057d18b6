"""The simulated PSC 119 app and the bridge, both served on free ports (webhooks go over real HTTP)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import pytest

from palapa.bridge_psc119.main import WEBHOOK_PATH, create_app
from palapa.bridge_psc119.settings import BridgePsc119Settings
from palapa.localstack import free_port
from palapa.psc119_legacy.app import create_app as create_sim
from palapa.psc119_legacy.settings import LegacyAppSettings
from palapa.testkit import Service, running

SECRET = "rahasia-bersama-psc119-uji"
QUIET = {"incidents_per_minute": 0, "moves_per_minute": 0, "broken_ratio": 0, "duplicate_ratio": 0,
         "out_of_order_ratio": 0, "lost_ratio": 0}


@dataclass
class Sim:
    svc: Service

    @property
    def legacy(self):
        return self.svc.app.state.legacy

    async def report(self) -> int:
        """A call taker saves a new incident; returns its id."""
        answer = await self.svc.http.post("/api/v1/insiden")
        assert answer.status_code == 201, answer.text
        return answer.json()["kunci"]

    async def move(self, key: int, code: str) -> None:
        answer = await self.svc.http.post(f"/api/v1/insiden/{key}/status", json={"kode_status": code})
        assert answer.status_code == 200, answer.text


@pytest.fixture
def ports():
    return {"bridge": free_port(), "sim": free_port()}


@pytest.fixture
async def make_sim(ports):
    """make_sim(**settings) → a running simulator (quiet: tests drive it), pushing to the bridge's port."""
    async with contextlib.AsyncExitStack() as stack:
        async def make(**overrides) -> Sim:
            settings = LegacyAppSettings(**{
                "http_port": ports["sim"], "webhook_url": f"http://127.0.0.1:{ports['bridge']}{WEBHOOK_PATH}",
                "webhook_secret": SECRET, **QUIET, **overrides})
            svc = await stack.enter_async_context(running(create_sim(settings), port=ports["sim"], name="sim-psc119"))
            return Sim(svc)

        yield make


@pytest.fixture
async def make_bridge(kafka_bootstrap, database_url, ports):
    """make_bridge(**settings) → an async context manager running the bridge on its port (restartable)."""

    def make(**overrides):
        settings = BridgePsc119Settings(
            KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap,
            DATABASE_URL=database_url,
            KAFKA_PROFILE="tansu",
            legacy_api_url=f"http://127.0.0.1:{ports['sim']}",
            http_port=ports["bridge"],
            **{
                "webhook_secret": SECRET,
                "poll_interval_seconds": 0.1,
                "fallback_poll_interval_seconds": 0.1,
                **overrides,
            },
        )
        return running(create_app(settings), port=ports["bridge"], name="bridge-psc119")

    return make

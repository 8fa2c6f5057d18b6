"""Dishub's legacy CCTV app served on a free port, and bridge-cctv run in-process against it."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import pytest

from palapa.bridge_cctv.main import create_app
from palapa.bridge_cctv.settings import BridgeCctvSettings
from palapa.cctv_legacy.api import create_app as legacy_app
from palapa.cctv_legacy.cameras import Dishub
from palapa.localstack import free_port
from palapa.testkit import Service, running


@pytest.fixture
async def dishub():
    """The legacy app with 5 cameras and no quirks (tests add their own), changing only when told."""
    state = Dishub(5, seed=1, quirk_ratio=0.0)
    async with running(legacy_app(state), port=free_port(), name="dishub") as svc:
        state.url = svc.base_url
        yield state


@dataclass
class Bridge:
    settings: BridgeCctvSettings
    svc: Service | None = None
    _stack: contextlib.AsyncExitStack | None = None

    async def start(self) -> Bridge:
        self._stack = contextlib.AsyncExitStack()
        self.svc = await self._stack.enter_async_context(running(create_app(self.settings), name="bridge-cctv"))
        return self

    async def stop(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
            self._stack = None

    @property
    def runtime(self):
        return self.svc.runtime

    @property
    def stats(self):
        return self.svc.app.state.poller.stats


@pytest.fixture
async def make_bridge(kafka_bootstrap, database_url):
    bridges: list[Bridge] = []

    async def make(legacy_url: str, **overrides) -> Bridge:
        settings = BridgeCctvSettings(legacy_url=legacy_url, KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap,
                                      DATABASE_URL=database_url, KAFKA_PROFILE="tansu",
                                      poll_interval_seconds=0.05, **overrides)
        bridge = Bridge(settings)
        bridges.append(bridge)
        return await bridge.start()

    yield make
    for bridge in bridges:
        await bridge.stop()

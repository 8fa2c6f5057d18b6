"""catalog-svc in-process on the real broker and PostgreSQL, and a CloudEvents producer."""

from __future__ import annotations

import httpx
import pytest

from palapa.catalog.main import create_app
from palapa.catalog.settings import CatalogSettings


@pytest.fixture
def settings(kafka_bootstrap, database_url) -> CatalogSettings:
    return CatalogSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url, KAFKA_PROFILE="tansu")


@pytest.fixture
def running():
    """running(settings): an async context with an httpx client on the app, lifespan included."""

    class Running:
        def __init__(self, settings):
            self.app = create_app(settings)

        async def __aenter__(self) -> httpx.AsyncClient:
            self._life = self.app.router.lifespan_context(self.app)
            await self._life.__aenter__()
            self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://catalog-svc")
            self.http.runtime = self.app.state.runtime
            return self.http

        async def __aexit__(self, *exc) -> None:
            await self.http.aclose()
            await self._life.__aexit__(*exc)

    return Running


@pytest.fixture
async def catalog(settings, running):
    async with running(settings) as http:
        yield http



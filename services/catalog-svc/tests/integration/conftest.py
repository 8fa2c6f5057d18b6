"""catalog-svc in-process on the real broker and PostgreSQL."""

from __future__ import annotations

import pytest

from palapa.catalog.main import create_app
from palapa.catalog.settings import CatalogSettings
from palapa.testkit import running


@pytest.fixture
def settings(kafka_bootstrap, database_url) -> CatalogSettings:
    # the six domain topics' consumers cost a group join each at start: only the traffic tests follow them
    return CatalogSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url, KAFKA_PROFILE="tansu",
                           follow_traffic=False)


@pytest.fixture
def serve():
    """serve(settings): the app with its lifespan for one block, reached through ASGI (palapa.testkit.running)."""
    return lambda settings: running(create_app(settings), name="catalog-svc")


@pytest.fixture
async def catalog(settings, serve):
    async with serve(settings) as svc:
        yield svc

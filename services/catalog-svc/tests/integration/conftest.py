"""catalog-svc in-process on the real broker and PostgreSQL, its writes made by a signed-in catalog admin."""

from __future__ import annotations

import pytest

from palapa.catalog.main import create_app
from palapa.catalog.registry.seed import SEED
from palapa.catalog.report.figures import report
from palapa.catalog.settings import CatalogSettings
from palapa.testkit import running

#: the account the `catalog` fixture signs in as (a catalog admin): the history names it
ADMIN = "kominfo.sari"


@pytest.fixture
def settings(kafka_bootstrap, database_url, identity_provider) -> CatalogSettings:
    # the six domain topics' consumers cost a group join each at start: only the traffic tests follow them
    return CatalogSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url, KAFKA_PROFILE="tansu",
                           follow_traffic=False, OIDC_ISSUER=identity_provider.issuer)


@pytest.fixture
def sign_in(identity_provider):
    """`await sign_in(svc, account)`: the service's client sends that catalog admin's token from now on."""
    async def as_admin(svc, account: str = ADMIN, roles: tuple[str, ...] = ("catalog-admin",)) -> None:
        svc.http.headers["Authorization"] = f"Bearer {await identity_provider.person(account, roles)}"
    return as_admin


@pytest.fixture
def serve(sign_in):
    """serve(settings): the app with its lifespan for one block, reached through ASGI (palapa.testkit.running),
    its client signed in as the catalog admin ADMIN."""
    import contextlib

    @contextlib.asynccontextmanager
    async def served(settings):
        async with running(create_app(settings), name="catalog-svc") as svc:
            await sign_in(svc)
            yield svc
    return served


@pytest.fixture
async def catalog(settings, serve):
    async with serve(settings) as svc:
        yield svc


@pytest.fixture
def census_only():
    """The report's counts less the six pilot apps' (the seed classifies them, so they are counted beside any
    census): `census_only(report)` gives a census's own figures."""
    pilots = report(SEED)

    def less(figures, pilot=pilots):
        if isinstance(figures, dict):
            return {k: less(v, pilot.get(k, 0) if isinstance(pilot, dict) else 0) for k, v in figures.items()}
        if isinstance(figures, int) and not isinstance(figures, bool) and isinstance(pilot, int):
            return figures - pilot
        return figures

    return less

"""pytest plugin (registered through the `pytest11` entry point): the real broker and PostgreSQL as fixtures.

Set PALAPA_TEST_KAFKA (a bootstrap address), PALAPA_TEST_DATABASE_URL (a server's maintenance
database) or PALAPA_TEST_OIDC_ISSUER (an oidc-provider-mock seeded with palapa.localstack.STAFF) to use servers
of your own instead. Every test process gets a signing key and a trust file (palapa.testkit.signing).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

from palapa.localstack import LocalIdentityProvider, LocalPostgres, LocalTansu, ensure_database, free_port

from .broker import BrokerProxy, EventProducer, TopicReader
from .citizens import CitizenIssuer
from .frozen import freezable_postgres
from .identity import Identity
from .signing import session_keys


def pytest_configure(config):
    """Every process a test starts signs with this test process's key and trusts it (docs/access.md): the
    services under test verify every event, as in production."""
    keys = session_keys()  # the environment's when it names both (an xdist worker: the controller's)
    os.environ["PALAPA_SIGNING_KEY_FILE"] = str(keys.key_file)
    os.environ["SIGNING_TRUST_FILE"] = str(keys.trust_file)
    # On Tansu every consumer fetches 1000/wait times a second even when idle: the profile's 10 ms (2 ms for critical
    # topics) made the suite's idle services and brokers take most of the 2 cores. 50 ms: 20 fetches a second each,
    # and ~25 ms more per hop than the profile's (tests time nothing).
    os.environ.setdefault("KAFKA_FETCH_MAX_WAIT_MS", "50")
    # A group join on Tansu waits half the session timeout: 3 s of every service start at the profile's 6 s. 3 s
    # (heartbeats every second) still rides out a loaded worker's pauses.
    os.environ.setdefault("KAFKA_SESSION_TIMEOUT_MS", "3000")
    try:  # browser tests: Playwright's expect waits 5 s by default, too short on a loaded machine
        from playwright.async_api import expect
    except ImportError:
        pass
    else:
        expect.set_options(timeout=30_000)


@pytest.fixture
def kafka_bootstrap():
    """Bootstrap address of a Tansu broker of this test's own (it starts in ~25 ms, memory only)."""
    if os.environ.get("PALAPA_TEST_KAFKA"):
        yield os.environ["PALAPA_TEST_KAFKA"]
        return
    with LocalTansu() as tansu:
        yield tansu.bootstrap


@pytest.fixture(scope="session")
def pg_server_url():
    """URL of the maintenance database of a PostgreSQL started for this test session."""
    if os.environ.get("PALAPA_TEST_DATABASE_URL"):
        yield os.environ["PALAPA_TEST_DATABASE_URL"]
        return
    folder = Path(tempfile.mkdtemp(prefix="palapa-pg-"))
    os.chmod(folder, 0o755)
    try:
        with LocalPostgres(folder / "data", durable=False) as pg:
            yield pg.url()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def frozen_database():
    """A PostgreSQL server of this test's own (FreezablePostgres): `await .database(name)` gives a database
    URL, `with .frozen():` stops the whole server (SIGSTOP) and resumes it on the way out."""
    with freezable_postgres() as pg:
        yield pg


@pytest.fixture
async def broker_outage():
    """(bootstrap, proxy): a Tansu broker reached only through a proxy the test can cut and restore."""
    proxy_port = free_port()
    with LocalTansu(advertised_port=proxy_port) as tansu:
        proxy = BrokerProxy(tansu.port, proxy_port)
        await proxy.start()
        try:
            yield tansu.bootstrap, proxy
        finally:
            await proxy.cut()


@pytest.fixture
async def producer(kafka_bootstrap):
    """An EventProducer on this test's broker."""
    p = EventProducer(kafka_bootstrap)
    await p.kafka.start()
    yield p
    await p.kafka.stop()


@pytest.fixture
async def topic_reader(kafka_bootstrap):
    """A TopicReader on this test's broker, reading from the start of every topic."""
    reader = TopicReader(kafka_bootstrap)
    await reader.start()
    yield reader
    await reader.stop()


@pytest.fixture
async def database_url(pg_server_url):
    """A fresh, empty database for one test."""
    return await ensure_database(pg_server_url, f"t_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def issuer():
    """The gate's citizen-token issuer as the testkit plays it (discovery + JWKS over HTTP): a service set with
    `CITIZEN_ISSUER=issuer.url` trusts `issuer.headers(account)`."""
    found = CitizenIssuer()
    yield found
    found.close()


@pytest.fixture(scope="session")
def identity_provider():
    """The local OpenID Connect provider with the seeded staff (palapa.localstack.STAFF), for this session:
    `identity_provider.issuer`, `await identity_provider.token("dishub")`."""
    if os.environ.get("PALAPA_TEST_OIDC_ISSUER"):
        yield Identity(os.environ["PALAPA_TEST_OIDC_ISSUER"].rstrip("/"))
        return
    with LocalIdentityProvider() as idp:
        yield Identity(idp.issuer)

"""/readyz and /metrics tell the truth, in time, while PostgreSQL is frozen (SIGSTOP): a hung database, not a
refused connection. The server is the test's own (`frozen_database`), never the session's shared one."""

import time

import httpx
import pytest
from sqlalchemy import MetaData

from palapa.kit import health
from palapa.kit.http import service_app
from palapa.kit.runtime import Runtime
from palapa.kit.settings import ServiceSettings
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

#: what an orchestrator's probe waits before it counts the service as failing
BOUND_S = 2.0


async def timed(http: httpx.AsyncClient, path: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    res = await http.get(path, timeout=30)
    return res, time.monotonic() - started


async def test_probes_answer_within_two_seconds_while_the_database_is_frozen(frozen_database, kafka_bootstrap):
    url = await frozen_database.database("probes")
    settings = ServiceSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=url, KAFKA_PROFILE="tansu")
    runtime = Runtime(settings, "frozen-svc", MetaData(schema="frozen_svc"))
    app = service_app(runtime, title="frozen")
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as http:
            assert (await http.get("/readyz")).status_code == 200
            await eventually(lambda: runtime.metrics.outbox_counted._value.get() > 0, what="outbox counted")
            with frozen_database.frozen():
                for attempt in range(2):  # the second while the first check still waits on the server
                    res, took = await timed(http, "/readyz")
                    assert res.status_code == 503, res.text
                    assert took < BOUND_S, f"/readyz took {took:.1f} s (attempt {attempt + 1})"
                    body = res.json()
                    assert body["status"] == "degraded"
                    assert body["database"].startswith(f"error: no answer within {health.PROBE_SECONDS:g} s")
                    assert body["outbox"] == "unknown: the database does not answer"
                    assert body["broker"] == "ok"

                    res, took = await timed(http, "/metrics")
                    assert res.status_code == 200
                    assert took < BOUND_S, f"/metrics took {took:.1f} s (attempt {attempt + 1})"
                    assert 'palapa_outbox_backlog_rows{service="frozen-svc"} 0.0' in res.text.splitlines()
            # resumed: the check that waited finishes and the next one finds the database again
            await eventually(lambda: _ready(http), what="ready again after the database resumed")


async def _ready(http: httpx.AsyncClient) -> bool:
    return (await http.get("/readyz")).status_code == 200

"""/metrics and /readyz of a service on the real broker and PostgreSQL: the outbox and consumers as they are."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import MetaData

from palapa.contracts.topics import ALL_TOPICS
from palapa.kit.http import service_app
from palapa.kit.metrics import CONTENT_TYPE_LATEST
from palapa.kit.runtime import Runtime
from palapa.kit.settings import ServiceSettings
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

T = "palapa.complaints.intake.v1"


@pytest.fixture
async def svc(kafka_bootstrap, database_url):
    settings = ServiceSettings(
        KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url, KAFKA_PROFILE="tansu"
    )
    runtime = Runtime(settings, "health-svc", MetaData(schema="health_svc"))
    app = service_app(runtime, title="health", topics=ALL_TOPICS)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as http:
            http.runtime = runtime
            yield http


async def stop_relay(runtime: Runtime) -> None:
    """Rows inserted from now on stay unpublished, as when the relay cannot send."""
    runtime.outbox.stop()
    await eventually(lambda: runtime._relay.done(), what="relay stopped")


async def put_row(runtime: Runtime, n: int, *, age: float = 0, parked: str | None = None) -> None:
    at = datetime.now(UTC) - timedelta(seconds=age)
    async with runtime.engine.begin() as conn:
        await conn.execute(runtime.outbox.table.insert().values(
            event_id=f"e-{n}", topic=T, key=b"k", value=b"{}", headers={}, trace={}, created_at=at,
            parked_at=at if parked else None, park_reason=parked))


async def test_a_ready_service_says_so_part_by_part(svc):
    res = await svc.get("/readyz")
    assert res.status_code == 200, res.text
    assert res.json() == {"status": "ok", "database": "ok", "broker": "ok", "outbox": "ok",
                          "outbox_parked": "none", "consumers": "ok"}


async def test_parked_rows_show_in_readiness_without_making_the_service_unready(svc):
    await stop_relay(svc.runtime)
    await put_row(svc.runtime, 1, age=120, parked="MessageSizeTooLargeError: 2 MB")
    res = await svc.get("/readyz")
    assert res.status_code == 200, res.text
    assert res.json()["outbox_parked"] == "1 rows parked, last: MessageSizeTooLargeError: 2 MB"


async def test_an_outbox_that_cannot_drain_makes_the_service_unready(svc):
    await stop_relay(svc.runtime)
    await put_row(svc.runtime, 1, age=5)
    assert (await svc.get("/readyz")).status_code == 200  # young rows: the relay has time
    await put_row(svc.runtime, 2, age=45)
    res = await svc.get("/readyz")
    assert res.status_code == 503
    assert res.json()["status"] == "degraded"
    assert res.json()["outbox"].startswith("stalled: oldest unpublished row waits 45 s (2 waiting)")


async def test_a_stuck_consumer_makes_the_service_unready_and_names_the_partition(svc):
    progress = svc.runtime.progress
    progress.stuck_after = 0
    progress.observe(T, 1, 10, end=12)
    res = await svc.get("/readyz")
    assert res.status_code == 503
    assert res.json()["consumers"].startswith(f"stuck: {T}[1] at offset 10, 2 behind")
    progress.forget(T, 1)
    assert (await svc.get("/readyz")).status_code == 200


async def test_metrics_are_prometheus_text_with_the_outbox_counted_in_the_background(svc):
    await stop_relay(svc.runtime)
    await put_row(svc.runtime, 1)
    await put_row(svc.runtime, 2)
    await put_row(svc.runtime, 3, parked="too large")
    svc.runtime.progress.observe(T, 0, 3, end=8)

    async def scraped() -> list[str]:
        res = await svc.get("/metrics")
        assert res.status_code == 200
        assert res.headers["content-type"] == CONTENT_TYPE_LATEST
        lines = res.text.splitlines()
        assert 'palapa_outbox_backlog_rows{service="health-svc"} 2.0' in lines
        return lines

    lines = await eventually(scraped, what="the outbox counted by the background loop")
    assert 'palapa_outbox_backlog_rows{service="health-svc"} 2.0' in lines
    assert 'palapa_outbox_parked_rows{service="health-svc"} 1.0' in lines
    assert f'palapa_consumer_lag_records{{partition="0",service="health-svc",topic="{T}"}} 5.0' in lines

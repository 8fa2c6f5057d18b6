"""A service's documents: the API docs pages load nothing from elsewhere; the AsyncAPI document is 3.0."""

import re
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import MetaData

from palapa.contracts.topics import BRIDGE_HEARTBEATS, COMPLAINT_UPDATES
from palapa.kit.asyncapi import summary
from palapa.kit.http import service_app
from palapa.kit.runtime import Runtime
from palapa.kit.settings import ServiceSettings

# nothing here connects: the routes under test need neither the broker nor the database
SETTINGS = ServiceSettings(KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:1", DATABASE_URL="postgresql+asyncpg://x@127.0.0.1:1/x")


@pytest.fixture
async def http():
    runtime = Runtime(SETTINGS, "docs-svc", MetaData(schema="docs_svc"))

    async def on_heartbeat(session, envelope) -> None: ...

    runtime.subscribe(BRIDGE_HEARTBEATS, on_heartbeat)
    app = service_app(runtime, title="Palapa docs-svc", publishes=(COMPLAINT_UPDATES,))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://docs-svc") as client:
        yield client
    runtime.provider.shutdown()


def referenced_urls(html: str) -> list[str]:
    """Every URL an HTML page loads: src/href/spec-url attributes and the url of its inline script."""
    return re.findall(r'(?:src|href|spec-url)="([^"]+)"', html) + re.findall(r"url: ?'([^']+)'", html)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_the_api_docs_pages_load_only_same_origin_assets_that_answer(http, page):
    res = await http.get(page)
    assert res.status_code == 200
    urls = referenced_urls(res.text)
    assert urls and all(not urlsplit(u).scheme and not urlsplit(u).netloc for u in urls), urls
    assert "googleapis" not in res.text and "cdn" not in res.text.lower() and "validator.swagger" not in res.text
    for url in urls:
        assert (await http.get(url)).status_code == 200, url


async def test_an_unknown_docs_asset_is_a_404_in_the_refusal_shape(http):
    res = await http.get("/docs-assets/../../etc/passwd")
    assert res.status_code == 404 and res.json()["reason"] == "not_found"


async def test_the_asyncapi_document_lists_consumed_and_published_topics_with_their_events(http):
    doc = (await http.get("/asyncapi.json")).json()
    assert doc["asyncapi"] == "3.0.0" and doc["info"]["title"] == "Palapa docs-svc"
    assert summary(doc) == {
        "receive": {"palapa.bridges.heartbeats.v1": ["BridgeHeartbeat"]},
        "send": {"palapa.complaints.updates.v1": ["ComplaintUpdated", "ComplaintUpdatedV2"],
                 "palapa.platform.deadletter.v1": ["EventDeadLettered"]},  # the inbox's dead letters
    }
    assert "revision" in doc["components"]["schemas"]["ComplaintUpdated"]["properties"]

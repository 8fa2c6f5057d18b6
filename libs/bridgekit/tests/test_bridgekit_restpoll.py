"""REST polling: the position stored verbatim, pages read until none is left, each ingested with its own position."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import pytest
from opentelemetry import trace

from palapa.bridgekit import restpoll
from palapa.bridgekit.ingest import Ingested, SourceRecord, Stats
from palapa.bridgekit.loop import SourceUnavailableError
from palapa.bridgekit.restpoll import HttpPages, Page, RestPoller, TokenPosition


def record(i: int, fp: str = "v1") -> SourceRecord:
    return SourceRecord(source_id=str(i), fingerprint=fp, status="1", changed_at=datetime(2026, 11, 26, 8, 0),
                        row={"id": str(i)}, item={"id": i})


@dataclass
class FakeRuntime:
    tracer: Any = field(default_factory=lambda: trace.get_tracer("test"))


@dataclass
class FakeBridge:
    """What RestPoller uses of a Bridge: its position, the precheck and ingest (recorded, no database)."""

    position: TokenPosition | None = None
    stored: TokenPosition = TokenPosition()
    known: dict[str, str] = field(default_factory=dict)
    ingested: list[tuple[list[str], TokenPosition]] = field(default_factory=list)
    stats: Stats = field(default_factory=Stats)
    runtime: FakeRuntime = field(default_factory=FakeRuntime)
    crash_at: int | None = None

    async def load_position(self) -> TokenPosition:
        self.position = self.stored
        return self.stored

    async def changed(self, records):
        return [r for r in records if self.known.get(r.source_id) != r.fingerprint]

    async def ingest(self, records, next_position, *, read_from=None) -> Ingested:
        if self.crash_at is not None and len(self.ingested) == self.crash_at:
            raise RuntimeError("killed")
        self.ingested.append(([r.source_id for r in records], next_position))
        self.known.update((r.source_id, r.fingerprint) for r in records)
        self.stored = self.position = next_position
        return Ingested(len(records), 0, len(records))


class Pages:
    """A source of 5 items, 2 per page; position = the last id read."""

    def __init__(self, items: int = 5, per_page: int = 2) -> None:
        self.items, self.per_page, self.calls = items, per_page, []

    async def __call__(self, position: TokenPosition) -> Page:
        self.calls.append(position.token)
        after = int(position.token or 0)
        ids = list(range(after + 1, min(after + self.per_page, self.items) + 1))
        return Page([record(i) for i in ids], TokenPosition(str(ids[-1]) if ids else position.token),
                    more=bool(ids) and ids[-1] < self.items)


def test_a_token_position_is_stored_verbatim_and_read_back():
    assert restpoll.decode(restpoll.encode(TokenPosition("eyJpZCI6IDQyfQ=="))) == TokenPosition("eyJpZCI6IDQyfQ==")
    assert restpoll.decode(restpoll.encode(TokenPosition())) == TokenPosition()
    assert [c.name for c in restpoll.position_columns()] == ["position_token"]


def test_an_unusable_token_is_refused_with_its_size():
    with pytest.raises(ValueError, match="3,000 characters"):
        restpoll.checked(TokenPosition("x" * 3000))
    with pytest.raises(ValueError):
        restpoll.checked(TokenPosition("a\x00b"))


async def test_a_poll_pages_until_no_more_each_page_ingested_with_the_position_it_ends_at():
    bridge, source = FakeBridge(), Pages()
    poller = RestPoller(bridge, source, max_pages=10, name="t")
    assert await poller.poll_once() == 3
    assert bridge.ingested == [(["1", "2"], TokenPosition("2")), (["3", "4"], TokenPosition("4")),
                               (["5"], TokenPosition("5"))]
    # the next poll finds nothing after the position and writes nothing
    assert await poller.poll_once() == 1  # one page read, empty
    assert len(bridge.ingested) == 3 and source.calls[-1] == "5"


async def test_a_poll_stops_at_its_page_bound_and_says_more_wait():
    bridge = FakeBridge()
    poller = RestPoller(bridge, Pages(items=9), max_pages=2, name="t")
    assert await poller.poll_once() == 2  # == max_pages: the loop polls again at once
    assert bridge.position == TokenPosition("4")
    assert await poller.poll_once() == 2
    assert await poller.poll_once() == 1  # the last page: fewer than max_pages
    assert bridge.position == TokenPosition("9")


async def test_a_crash_between_pages_resumes_at_the_first_page_not_committed():
    bridge, source = FakeBridge(crash_at=1), Pages()
    with pytest.raises(RuntimeError, match="killed"):
        await RestPoller(bridge, source, name="t").poll_once()
    assert bridge.stored == TokenPosition("2")
    restarted = FakeBridge(stored=bridge.stored, known=dict(bridge.known))
    await RestPoller(restarted, source, name="t").poll_once()
    assert restarted.ingested == [(["3", "4"], TokenPosition("4")), (["5"], TokenPosition("5"))]


async def test_a_source_saying_more_without_moving_its_cursor_does_not_loop():
    bridge = FakeBridge(stored=TokenPosition("7"))

    async def stuck(position: TokenPosition) -> Page:
        return Page([record(7)], position, more=True)

    assert await RestPoller(bridge, stuck, max_pages=5, name="t").poll_once() == 1
    assert bridge.ingested == [(["7"], TokenPosition("7"))]  # changed record, same position: ingested once


async def test_a_page_that_cannot_be_read_raises_source_unavailable_and_keeps_the_position():
    bridge = FakeBridge(stored=TokenPosition("3"))

    async def broken(position: TokenPosition) -> Page:
        raise KeyError("next")

    with pytest.raises(SourceUnavailableError, match="KeyError"):
        await RestPoller(bridge, broken, name="t").poll_once()
    assert bridge.stored == TokenPosition("3") and not bridge.stats.legacy_reachable


def parse(body: Any, position: TokenPosition) -> Page:
    return Page([record(i["id"]) for i in body["data"]], TokenPosition(body["next"]), more=body["next"] is not None)


def http_source(handler) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://legacy")


async def test_http_pages_pass_the_cursor_as_a_query_parameter_and_parse_the_body():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.url.params))
        return httpx.Response(200, json={"data": [{"id": 3}], "next": None})

    async with http_source(handler) as client:
        fetch = HttpPages(client, "/api/insiden", parse, cursor_param="setelah", params={"per_halaman": "50"})
        page = await fetch(TokenPosition("abc"))
        await fetch(TokenPosition())
    assert seen == [{"per_halaman": "50", "setelah": "abc"}, {"per_halaman": "50"}]
    assert [r.source_id for r in page.records] == ["3"] and page.next == TokenPosition(None) and not page.more


@pytest.mark.parametrize(("response", "reason"), [
    (httpx.Response(503, text="maintenance"), "HTTP 503"),
    (httpx.Response(200, text="<html>login</html>"), "unreadable body"),
    (httpx.Response(200, content=json.dumps({"data": [], "next": None, "pad": "x" * 200}).encode()), "at most 100"),
])
async def test_http_pages_refuse_a_page_they_cannot_use(response, reason):
    async with http_source(lambda request: response) as client:
        with pytest.raises(SourceUnavailableError, match=reason):
            await HttpPages(client, "/api/insiden", parse, max_bytes=100)(TokenPosition())


async def test_http_pages_read_xml_as_text_for_the_bridge_to_parse():
    def parse_xml(body: str, position: TokenPosition) -> Page:
        assert body.startswith("<?xml")
        return Page([], TokenPosition("2"))

    async with http_source(lambda r: httpx.Response(200, text="<?xml version='1.0'?><daftar/>")) as client:
        page = await HttpPages(client, "/layanan", parse_xml, body=restpoll.text_body)(TokenPosition())
    assert page.next == TokenPosition("2")

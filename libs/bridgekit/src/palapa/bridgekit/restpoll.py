"""The REST-polling adapter: a source read page by page from a stored position, each page ingested with the
position it ends at, so a crash between pages resumes at the first page not committed.

The seam a bridge fills in is ONE function, `fetch_page(position) -> Page`:

    async def fetch_page(position: TokenPosition) -> Page:    # Page(records, next=TokenPosition(...), more=bool)

- `position.token` is whatever the source hands out to continue after (its API's cursor, a `next` token, an
  updated-since timestamp, a page number as text); `TokenPosition()` (token None) means "from the beginning".
  The kit stores it verbatim in the checkpoint (`position_columns()`, `encode`, `decode`) and never looks inside.
- `Page.records` are the kit's SourceRecords (the bridge turns each item into one: id, fingerprint, status,
  changed_at, the item itself). An item the bridge cannot read still becomes a record (its translation
  quarantines it): a page is never refused for one bad item.
- `Page.next` is the position AFTER this page; `Page.more` says whether the source has another page now.
- Raise when the page cannot be read at all (source away, HTTP error, a body that is not the source's
  format): the poll loop retries with backoff (the position stays where it was: nothing is skipped).

For HTTP sources, `HttpPages(client, path, parse)` is such a function: GET `path?{cursor_param}=token` (the
token sent as the source API's cursor parameter), the body decoded by `body` (`json_body`, the default, or
`text_body` for XML), then `parse(body, position) -> Page`, pure and unit-testable on recorded responses. Run a
poller with `loop.run_polls(poller.poll_once, stopping, interval, poller.max_pages)`: a poll that stopped at its
page bound (more pages waiting) returns `max_pages`, so the loop polls again at once.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import Column, Text

from .ingest import Bridge, SourceRecord
from .loop import SourceUnavailableError

#: a token longer than this is no continuation token (the checkpoint column takes text, but a log line quotes it)
TOKEN_MAX_CHARS = 2000
#: a page body larger than this is refused (the source is misbehaving; retrying later may help)
PAGE_MAX_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class TokenPosition:
    """Where to continue in the source: its own opaque token (e.g. its API's cursor); None = from the beginning."""

    token: str | None = None


@dataclass(frozen=True)
class Page:
    """One page read: its records, the position after it, and whether another page is waiting."""

    records: list[SourceRecord]
    next: TokenPosition
    more: bool = False


FetchPage = Callable[[TokenPosition], Awaitable[Page]]


def position_columns() -> list[Column]:
    """The checkpoint's column for a TokenPosition."""
    return [Column("position_token", Text, nullable=True)]


def encode(position: TokenPosition) -> dict[str, Any]:
    return {"position_token": position.token}


def decode(row: Mapping[str, Any]) -> TokenPosition:
    return TokenPosition(row["position_token"])


def checked(position: TokenPosition) -> TokenPosition:
    """The position if it can be stored; a ValueError naming the problem otherwise."""
    token = position.token
    if token is not None and (len(token) > TOKEN_MAX_CHARS or "\x00" in token):
        raise ValueError(f"the source returned an unusable token ({len(token):,} characters)")
    return position


def json_body(response: httpx.Response) -> Any:
    return json.loads(response.content)


def text_body(response: httpx.Response) -> str:
    return response.text


@dataclass
class HttpPages:
    """A FetchPage over HTTP: GET `path` with the token as the API's cursor parameter, the body parsed by `parse`."""

    client: httpx.AsyncClient
    path: str
    parse: Callable[[Any, TokenPosition], Page]
    cursor_param: str = "cursor"
    params: Mapping[str, str] = field(default_factory=dict)
    body: Callable[[httpx.Response], Any] = json_body
    max_bytes: int = PAGE_MAX_BYTES

    async def __call__(self, position: TokenPosition) -> Page:
        params = dict(self.params)
        if position.token is not None:
            params[self.cursor_param] = position.token
        response = await self.client.get(self.path, params=params)
        if response.status_code != 200:
            raise SourceUnavailableError(f"GET {self.path}: HTTP {response.status_code}")
        if len(response.content) > self.max_bytes:
            raise SourceUnavailableError(f"GET {self.path}: a {len(response.content):,}-byte page, "
                                         f"at most {self.max_bytes:,}")
        try:
            body = self.body(response)
        except ValueError as exc:  # not JSON / not text: the page as a whole is unreadable
            raise SourceUnavailableError(f"GET {self.path}: unreadable body: {type(exc).__name__}") from exc
        return self.parse(body, position)


class RestPoller:
    """Reads pages from the bridge's stored position and ingests each with the position it ends at.

    One poll reads at most `max_pages` pages (a backlog does not hold one poll forever: the heartbeat and
    shutdown get their turn). `name` prefixes the poll's span ('psc119 poll').
    """

    def __init__(self, bridge: Bridge, fetch_page: FetchPage, *, max_pages: int = 20, name: str) -> None:
        if max_pages < 1:
            raise ValueError("max_pages must be at least 1")
        self.bridge = bridge
        self.fetch_page = fetch_page
        self.max_pages = max_pages
        self.name = name

    @property
    def stats(self):
        return self.bridge.stats

    async def poll_once(self) -> int:
        """Page until the source has no more (or `max_pages`); returns pages read, `max_pages` if more wait."""
        bridge = self.bridge
        tracer = bridge.runtime.tracer
        for pages in range(1, self.max_pages + 1):
            position = bridge.position if bridge.position is not None else await bridge.load_position()
            try:
                page = await self.fetch_page(position)
                page = Page(page.records, checked(page.next), page.more)
            except Exception as exc:  # any failure to read a whole page: the source is (for now) unusable
                bridge.stats.legacy_reachable = False
                if isinstance(exc, SourceUnavailableError):
                    raise
                raise SourceUnavailableError(f"{type(exc).__name__}: {exc}"[:500]) from exc
            bridge.stats.legacy_reachable = True
            bridge.stats.polls += 1
            records = page.records
            if page.next == position:
                # nothing new after the position (or a source that repeats its last page): most polls end here
                records = await bridge.changed(records)
            if records or page.next != position:
                with tracer.start_as_current_span(f"{self.name} poll") as span:
                    done = await bridge.ingest(records, page.next, read_from=position)
                    span.set_attribute(f"{self.name}.records", len(page.records))
                    span.set_attribute(f"{self.name}.events", done.emitted)
                    span.set_attribute(f"{self.name}.quarantined", done.quarantined)
            if not page.more or page.next == position:  # a source saying "more" without moving would loop
                return min(pages, self.max_pages - 1)
        return self.max_pages

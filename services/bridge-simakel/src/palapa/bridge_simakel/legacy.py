"""Read Si Makel's API as it serves itself: GET /api/permohonan?sejak=…&halaman=…&per_halaman=… (XML).

The position (the kit's TokenPosition) is '<high-water tgl_update>|<page>'. Each poll asks for the requests
changed since the high water minus `lookback` — kelurahan PCs stamp their writes with clocks minutes
off, so a later write can carry an earlier time — and pages through them with the high water held still; after
the last page the high water moves to the newest plausible tgl_update seen. Re-read rows that did not change are
skipped by their fingerprint. A page that cannot be read at all (a DTD, broken XML) becomes one quarantined
record and the position stays: nothing after it is skipped unseen.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

import httpx

from palapa.bridgekit.ingest import SourceRecord
from palapa.bridgekit.loop import SourceUnavailableError
from palapa.bridgekit.restpoll import Page, TokenPosition
from palapa.simakel_legacy.xmlread import XmlRefusedError, parse_page

from . import translate

DATE = "%Y-%m-%d %H:%M:%S"
REFUSED = "__refused_page__"
# a row stamped further ahead of the server's clock than this is a typo: it must not carry the high water past
# real changes
AHEAD = timedelta(hours=1)


def split(position: TokenPosition) -> tuple[datetime | None, int]:
    """(high water, page) of a position; a token the bridge did not write starts over."""
    if not position.token:
        return None, 1
    high_water, _, page = position.token.partition("|")
    try:
        return (datetime.strptime(high_water, DATE) if high_water else None), max(1, int(page or "1"))
    except ValueError:
        return None, 1


def position_at(high_water: datetime | None, page: int) -> TokenPosition:
    """The position of `page` of the requests changed since `high_water` (None: since the beginning)."""
    return TokenPosition(f"{high_water.strftime(DATE) if high_water else ''}|{page}")


def record(obs: translate.Observed) -> SourceRecord:
    row = obs.row
    updated = translate.parse_time(row.get("tgl_update"))
    changed = updated if updated is not None else obs.observed_at.replace(tzinfo=None)
    return SourceRecord(source_id=translate.source_id(row), fingerprint=translate.fingerprint(row),
                        status=(row.get("kode_status") or "")[:20], changed_at=changed, row=row, item=obs)


def refused(reason: str, body: bytes, observed: datetime) -> SourceRecord:
    """A whole page that cannot be read, as one record its translation quarantines (once: same body, same id)."""
    digest = translate.fingerprint({"body": body.hex()[:20_000], "size": str(len(body))})
    row = {"halaman": body[:2000].decode("utf-8", "replace"), "ukuran": str(len(body)), REFUSED: reason}
    return SourceRecord(source_id=f"#halaman-{digest[:16]}", fingerprint=digest, status="-",
                        changed_at=observed.replace(tzinfo=None), row=row, item=translate.Observed(row, observed))


class SimakelPages:
    """The kit's FetchPage for Si Makel."""

    def __init__(self, client: httpx.AsyncClient, tz: tzinfo, *, page_size: int, lookback: timedelta,
                 max_bytes: int) -> None:
        self.client, self.tz, self.page_size, self.lookback, self.max_bytes = client, tz, page_size, lookback, max_bytes
        self.behind: datetime | None = None  # the high water while pages are waiting (the heartbeat's oldest unread)

    async def __call__(self, position: TokenPosition, *, listing: bool = False) -> Page:
        high_water, page = split(position)
        params = {"halaman": str(page), "per_halaman": str(self.page_size)}
        if high_water is not None:
            params["sejak"] = (high_water - self.lookback).strftime(DATE)
        observed = datetime.now(UTC)
        response = await self.client.get("/api/permohonan", params=params)
        if response.status_code != 200:
            raise SourceUnavailableError(f"GET /api/permohonan: HTTP {response.status_code}")
        body = response.content
        if len(body) > self.max_bytes:
            raise SourceUnavailableError(f"GET /api/permohonan: a {len(body):,}-byte page, at most {self.max_bytes:,}")
        try:
            data = parse_page(body)
        except XmlRefusedError as exc:
            return Page([refused(str(exc), body, observed)], position, more=False)
        skew = translate.skew_of(observed, data.server_time, self.tz)
        records = [record(translate.Observed(row, observed, skew)) for row in data.rows]
        if listing:  # the sweep's read: the poll's progress (behind) is not its to say
            return Page(records, position_at(high_water, page + 1), more=data.more)
        if data.more:
            self.behind = high_water or translate.EARLIEST
            return Page(records, position_at(high_water, page + 1), more=True)
        self.behind = None
        return Page(records, position_at(self.next_high_water(high_water, records, data.server_time), 1), more=False)

    async def everything(self) -> list[SourceRecord] | None:
        """Every request Si Makel holds now (all pages from the beginning), for the sweep; None when a page is
        refused (a partial listing proves nothing about what is gone)."""
        records: list[SourceRecord] = []
        position = TokenPosition()
        while True:
            page = await self(position, listing=True)
            if any(REFUSED in r.row for r in page.records):
                return None
            records += page.records
            if not page.more:
                return records
            position = page.next

    def next_high_water(self, high_water: datetime | None, records: list[SourceRecord],
                        server_time: str | None) -> datetime | None:
        """The newest tgl_update of the last page (rows come oldest first) not ahead of the server's clock."""
        server = translate.parse_time(server_time)
        horizon = (server or datetime.now(self.tz).replace(tzinfo=None)) + AHEAD
        times = [r.changed_at for r in records if r.changed_at <= horizon and r.changed_at >= translate.EARLIEST]
        best = max(times, default=high_water)
        return best if high_water is None or (best is not None and best > high_water) else high_water

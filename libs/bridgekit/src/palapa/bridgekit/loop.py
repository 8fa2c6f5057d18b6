"""The poll loop of a pull source: failures logged once per outage and retried with backoff, never fatal."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from palapa.kit.loops import Backoff, Outage, pause

from .ingest import CheckpointMovedError

log = logging.getLogger(__name__)


class SourceUnavailableError(RuntimeError):
    """The source could not be read (down, network, credentials)."""


async def run_polls(poll_once: Callable[[], Awaitable[int]], stopping: asyncio.Event, interval: float,
                    batch_size: int, source: str = "legacy database") -> None:
    """Poll until `stopping` is set; a poll returns how many rows it read beyond the position (a full batch: poll
    again now)."""
    backoff = Backoff(first=interval, cap=5.0)
    source_down = Outage(source, log)
    # the bridge's own database away: nothing committed, the poll is redone
    polls_failing = Outage("poll", log)
    while not stopping.is_set():
        delay = interval
        try:
            beyond = await poll_once()
        except SourceUnavailableError as exc:
            source_down.failed(exc)
            delay = backoff.next()
        except CheckpointMovedError as exc:
            log.warning("%s", exc)
        except Exception as exc:  # logged and retried: the bridge must not stop
            polls_failing.failed(exc)
            delay = backoff.next()
        else:
            source_down.recovered()
            polls_failing.recovered()
            backoff.reset()
            if beyond >= batch_size:
                continue  # more rows waiting: read on at once
        await pause(stopping, delay)

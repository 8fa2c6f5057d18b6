"""Waiting with a deadline instead of sleeping."""

from __future__ import annotations

import asyncio
import time


async def eventually(check, *, timeout: float = 60.0, interval: float = 0.25, what: str = "condition"):
    """Poll `check` (sync or async) until it returns a truthy value; fail with `what` after timeout.

    The first polls come quickly and then every `interval` at most: a check is often an HTTP request to a service
    under test, and many tests polling every 50 ms took CPU from the services they waited on. The deadline is
    generous because a loaded machine is slow, never because a passing test waits for it."""
    deadline = time.monotonic() + timeout
    last = None
    pause = 0.02
    while time.monotonic() < deadline:
        try:
            result = check()
            if asyncio.iscoroutine(result):
                result = await result
            if result:
                return result
        except AssertionError as exc:
            last = exc
        await asyncio.sleep(pause)
        pause = min(interval, pause * 1.5)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}" + (f": {last}" if last else ""))

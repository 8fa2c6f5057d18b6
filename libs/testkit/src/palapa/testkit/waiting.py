"""Waiting with a deadline instead of sleeping."""

from __future__ import annotations

import asyncio
import time


async def eventually(check, *, timeout: float = 20.0, interval: float = 0.05, what: str = "condition"):
    """Poll `check` (sync or async) until it returns a truthy value; fail with `what` after timeout."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if asyncio.iscoroutine(result):
                result = await result
            if result:
                return result
        except AssertionError as exc:
            last = exc
        await asyncio.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}" + (f": {last}" if last else ""))

"""Status callbacks as providers send them: signed, a little late, sometimes twice and sometimes out of order,
retried with backoff while the receiver does not answer 2xx, for `retry_for_s` (real providers retry for hours or
days: a receiver killed and restarted still learns what its provider took while it was away)."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

log = logging.getLogger(__name__)

Signer = Callable[[bytes], dict[str, str]]


@dataclass
class Quirks:
    duplicate_ratio: float = 0.0
    out_of_order_ratio: float = 0.0


@dataclass
class WebhookSender:
    """POSTs bodies to `url`, signed by `sign`; counts what happened (the simulator's listing shows it)."""

    client: httpx.AsyncClient
    url: str | None
    sign: Signer
    quirks: Quirks
    rng: random.Random = field(default_factory=random.Random)
    retry_for_s: float = 120.0
    retry_delay_s: float = 0.5
    sent: int = 0
    failed: int = 0
    duplicated: int = 0
    reordered: int = 0

    async def deliver_series(self, bodies: list[bytes], *, delay_s: float, duplicate_all: bool = False) -> None:
        """Send a message's callbacks one after another, `delay_s` apart, with the quirks."""
        bodies = list(bodies)
        if len(bodies) > 1 and self.rng.random() < self.quirks.out_of_order_ratio:
            i = self.rng.randrange(len(bodies) - 1)
            bodies[i], bodies[i + 1] = bodies[i + 1], bodies[i]  # a later status overtakes an earlier one
            self.reordered += 1
        for body in bodies:
            await asyncio.sleep(delay_s)
            await self.post(body)
            if duplicate_all or self.rng.random() < self.quirks.duplicate_ratio:
                self.duplicated += 1
                await self.post(body)

    async def post(self, body: bytes) -> bool:
        """One callback, retried while the receiver fails; False when it never took it."""
        if not self.url:
            return False
        deadline, attempt = asyncio.get_running_loop().time() + self.retry_for_s, 0
        while True:
            attempt += 1
            try:
                headers = {"Content-Type": "application/json", **self.sign(body)}
                answer = await self.client.post(self.url, content=body, headers=headers)
                if answer.is_success:
                    self.sent += 1
                    return True
                if answer.status_code < 500 and answer.status_code != 429:  # refused for what it is: final
                    log.warning("callback answered %s", answer.status_code)
                    break
                log.warning("callback answered %s (attempt %d)", answer.status_code, attempt)
            except httpx.HTTPError as exc:
                log.warning("callback failed: %s (attempt %d)", type(exc).__name__, attempt)
            pause = min(self.retry_delay_s * 2 ** (attempt - 1), 5.0)
            if asyncio.get_running_loop().time() + pause > deadline:
                break
            await asyncio.sleep(pause)
        self.failed += 1
        return False


def webhook_client() -> httpx.AsyncClient:
    """The client a simulator posts its callbacks with: every connection kept alive (httpx keeps 20 by default,
    so a burst of callbacks opened and closed a TCP connection each, on both sides)."""
    return httpx.AsyncClient(timeout=5, limits=httpx.Limits(max_connections=100, max_keepalive_connections=100))


class Background:
    """The simulator's pending callbacks: started now, awaited at shutdown (or cancelled after a grace)."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task] = set()

    def start(self, coro) -> None:
        task = asyncio.create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def idle(self, timeout_s: float) -> None:
        if self.tasks:
            await asyncio.wait(set(self.tasks), timeout=timeout_s)

    async def stop(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        await self.idle(2)

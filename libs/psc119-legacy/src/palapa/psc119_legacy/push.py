"""The app's webhook on each change, signed with the shared secret, with the quirks of the real one:
sometimes sent twice, sometimes held back and sent after the next one (out of order), sometimes lost.

Signature (what the bridge checks): X-PSC119-Signature: sha256=HMAC-SHA256(secret, f"{ts}." + body), with
X-PSC119-Timestamp: ts, the legacy server's Unix time (its clock runs a few minutes off).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import time
from collections.abc import Callable
from typing import Any

import httpx

log = logging.getLogger(__name__)


def signed(secret: bytes, body: bytes, now: float) -> dict[str, str]:
    ts = str(int(now))
    digest = hmac.new(secret, ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"X-PSC119-Timestamp": ts, "X-PSC119-Signature": f"sha256={digest}", "Content-Type": "application/json"}


def body_of(item: dict[str, Any]) -> bytes:
    return json.dumps({"jenis": "insiden.berubah", "data": item}, ensure_ascii=False).encode()


class Pusher:
    """Sends a webhook per change; `clock` is the legacy server's (skewed) Unix time."""

    def __init__(self, client: httpx.AsyncClient, url: str, secret: bytes, rng: random.Random, *,
                 duplicate_ratio: float, out_of_order_ratio: float, lost_ratio: float,
                 clock: Callable[[], float] = time.time) -> None:
        self.client, self.url, self.secret, self.rng, self.clock = client, url, secret, rng, clock
        self.duplicate_ratio, self.out_of_order_ratio, self.lost_ratio = duplicate_ratio, out_of_order_ratio, lost_ratio
        self.held: dict[Any, bytes] = {}  # per incident: a webhook held back, sent after the next one
        self.sent = self.failed = self.duplicated = self.reordered = self.lost = 0

    async def changed(self, key: Any, item: dict[str, Any]) -> None:
        """One change of incident `key`: push it (with the quirks)."""
        body = body_of(item)
        if self.rng.random() < self.lost_ratio:
            self.lost += 1  # the app's queue dropped it: only a poll will find this version
            return
        if key not in self.held and self.rng.random() < self.out_of_order_ratio:
            self.held[key] = body
            self.reordered += 1
            return
        await self.send(body)
        if self.rng.random() < self.duplicate_ratio:
            self.duplicated += 1
            await self.send(body)
        if (late := self.held.pop(key, None)) is not None:
            await self.send(late)  # the older version arrives after the newer one

    async def send(self, body: bytes) -> int | None:
        try:
            answer = await self.client.post(self.url, content=body, headers=signed(self.secret, body, self.clock()))
        except httpx.HTTPError as exc:  # the bridge away: the legacy app does not retry (polling catches up)
            self.failed += 1
            log.warning("webhook to %s failed: %s", self.url, type(exc).__name__)
            return None
        self.sent += 1
        if answer.status_code >= 400:
            log.warning("webhook to %s answered %s", self.url, answer.status_code)
        return answer.status_code

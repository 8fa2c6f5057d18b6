"""Chaos's messages: notify-svc is killed (kill -9) while it sends, and every message asked for must reach its
simulated provider exactly once.

An OPD's app sends `POST /v2/notifications/{channel}` through the whole run, as a careful client does: a request
that got no answer (notify-svc killed under it) is asked again under the same Idempotency-Key until answered, so
the message ids it holds are exactly the messages notify-svc took. The simulators answer a send 0.3 s after they
took the message (a real API's latency), so a kill of notify-svc while it sends leaves messages the provider took and
notify-svc never recorded: their callbacks, retried by the provider until notify-svc is back, say so (the message
is not sent again); messages the provider never got are claimed again when their lease ends and sent under the same
id. After the platform settles, the simulators' records are counted by message id: lost and doubled must be 0.
"""

from __future__ import annotations

import asyncio
import random
import time

import httpx

from palapa.devstack import Stack
from palapa.tools.scratch import staff_token
from palapa.tools.sim_messages import SIMULATORS, Tally, arrivals, messages_env, notification, tally

PROCESSES = tuple(process for process, _ in SIMULATORS.values())
RECIPIENTS = 500


def env() -> dict[str, dict[str, str]]:
    """Stack.extra_env of the message path: the simulators slow to answer (notify-svc keeps its 60 s lease: a
    provider's callbacks must reach the restarted notify-svc before a killed sender's lease ends)."""
    return {**messages_env(), "sim-whatsapp": {"SIM_WHATSAPP_SEND_DELAY_SECONDS": "0.3"},
            "sim-sms": {"SIM_SMS_SEND_DELAY_SECONDS": "0.3"}}


def with_notify_kill(schedule: list[tuple[float, str]], rng: random.Random, seconds: float) -> list[tuple[float, str]]:
    """The kill plan with at least one kill of notify-svc (while the app sends: it sends all run long)."""
    if any(victim == "notify-svc" for _, victim in schedule):
        return schedule
    margin = min(5.0, seconds / 10)
    return sorted([*schedule, (rng.uniform(margin, seconds - margin), "notify-svc")])


class Sender:
    """The OPD's app: `per_minute` notifications until stopped, each asked again until notify-svc answers it."""

    def __init__(self, stack: Stack, per_minute: float = 300) -> None:
        self.stack, self.interval = stack, 60 / per_minute
        self.requested: dict[str, set[str]] = {channel: set() for channel in SIMULATORS}
        self.asked_again = 0
        self.refused: list[str] = []
        self.stopping = asyncio.Event()
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        url = self.stack.running["notify-svc"].url
        sre = {"Authorization": f"Bearer {await staff_token(self.stack, 'sre')}"}
        async with httpx.AsyncClient(timeout=30) as http:
            issued = await http.post(f"{url}/v2/api-keys", headers=sre, json={"name": "chaos", "opd": "DISKOMINFO"})
            issued.raise_for_status()
        self._task = asyncio.create_task(self._send_all(url, issued.json()["secret"]))

    async def stop(self) -> None:
        """Stop asking; every request already made is answered first."""
        self.stopping.set()
        if self._task is not None:
            await self._task

    def cancel(self) -> None:
        """Stop at once, unanswered requests left as they are (the run failed on its way)."""
        self.stopping.set()
        if self._task is not None:
            self._task.cancel()

    async def _send_all(self, url: str, key: str) -> None:
        tasks: set[asyncio.Task] = set()
        async with httpx.AsyncClient(timeout=10) as http:
            n, started = 0, time.monotonic()
            while not self.stopping.is_set():
                task = asyncio.create_task(self._send(http, url, key, n))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                n += 1
                await asyncio.sleep(max(0.0, started + n * self.interval - time.monotonic()))
            await asyncio.gather(*tasks)

    async def _send(self, http: httpx.AsyncClient, url: str, key: str, n: int) -> None:
        channel, body = notification(n, RECIPIENTS, "chaos")
        headers = {"Authorization": f"ApiKey-v1 {key}", "Idempotency-Key": f"chaos-{n}"}
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                resp = await http.post(f"{url}/v2/notifications/{channel}", json=body, headers=headers)
            except httpx.HTTPError:
                resp = None
            if resp is not None and resp.status_code in (200, 201):
                self.requested[channel].add(resp.json()["id"])
                return
            if resp is not None and resp.status_code < 500:
                self.refused.append(f"chaos-{n}: {resp.status_code} {resp.text[:120]}")
                return
            self.asked_again += 1
            await asyncio.sleep(1)
        self.refused.append(f"chaos-{n}: notify-svc never answered within 300 s")

    async def count(self, timeout_s: float) -> Tally:
        """Wait (up to `timeout_s`) until the simulators hold every message asked for; the count either way."""
        urls = {name: run.url for name, run in self.stack.running.items() if name in PROCESSES}
        deadline = time.monotonic() + timeout_s
        async with httpx.AsyncClient(timeout=60) as http:
            while True:
                counted = tally(self.requested, await arrivals(http, urls))
                if not any(counted.lost.values()) or time.monotonic() > deadline:
                    return counted
                await asyncio.sleep(3)

    def lines(self, counted: Tally | None) -> list[str]:
        asked = sum(len(ids) for ids in self.requested.values())
        out = [f"messages: {asked} asked for through notify-svc's API ({self.asked_again} requests asked again "
               f"after no answer, {len(self.refused)} refused)"]
        out += [f"  refused: {line}" for line in self.refused[:3]]
        out += [f"  {line}" for line in counted.lines()] if counted else ["  messages not counted"]
        return out

"""Fuzz every HTTP route: each answer must be below 500, each 4xx must say why, known tickets still answer."""

from __future__ import annotations

import asyncio
import random

import httpx

from .canary import Canary, wait_all
from .report import Tally
from .requests import Request, Requests

CANARY_EVERY = 10
SSE_WATCH_S = 1.5  # a healthy stream stays open (history, then keep-alives); one cut before this is a failure


async def run(http: httpx.AsyncClient, urls: dict[str, str], count: int, rng: random.Random, tally: Tally,
              known_ticket: str, deadline_s: float) -> None:
    """Send `count` generated requests; every CANARY_EVERY of them, check the known ticket still answers 200."""
    requests = Requests(rng, known_ticket)
    canaries: list[Canary] = []
    for n in range(count):
        req = requests.one()
        await _send(http, urls, req, tally)
        tally.sent["api"] += 1
        if (n + 1) % CANARY_EVERY == 0 or n == count - 1:
            canaries.extend(_canaries(http, urls, known_ticket, req.describe(), n))
            await wait_all(canaries, tally, "api", deadline_s)
            canaries.clear()


def _canaries(http: httpx.AsyncClient, urls: dict[str, str], ticket: str, after: str, n: int) -> list[Canary]:
    def ok(url: str):
        async def check() -> bool:
            return (await http.get(url)).status_code == 200

        return check

    return [
        Canary("complaint-svc API", f"GET /complaints/{ticket} #{n}", after,
               ok(f"{urls['complaint-svc']}/complaints/{ticket}")),
        Canary("notify-svc API", f"GET /tickets/{ticket} #{n}", after, ok(f"{urls['notify-svc']}/tickets/{ticket}")),
        Canary("catalog-svc API", f"GET /apps/curhat-ning-ita #{n}", after,
               ok(f"{urls['catalog-svc']}/apps/curhat-ning-ita")),
    ]


async def _send(http: httpx.AsyncClient, urls: dict[str, str], req: Request, tally: Tally) -> None:
    url = urls[req.service] + req.path
    try:
        async with http.stream(req.method, url, headers=req.headers, content=req.body,
                               timeout=httpx.Timeout(10, read=SSE_WATCH_S if req.sse else 10)) as resp:
            if req.sse and resp.status_code == 200:
                if await _cut(resp):
                    tally.cut_streams += 1
                    tally.fail("api", "SSE stream cut at once (a 500 in disguise)", req.describe())
                return
            await resp.aread()
            _judge(req, resp, tally)
    except (httpx.LocalProtocolError, UnicodeEncodeError):
        return  # the client itself will not send it (e.g. a NUL in a header): nothing reached the service
    except httpx.TimeoutException:
        tally.answers_5xx += 1
        tally.fail("api", "no answer within 10s", req.describe())
    except httpx.TransportError as exc:
        tally.answers_5xx += 1
        tally.fail("api", "connection broken", req.describe(), repr(exc))


async def _cut(resp: httpx.Response) -> bool:
    """True when an SSE stream ends or breaks within SSE_WATCH_S."""
    try:
        await asyncio.wait_for(_drain(resp), SSE_WATCH_S)
        return True
    except (TimeoutError, httpx.ReadTimeout):
        return False
    except httpx.TransportError:
        return True


async def _drain(resp: httpx.Response) -> None:
    async for _ in resp.aiter_raw():
        pass


def _judge(req: Request, resp: httpx.Response, tally: Tally) -> None:
    status = resp.status_code
    if status >= 500:
        tally.answers_5xx += 1
        tally.fail("api", f"{status}", req.describe(), resp.text[:120])
    elif status >= 400:
        tally.answers_4xx += 1
        try:
            reason = resp.json().get("reason")
        except (ValueError, AttributeError):
            reason = None
        if not isinstance(reason, str) or not reason:
            tally.no_reason_4xx += 1
            tally.fail("api", f"{status} without a JSON reason", req.describe(), resp.text[:120])

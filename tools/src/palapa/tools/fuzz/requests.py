"""Seeded generator of hostile HTTP requests for every route of the platform's services (pure)."""

from __future__ import annotations

import base64
import json
import random
from dataclasses import dataclass, field
from urllib.parse import quote

from .values import UNICODE_DIGITS, Values

# (service, path template, query parameters it reads); {t} a ticket, {a} an app id
ROUTES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("complaint-svc", "/complaints/{t}", ()),
    ("complaint-svc", "/complaints", ("opd", "status", "limit", "cursor", "overdue")),
    ("notify-svc", "/tickets/{t}", ()),
    ("notify-svc", "/tickets/{t}/events", ("last_event_id",)),
    ("notify-svc", "/", ()),
    ("notify-svc", "/app.js", ()),
    ("notify-svc", "/style.css", ()),
    ("catalog-svc", "/apps", ("q", "opd", "audience")),
    ("catalog-svc", "/apps/{a}", ()),
    ("tracking-svc", "/tickets/{t}", ()),
    *((svc, path, ()) for svc in ("complaint-svc", "notify-svc", "catalog-svc", "tracking-svc", "bridge-curhat")
      for path in ("/healthz", "/readyz", "/metrics", "/openapi.json", "/docs")),
)
SERVICES = ("complaint-svc", "notify-svc", "catalog-svc", "bridge-curhat")
METHODS = ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO")


@dataclass(frozen=True)
class Request:
    service: str
    method: str
    path: str  # already percent-encoded, sent as is
    headers: dict[str, bytes] = field(default_factory=dict)
    body: bytes | None = None

    @property
    def sse(self) -> bool:
        return self.path.split("?")[0].endswith("/events") and self.method == "GET"

    def describe(self) -> str:
        heads = {k: v[:40] for k, v in self.headers.items()}
        return f"{self.method} {self.service}{self.path[:200]} {heads if heads else ''}".rstrip()


class Requests:
    """Seeded requests: odd path segments, query values, headers, methods and routes that do not exist."""

    def __init__(self, rng: random.Random, known_ticket: str) -> None:
        self.rng, self.v, self.known = rng, Values(rng), known_ticket

    def one(self) -> Request:
        r = self.rng
        roll = r.random()
        if roll < 0.08:
            return Request(r.choice(SERVICES), "GET", "/" + self.segment())  # a route that does not exist
        service, template, params = r.choice(ROUTES)
        path = template.replace("{t}", self.segment(ticket=True)).replace("{a}", self.segment())
        if params and r.random() < 0.9:
            chosen = r.sample(params, r.randint(1, len(params)))
            path += "?" + "&".join(f"{p}={self.param(p)}" for p in chosen)
        headers = self.headers(path)
        if roll < 0.2:
            body = r.choice((None, b"{}", b"\x00\xff", b"x" * 100_000))
            return Request(service, r.choice(METHODS), path, headers, body)
        return Request(service, "GET", path, headers)

    def segment(self, ticket: bool = False) -> str:
        r, v = self.rng, self.v
        raw = r.choice((
            self.known, "CURHAT-1", f"CURHAT-{v.huge_int()}", f"CURHAT-{r.choice(UNICODE_DIGITS)}", "%00",
            "CURHAT-1%00", "A" * r.randint(65, 10_000), "😀", "..%2F..%2Fetc%2Fpasswd", "%ff%fe", "curhat-1",
            "-", "%20", v.unicode_mess(5), v.control(5), v.nik(), "CURHAT-" + "9" * 70, "curhat-ning-ita",
        ))
        if ticket and r.random() < 0.2:
            raw = self.known
        return raw if "%" in raw else quote(raw, safe="")

    def param(self, name: str) -> str:
        r, v = self.rng, self.v
        if name == "cursor" and r.random() < 0.6:
            return quote(self.cursor(), safe="")
        raw = r.choice((
            v.huge_int(), r.choice(UNICODE_DIGITS), "%00", "", " ", "-5", "1" * 400, v.unicode_mess(4),
            v.control(4), "true", "received", "DISHUB", "warga", "x" * r.randint(90, 5000),
        ))
        return raw if "%" in raw else quote(raw, safe="")

    def cursor(self) -> str:
        """Cursors that are not base64, or decode to NUL, to odd JSON, or to dates out of range."""
        r, v = self.rng, self.v

        def b64(raw: bytes) -> str:
            return base64.urlsafe_b64encode(raw).decode().rstrip("=" if r.random() < 0.5 else "")

        return r.choice((
            "!!!", "%%%", b64(b"\x00"), b64(v.bad_bytes(20)), b64(b"[]"), b64(b"null"), b64(b"42"),
            b64(json.dumps({"at": v.calendar_end(), "t": "CURHAT-1"}).encode()),
            b64(json.dumps({"at": "2026-01-01T00:00:00+00:00", "t": "\u0000"}).encode()),
            b64(json.dumps({"at": "2026-01-01T00:00:00", "t": "CURHAT-1"}).encode()),
            b64(json.dumps({"at": "2026-01-01T00:00:00+00:00", "t": 10**30}).encode()),
            b64(json.dumps({"at": "2026-01-01T00:00:00+00:00", "t": "x" * 100_000}).encode()),
            "A" * r.randint(1, 20_000),
        ))

    def headers(self, path: str) -> dict[str, bytes]:
        r, v = self.rng, self.v
        headers: dict[str, bytes] = {}
        if "/events" in path or r.random() < 0.1:
            headers["Last-Event-ID"] = r.choice((
                v.huge_int(), r.choice(UNICODE_DIGITS), "-1", " ", "1.5", "9" * 40, v.unicode_mess(2),
            )).encode()
        if r.random() < 0.2:
            headers[r.choice(("Accept", "Content-Type", "Accept-Language", "X-Forwarded-For"))] = r.choice((
                b"\xff\xfe", b"*/*;q=2", b"text/event-stream", b"application/json; charset=\xf0\x9f\x94\xa5",
                b"x" * 8000,
            ))
        return headers

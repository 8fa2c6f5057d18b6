"""Hostile requests to every route of complaint-svc get a 4xx with a reason, never a 500.

One service start for the whole table (a start costs seconds); a failure lists every request that went wrong.
"""

import base64
import json

import pytest

pytestmark = pytest.mark.integration


def token_of(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def listing(**params):
    return ("GET", "/complaints", params)


AT = "2026-11-20T01:30:00+00:00"
#: (method, path, query parameters) → (status, reason)
HOSTILE = [
    (listing(limit="²"), (422, "invalid_limit")),
    (listing(limit="٣"), (422, "invalid_limit")),
    (listing(limit="9" * 5000), (422, "invalid_limit")),
    (listing(limit="-1"), (422, "invalid_limit")),
    (listing(opd="DPUPR\x00"), (422, "invalid_opd")),
    (listing(opd="ﬀ"), (422, "invalid_opd")),
    (listing(status="received\x00"), (422, "invalid_status")),
    (listing(overdue="\x00"), (422, "invalid_overdue")),
    (listing(cursor=token_of({"at": AT, "t": "CURHAT-\x00"})), (422, "invalid_cursor")),
    (listing(cursor=token_of({"at": AT, "t": "\ud800"})), (422, "invalid_cursor")),
    (listing(cursor=token_of({"at": "0001-01-01T00:00:00+05:00", "t": "CURHAT-1"})), (422, "invalid_cursor")),
    (listing(cursor=token_of({"at": "9999-12-31T23:59:59-05:00", "t": "CURHAT-1"})), (422, "invalid_cursor")),
    (listing(cursor="x" * 20_000), (422, "invalid_cursor")),
    (listing(cursor="%ZZ%"), (422, "invalid_cursor")),
    *[(("GET", path, {}), (422, "malformed_ticket")) for path in [
        "/complaints/CURHAT-1%00", "/complaints/%ZZ", "/complaints/%C0%80", "/complaints/" + "A" * 10_000,
        "/complaints/CURHAT-%E2%80%AE1", "/complaints/-1", "/complaints/%F0%9F%92%A9", "/complaints/CURHAT-1%0A"]],
    *[(("GET", path, {}), (404, "not_found")) for path in [
        "/complaints/CURHAT-1/extra", "/complaint", "/complaints/A-1/../../etc/passwd", "/" + "x" * 10_000,
        "/%00", "/healthz/x"]],
    *[((method, path, {}), (405, "method_not_allowed"))
      for method in ("POST", "PUT", "DELETE", "PATCH")
      for path in ("/complaints", "/complaints/CURHAT-1", "/healthz", "/readyz", "/metrics", "/asyncapi.json")
      if (method, path) != ("POST", "/complaints")],  # the citizen's form files there
    (("POST", "/complaints", {}), (422, "invalid_form")),
]


async def test_every_hostile_request_is_refused_with_its_reason(service):
    wrong = []
    for (method, path, params), (status, reason) in HOSTILE:
        res = await service.http.request(method, path, params=params, content=b"\x00" * 64 if method != "GET" else None)
        body = res.json() if res.headers.get("content-type") == "application/json" else {}
        if (res.status_code, body.get("reason")) != (status, reason) or not body.get("detail"):
            wrong.append(f"{method} {path[:60]} {params!r:.80}: {res.status_code} {res.text[:120]}")
    assert wrong == []


async def test_a_page_token_at_the_ends_of_the_calendar_still_reads_a_page(service):
    for at in ("0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00"):
        res = await service.http.get("/complaints", params={"cursor": token_of({"at": at, "t": "ZZZ-9"})})
        assert res.status_code == 200 and res.json()["items"] == []

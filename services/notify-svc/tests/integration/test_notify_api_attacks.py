"""Hostile requests to every route of notify-svc, over real HTTP: a 4xx with a reason, never a 500 or a cut stream.

One server for the whole table (a start costs seconds); a failure lists every request that went wrong.
"""

import pytest

pytestmark = pytest.mark.integration

TICKET = "CURHAT-1042"
EVENTS = f"/tickets/{TICKET}/events"

#: (method, path, headers, query parameters) → (status, reason)
HOSTILE = [
    (("GET", EVENTS, {"Last-Event-ID": "2147483648"}, {}), (422, "invalid_last_event_id")),  # past the int4 column
    (("GET", EVENTS, {"Last-Event-ID": "9" * 5000}, {}), (422, "invalid_last_event_id")),
    (("GET", EVENTS, {"Last-Event-ID": "²".encode()}, {}), (422, "invalid_last_event_id")),
    (("GET", EVENTS, {"Last-Event-ID": b"\xff\xfe"}, {}), (422, "invalid_last_event_id")),
    (("GET", EVENTS, {"Last-Event-ID": "1 2"}, {}), (422, "invalid_last_event_id")),
    (("GET", EVENTS, {}, {"last_event_id": "٣"}), (422, "invalid_last_event_id")),
    (("GET", EVENTS, {}, {"last_event_id": "1\x00"}), (422, "invalid_last_event_id")),
    (("GET", EVENTS, {}, {"last_event_id": "-2147483649"}), (422, "invalid_last_event_id")),
    *[(("GET", path, {}, {}), (422, "malformed_ticket")) for path in [
        "/tickets/CURHAT-1%00/events", "/tickets/%ZZ/events", "/tickets/%C0%80", "/tickets/" + "A" * 5000,
        "/tickets/CURHAT-%E2%80%AE1", "/tickets/%F0%9F%92%A9/events", "/tickets/CURHAT-1%0A"]],
    (("GET", EVENTS, {}, {}), (401, "capability_required")),  # the ticket alone opens nothing
    (("GET", f"/tickets/{TICKET}", {}, {}), (401, "capability_required")),
    *[(("GET", path, {}, {}), (404, "not_found")) for path in [
        "/tickets", "/tickets/CURHAT-1/events/x", "/app.js/x", "/" + "x" * 5000, "/%00", "/docs-assets/nothing.js"]],
    *[((method, path, {}, {}), (405, "method_not_allowed"))
      for method in ("POST", "PUT", "DELETE", "PATCH")
      for path in (EVENTS, f"/tickets/{TICKET}", "/", "/app.js", "/style.css", "/healthz", "/readyz", "/metrics",
                   "/asyncapi.json")],
]


async def test_every_hostile_request_is_refused_with_its_reason(service):
    wrong = []
    for (method, path, headers, params), (status, reason) in HOSTILE:
        res = await service.http.request(method, path, headers=headers, params=params)
        body = res.json() if res.headers.get("content-type") == "application/json" else {}
        if (res.status_code, body.get("reason")) != (status, reason) or not body.get("detail"):
            wrong.append(f"{method} {path[:60]} {headers!r:.40} {params!r:.40}: {res.status_code} {res.text[:120]}")
    assert wrong == []


async def test_the_highest_revision_the_store_holds_opens_a_stream(service):
    async with service.http.stream("GET", EVENTS, headers={"Last-Event-ID": "2147483647", **service.staff}) as res:
        assert res.status_code == 200
        assert res.headers["content-type"].startswith("text/event-stream")

"""Hostile requests to every route of catalog-svc get a 4xx with a reason, never a 500.

One service start for the whole table (a start costs seconds); a failure lists every request that went wrong.
"""

import pytest

pytestmark = pytest.mark.integration

#: (method, path, query parameters) → (status, reason)
HOSTILE = [
    (("GET", "/apps", {"audience": "warga\x00"}), (422, "invalid_audience")),
    (("GET", "/apps", {"audience": "ＷＡＲＧＡ"}), (422, "invalid_audience")),
    (("GET", "/apps", {"q": "x" * 5000}), (422, "invalid_query")),
    (("GET", "/apps", {"opd": "D" * 5000}), (422, "invalid_opd")),
    *[(("GET", path, {}), (422, "malformed_app_id")) for path in [
        "/apps/curhat%00", "/apps/%ZZ", "/apps/%C0%80", "/apps/" + "a" * 5000, "/apps/CURHAT", "/apps/-x",
        "/apps/%F0%9F%92%A9", "/apps/curhat%0A"]],
    *[(("GET", path, {}), (404, "not_found")) for path in ["/apps/curhat/x", "/app", "/" + "x" * 5000, "/%00"]],
    *[((method, path, {}), (405, "method_not_allowed"))
      for method in ("POST", "PUT", "DELETE", "PATCH")
      for path in ("/apps", "/apps/curhat-ning-ita", "/healthz", "/readyz", "/metrics", "/asyncapi.json")
      if (method, path) != ("PATCH", "/apps/curhat-ning-ita")],  # PATCH edits an entry (test_catalog_registry)
    (("PATCH", "/apps/curhat-ning-ita", {}), (422, "invalid_json")),
    (("POST", "/apps/curhat-ning-ita/retire", {}), (422, "invalid_json")),
    (("GET", "/apps/curhat-ning-ita/history", {"limit": "-1"}), (422, "invalid_request")),
    (("GET", "/apps/curhat-ning-ita/history", {"before": "9" * 40}), (422, "invalid_request")),
    (("GET", "/apps/lapor-hilang/history", {}), (404, "unknown_app")),
    (("GET", "/apps/%00/history", {}), (422, "malformed_app_id")),
]

#: Odd but harmless: answered 200 (an empty or filtered list).
ODD = [{"q": "\x00"}, {"q": "ﬀ ² ٣ \u202e"}, {"q": "%"}, {"opd": "\x00"}, {"q": "", "opd": "", "audience": "warga"}]


async def test_every_hostile_request_is_refused_with_its_reason(catalog):
    wrong = []
    for (method, path, params), (status, reason) in HOSTILE:
        res = await catalog.http.request(method, path, params=params)
        body = res.json() if res.headers.get("content-type") == "application/json" else {}
        if (res.status_code, body.get("reason")) != (status, reason) or not body.get("detail"):
            wrong.append(f"{method} {path[:60]} {params!r:.60}: {res.status_code} {res.text[:120]}")
    assert wrong == []


async def test_odd_search_texts_are_answered_with_a_list(catalog):
    for params in ODD:
        res = await catalog.http.get("/apps", params=params)
        assert res.status_code == 200 and isinstance(res.json()["items"], list), params

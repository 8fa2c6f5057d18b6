"""Checks a service's protection table against its routes as its OpenAPI document lists them.

    def test_every_route_of_the_service_has_a_rule():
        assert_routes_protected(build_app(settings))

Fails when a write route (POST/PUT/PATCH/DELETE) has no rule, or a read route is neither protected nor
explicitly public (no rule: it would only be closed by default, and the table should say what it is).
"""

from __future__ import annotations

from palapa.kit.auth import ProtectionTable

METHODS = ("get", "head", "post", "put", "patch", "delete")


def openapi_routes(app) -> list[tuple[str, str]]:
    """Every (METHOD, path template) of the app's OpenAPI document."""
    paths = app.openapi().get("paths", {})
    return sorted((m.upper(), path) for path, ops in paths.items() for m in ops if m in METHODS)


def unruled_routes(app, table: ProtectionTable | None = None) -> tuple[list[str], list[str]]:
    """(write routes without a rule, read routes without a rule) of the app's OpenAPI document."""
    table = table or getattr(app.state, "protection", None)
    if table is None:
        raise AssertionError("the app has no protection table (service_app(..., protection=TABLE))")
    return table.gaps(openapi_routes(app))


def assert_routes_protected(app, table: ProtectionTable | None = None) -> None:
    writes, reads = unruled_routes(app, table)
    problems = [f"write route without a rule: {r}" for r in writes]
    problems += [f"read route neither protected nor public: {r}" for r in reads]
    assert not problems, "the protection table misses routes:\n  " + "\n  ".join(problems)

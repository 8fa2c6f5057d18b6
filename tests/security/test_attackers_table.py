"""The attacker's table, generated: every write route of every service (from its OpenAPI document), with no token,
a forged one, an expired one and one for another audience, is refused with 401 and its reason. The apps run
in-process without their lifespan: a request that got past the table would find no database and fail otherwise.

Every refusal is also on the service's audit log (`access.refused`: the route, the reason, the actor when the token
held, else `anonim`), written by the kit's guard before any route code runs.

Public write routes are left out by name in their service's table, each with why (the citizens' form, a rating,
Open311's api_key, the PSC 119 webhook's HMAC signature); this file prints them. Open311's POST also takes an OPD
client's bearer token, which must hold when sent."""

from __future__ import annotations

import re

import httpx
import pytest

from palapa.kit.auth import Needs, Permission, Public, routes_of
from palapa.testkit.protection import assert_routes_protected, openapi_routes

from .apps import SERVICES, refusals_of

WRITES = ("POST", "PUT", "PATCH", "DELETE")
KINDS = ("none", "forged", "expired", "wrong_audience")
#: a plausible value for each path parameter, so that the route is the one matched
SAMPLE = {"app_id": "cctv", "ticket": "PORTAL-1", "day": "2026-12-24", "fmt": "json", "group_id": "ktp",
          "service_id": "akta-kelahiran", "name": "x.json", "asset": "app.js", "nop": "357601000100000010"}


def concrete(template: str) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: SAMPLE.get(m.group(1), "x"), template)


def protected_writes(app) -> list[tuple[str, str]]:
    table = app.state.protection
    return [(m, p) for m, p in openapi_routes(app) if m in WRITES and not isinstance(table.rule(m, p), Public)]


async def send(app, method: str, path: str, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as http:
        return await http.request(method, concrete(path), json={}, headers=headers)


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_route_of_the_service_has_a_rule(apps, service):
    app = apps[service]
    assert_routes_protected(app)
    # and the routes the OpenAPI document leaves out (pages, their assets): none is closed by accident
    assert app.state.protection.gaps(routes_of(app)) == ([], [])


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("service", sorted(SERVICES))
async def test_every_protected_write_refuses_an_attackers_token_with_its_reason(apps, bad_tokens, service, kind):
    app = apps[service]
    token, reason = bad_tokens[kind]
    wrong = []
    for method, path in protected_writes(app):
        res = await send(app, method, path, token)
        body = res.json() if res.headers.get("content-type", "").startswith("application/json") else {}
        if (res.status_code, body.get("reason")) != (401, reason) or not body.get("detail") or not res.headers.get(
                "WWW-Authenticate", "").startswith('Bearer realm="palapa"'):
            wrong.append(f"{method} {path}: {res.status_code} {res.text[:160]}")
        elif not await refused_on_the_record(app, method, path, "anonim", reason):
            wrong.append(f"{method} {path}: refused ({reason}) but not on the audit log")
    assert wrong == []


async def refused_on_the_record(app, method: str, path: str, actor: str, reason: str) -> bool:
    """The refusal is on the service's audit log: its route, reason and actor (anonim when no token held)."""
    return any((r["actor"], r["why"], r["action"]) == (actor, reason, "access.refused")
               for r in await refusals_of(app, f"{method} {path}"))


def bearer_optional_writes(app) -> list[tuple[str, str]]:
    """Public write routes with a credential of their own that also take a bearer token (Open311's POST)."""
    table = app.state.protection
    return [(m, p) for m, p in openapi_routes(app)
            if m in WRITES and isinstance(rule := table.rule(m, p), Public) and rule.bearer is not None]


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "none"])
async def test_a_bearer_sent_to_a_route_with_its_own_credential_must_hold(apps, bad_tokens, kind):
    token, reason = bad_tokens[kind]
    routes = {name: bearer_optional_writes(app) for name, app in apps.items()}
    assert routes["complaint-svc"] == [("POST", "/open311/v2/requests.{fmt}")]
    wrong = []
    for name, found in routes.items():
        for method, path in found:
            res = await send(apps[name], method, path, token)
            if (res.status_code, res.json().get("reason")) != (401, reason):
                wrong.append(f"{name} {method} {path}: {res.status_code} {res.text[:160]}")
            elif not await refused_on_the_record(apps[name], method, path, "anonim", reason):
                wrong.append(f"{name} {method} {path}: refused ({reason}) but not on the audit log")
    assert wrong == []


def test_the_table_covers_a_write_route_in_every_service_with_staff_writes(apps):
    counted = {name: len(protected_writes(app)) for name, app in apps.items()}
    print("protected write routes:", counted)
    print("public write routes:", {name: [f"{m} {p}: {app.state.protection.rule(m, p).why}"
                                          for m, p in openapi_routes(app) if m in WRITES and
                                          isinstance(app.state.protection.rule(m, p), Public)]
                                   for name, app in apps.items()})
    # every service also has the kit's three operations (outbox release and discard, re-delivery: SRE's)
    # catalog: 7 + the signing keys' 2; complaint: 6 + the re-routing and the leaders' instruction
    assert counted["catalog-svc"] == 9 + 3 and counted["complaint-svc"] == 8 + 3
    assert counted["bridge-curhat"] == counted["bridge-mapped"] == 1 + 3  # the replay, where a bridge can replay
    assert counted["ops-svc"] == 2 + 3  # a dead letter's re-drive and discard
    assert all(n >= 3 for n in counted.values())


@pytest.mark.parametrize("who", ["nobody", "dishub", "desk", "sre"])
async def test_a_catalog_write_without_the_catalog_role_is_refused_403(apps, identity_provider, who):
    app, token = apps["catalog-svc"], await identity_provider.token(who)
    wrong = []
    for method, path in guarded_by(app, Permission.CATALOG_WRITE):
        res = await send(app, method, path, token)
        if (res.status_code, res.json().get("reason")) != (403, "role_missing"):
            wrong.append(f"{method} {path}: {res.status_code} {res.text[:160]}")
    assert wrong == []


@pytest.mark.parametrize("who", ["nobody", "dishub", "desk"])
async def test_a_signing_key_write_without_the_catalog_admin_or_sre_role_is_refused_403(apps, identity_provider, who):
    app, token = apps["catalog-svc"], await identity_provider.token(who)
    routes = guarded_by(app, Permission.SIGNING_KEYS)
    assert len(routes) == 2  # register, retire
    wrong = []
    for method, path in routes:
        res = await send(app, method, path, token)
        if (res.status_code, res.json().get("reason")) != (403, "role_missing"):
            wrong.append(f"{method} {path}: {res.status_code} {res.text[:160]}")
    assert wrong == []


def guarded_by(app, permission) -> list[tuple[str, str]]:
    table = app.state.protection
    return [(m, p) for m, p in protected_writes(app)
            if isinstance(rule := table.rule(m, p), Needs) and rule.permission == permission]


async def test_every_write_a_permission_guards_refuses_a_signed_in_person_without_roles(apps, identity_provider):
    token, wrong = await identity_provider.token("nobody"), []
    for name, app in apps.items():
        for method, path in protected_writes(app):
            if not isinstance(app.state.protection.rule(method, path), Needs):
                continue  # Authenticated: the route decides from the case it reads (test_scoped_refusals.py)
            res = await send(app, method, path, token)
            if (res.status_code, res.json().get("reason")) != (403, "role_missing"):
                wrong.append(f"{name} {method} {path}: {res.status_code} {res.text[:160]}")
            elif not await refused_on_the_record(app, method, path, "tamu", "role_missing"):  # the token's holder
                wrong.append(f"{name} {method} {path}: refused but not on the audit log as tamu")
    assert wrong == []


async def test_without_an_identity_provider_a_protected_write_is_503_with_the_reason_never_admitted():
    from .apps import build

    app = build("catalog-svc", None)
    try:
        res = await send(app, "PATCH", "/apps/{app_id}", "anything")
        assert (res.status_code, res.json()["reason"]) == (503, "auth_not_configured")
    finally:
        app.state.runtime.provider.shutdown()

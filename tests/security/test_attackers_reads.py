"""The attacker's table of read routes, generated: every GET route of every service (its FastAPI routes and OpenAPI
document) and of gate-svc's pages is either a reviewed public read or attacked (reads.py). A route nobody classified
fails here; so does a classified route that is gone.

The reads a staff token guards (`Needs`, `Authenticated`) are attacked here, in-process: no token, a forged one, an
expired one, one for another audience: 401 with its reason and nothing of the route's data; a signed-in person
without the role: 403 `role_missing`. The other attack kinds run on the shared platform
(tests/e2e/test_attackers_reads.py)."""

from __future__ import annotations

import httpx
import pytest

from palapa.kit.auth import Authenticated, Needs, Public, routes_of
from palapa.kit.auth.protection import KIT_RULES
from palapa.testkit.protection import openapi_routes

from .apps import SERVICES
from .reads import ATTACKED, READS, Open
from .test_attackers_table import KINDS, concrete

READ = ("GET", "HEAD")
KIT_READS = {r.path for r in KIT_RULES if r.method == "GET"}


@pytest.fixture(scope="session")
def gate_app(identity_provider):
    """gate-svc's app with staff sign-in configured (its /petugas and /ops pages exist only then)."""
    from palapa.gate.main import create_app
    from palapa.gate.settings import GateSettings

    return create_app(GateSettings(OIDC_ISSUER=identity_provider.issuer))


def reads_of(app) -> list[str]:
    """Every GET route template of the app: its routes (pages included) and its OpenAPI document."""
    found = {p for m, p in routes_of(app) if m == "GET"}
    if app.openapi_url:
        found |= {p for m, p in openapi_routes(app) if m == "GET"}
    return sorted(found)


def staff_guarded(app, path: str) -> bool:
    table = getattr(app.state, "protection", None)
    return table is not None and isinstance(table.rule("GET", path), Needs | Authenticated)


def unclassified(service: str, app) -> list[str]:
    """The GET routes of `service` neither guarded by a staff rule, nor the kit's, nor in the table."""
    listed = READS.get(service, {})
    return [p for p in reads_of(app) if not staff_guarded(app, p) and p not in KIT_READS and p not in listed]


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_read_route_of_the_service_is_attacked_or_public_with_a_reason(apps, service):
    app = apps[service]
    assert unclassified(service, app) == []
    routes = set(reads_of(app))
    assert sorted(set(READS.get(service, {})) - routes) == []  # nothing stale: a route gone leaves the table


def test_every_page_of_the_gate_is_attacked_or_public_with_a_reason(gate_app):
    assert unclassified("gate-svc", gate_app) == []
    assert sorted(set(READS["gate-svc"]) - set(reads_of(gate_app))) == []


def test_the_table_says_what_every_read_is_and_staff_reads_are_not_public(apps):
    for service, routes in READS.items():
        for path, kind in routes.items():
            assert isinstance(kind, Open) and kind.why.strip() or kind in ATTACKED, (service, path, kind)
            app = apps.get(service)
            if app is not None:  # a route the table calls public or attacked by kind is no staff-guarded one
                assert not staff_guarded(app, path), (service, path)
                assert isinstance(app.state.protection.rule("GET", path), Public), (service, path)


def staff_reads(app) -> list[str]:
    return [p for p in reads_of(app) if staff_guarded(app, p)]


async def send(app, path: str, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as http:
        return await http.get(concrete(path), headers=headers)


@pytest.mark.parametrize("kind", KINDS)
async def test_every_staff_read_refuses_an_attackers_token_with_its_reason_and_no_data(apps, bad_tokens, kind):
    token, reason = bad_tokens[kind]
    wrong, attacked = [], 0
    for name, app in sorted(apps.items()):
        for path in staff_reads(app):
            attacked += 1
            res = await send(app, path, token)
            body = res.json() if res.headers.get("content-type", "").startswith("application/json") else {}
            if (res.status_code, body.get("reason")) != (401, reason) or not body.get("detail") or set(body) != {
                    "detail", "reason"} or not res.headers.get("WWW-Authenticate", "").startswith("Bearer"):
                wrong.append(f"{name} GET {path}: {res.status_code} {res.text[:160]}")
    assert wrong == []
    assert attacked >= 40  # every service's audit and outbox reads, ops-svc's dead letters, the desk's reads


async def test_every_staff_read_a_role_guards_refuses_a_signed_in_person_without_roles(apps, identity_provider):
    token, wrong = await identity_provider.token("nobody"), []
    for name, app in sorted(apps.items()):
        for path in staff_reads(app):
            if not isinstance(app.state.protection.rule("GET", path), Needs):
                continue
            res = await send(app, path, token)
            if (res.status_code, res.json().get("reason")) != (403, "role_missing"):
                wrong.append(f"{name} GET {path}: {res.status_code} {res.text[:160]}")
    assert wrong == []


def test_the_table_is_printed_for_review(apps, gate_app):
    """`pytest -s` prints every read route and what it is (the review's copy)."""
    lines = []
    for service, app in [*sorted(apps.items()), ("gate-svc", gate_app)]:
        for path in reads_of(app):
            kind = READS.get(service, {}).get(path)
            what = ("staff token: " + str(getattr(app.state.protection.rule("GET", path), "permission", "any"))
                    if staff_guarded(app, path) else "kit: public" if path in KIT_READS
                    else f"public: {kind.why}" if isinstance(kind, Open) else f"attacked: {kind}")
            lines.append(f"{service:<15} GET {path:<45} {what}")
    print("\n".join(lines))
    assert len(lines) >= 150

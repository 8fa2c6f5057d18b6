"""The protection table: declared per service, checked at app build and by the testkit's route lister (no I/O)."""

import httpx
import pytest
from fastapi import APIRouter, FastAPI

from palapa.kit.auth import Authenticated, Needs, Permission, ProtectionError, ProtectionTable, Public, Staff, protect
from palapa.testkit.protection import assert_routes_protected, openapi_routes, unruled_routes

TABLE = ProtectionTable("demo-svc", [
    Public("GET", "/apps", why="the directory lists the city's apps to everyone"),
    Needs("PATCH", "/apps/{app_id}", Permission.CATALOG_WRITE),
    Needs("POST", "/opd/{opd}/cases/{case_id}/moves", Permission.CASES_MOVE, opd_param="opd"),
    Authenticated("GET", "/me"),
])


def demo_app(validator=None, table: ProtectionTable = TABLE) -> FastAPI:
    """A small service: a public list, a catalog write, an OPD-scoped case move, who-am-I, and a forgotten read."""
    app = FastAPI()

    @app.get("/apps")
    async def apps() -> list[str]:
        return ["cctv"]

    @app.patch("/apps/{app_id}")
    async def change_app(app_id: str, who: Staff) -> dict:
        return {"app": app_id, "by": who.subject}

    @app.post("/opd/{opd}/cases/{case_id}/moves")
    async def move(opd: str, case_id: str, who: Staff) -> dict:
        return {"case": case_id, "by": who.subject}

    @app.get("/me")
    async def me(who: Staff) -> dict:
        return {"subject": who.subject, "roles": sorted(who.roles), "kind": who.kind}

    @app.get("/unlisted")
    async def unlisted() -> dict:
        return {"ok": True}

    protect(app, table, validator)
    return app


def test_the_route_lister_sees_every_route_of_the_openapi_document():
    assert ("PATCH", "/apps/{app_id}") in openapi_routes(demo_app())
    assert ("POST", "/opd/{opd}/cases/{case_id}/moves") in openapi_routes(demo_app())


def test_the_route_lister_fails_on_a_read_route_that_is_neither_protected_nor_public():
    app = demo_app()
    assert unruled_routes(app) == ([], ["GET /unlisted"])
    with pytest.raises(AssertionError, match="read route neither protected nor public: GET /unlisted"):
        assert_routes_protected(app)


def test_the_route_lister_passes_once_every_route_has_a_rule():
    table = ProtectionTable("demo-svc", [*TABLE.rules.values(), Public("GET", "/unlisted", why="a demo")])
    assert_routes_protected(demo_app(table=table))


def test_a_write_route_added_after_the_table_is_found_by_the_route_lister():
    app = demo_app()

    @app.delete("/apps/{app_id}")
    async def retire(app_id: str) -> None:
        return None

    with pytest.raises(AssertionError, match="write route without a rule: DELETE /apps/{app_id}"):
        assert_routes_protected(app)


def test_an_app_whose_write_route_has_no_rule_is_refused_at_build():
    app = FastAPI()

    @app.post("/routing")
    async def rewrite() -> None:
        return None

    with pytest.raises(ProtectionError, match=r"POST /routing"):
        protect(app, ProtectionTable("demo-svc", []), None)


async def test_a_write_route_added_after_build_is_closed_with_a_reason():
    app = demo_app()

    @app.delete("/apps/{app_id}")
    async def retire(app_id: str) -> None:
        return None

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://demo") as http:
        answer = await http.delete("/apps/cctv", headers={"Authorization": "Bearer x.y.z"})
    assert answer.status_code == 403 and answer.json()["reason"] == "no_rule"


async def test_without_an_issuer_public_routes_answer_and_protected_ones_say_why_not():
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=demo_app()), base_url="http://demo") as http:
        assert (await http.get("/apps")).status_code == 200
        refused = await http.patch("/apps/cctv", json={})
        assert (await http.get("/healthz")).status_code == 404  # the kit's public rules name no route of this app
    assert refused.status_code == 503 and refused.json()["reason"] == "auth_not_configured"


def test_a_table_refuses_two_rules_for_one_route_a_public_rule_without_reason_and_a_missing_opd_parameter():
    with pytest.raises(ProtectionError, match="two rules"):
        ProtectionTable("s", [Public("GET", "/a", why="x"), Authenticated("GET", "/a")])
    with pytest.raises(ProtectionError, match="says why"):
        Public("GET", "/a", why=" ")
    with pytest.raises(ProtectionError, match="no path parameter"):
        Needs("POST", "/cases/{case_id}", Permission.CASES_MOVE, opd_param="opd")


def test_the_table_describes_who_may_call_each_route():
    lines = TABLE.describe()
    assert any("PATCH  /apps/{app_id}  →  catalog.write (catalog-admin)" in line for line in lines)
    assert any("/apps  →  public: the directory lists" in line for line in lines)


async def test_routes_of_an_included_router_are_matched_with_their_prefix():
    router = APIRouter(prefix="/v1")

    @router.delete("/things/{thing_id}")
    async def remove(thing_id: int, who: Staff) -> None:
        return None

    app = FastAPI()
    app.include_router(router)
    with pytest.raises(ProtectionError, match="DELETE /v1/things/{thing_id}"):
        protect(app, ProtectionTable("demo-svc", []), None)
    protect(app, ProtectionTable("demo-svc", [Needs("DELETE", "/v1/things/{thing_id}", Permission.OPS)]), None)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://demo") as http:
        refused = await http.delete("/v1/things/7")
        assert (refused.status_code, refused.json()["reason"]) == (503, "auth_not_configured")
        assert (await http.get("/v1/things/7")).status_code == 405  # the app's own answer: no GET route there

"""A service built with the kit's service_app and a protection table: the kit's own routes stay public, a write
route without a rule fails the build, and an admitted staff write lands on the audit log with the request's id."""

import httpx
import pytest
from fastapi import APIRouter, Request
from sqlalchemy import MetaData

from palapa.contracts.topics import ALL_TOPICS
from palapa.kit.audit import audit_records
from palapa.kit.auth import Needs, Permission, ProtectionError, ProtectionTable, Public, Staff
from palapa.kit.http import service_app
from palapa.kit.runtime import Runtime
from palapa.kit.settings import ServiceSettings
from palapa.testkit.protection import assert_routes_protected

pytestmark = pytest.mark.integration

TABLE = ProtectionTable("apps-svc", [
    Public("GET", "/apps/{app_id}", why="an app's public page"),
    Needs("PATCH", "/apps/{app_id}", Permission.CATALOG_WRITE),
])


def _router() -> APIRouter:
    router = APIRouter()

    @router.get("/apps/{app_id}")
    async def read(app_id: str) -> dict:
        return {"id": app_id}

    @router.patch("/apps/{app_id}")
    async def change(app_id: str, body: dict, who: Staff, request: Request) -> dict:
        async with request.app.state.runtime.transaction() as tx:
            tx.audit(who, "catalog.app.change", ("app", app_id), before={"url": "https://a"}, after=body,
                     why=body.get("why"))
        return {"id": app_id}

    return router


def _runtime(kafka, database_url, issuer=None) -> Runtime:
    settings = ServiceSettings(KAFKA_BOOTSTRAP_SERVERS=kafka, DATABASE_URL=database_url, KAFKA_PROFILE="tansu",
                               OIDC_ISSUER=issuer)
    return Runtime(settings, "apps-svc", MetaData(schema="apps_svc"))


def test_a_service_with_a_write_route_outside_its_table_does_not_build():
    runtime = _runtime("127.0.0.1:1", "postgresql+asyncpg://postgres@127.0.0.1:1/x")
    with pytest.raises(ProtectionError, match="PATCH /apps/{app_id}"):
        service_app(runtime, title="apps", routers=[_router()], protection=ProtectionTable("apps-svc", []))


async def test_a_catalog_admins_change_is_admitted_and_audited_and_a_strangers_is_refused(
    kafka_bootstrap, database_url, identity_provider
):
    runtime = _runtime(kafka_bootstrap, database_url, identity_provider.issuer)
    app = service_app(runtime, title="apps", routers=[_router()], topics=ALL_TOPICS, protection=TABLE)
    assert_routes_protected(app)  # the kit's routes (health, metrics, docs, AsyncAPI) are public by its rules
    admin, desk = await identity_provider.token("catalog"), await identity_provider.token("desk")
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as http:
            for public in ("/healthz", "/docs", "/openapi.json", "/asyncapi.json"):
                assert (await http.get(public)).status_code == 200, public
            assert (await http.get("/apps/cctv")).status_code == 200
            phish = {"url": "https://phish.example.com"}
            for _ in range(3):  # a flood of the same refusal: one record, the repeats counted in the next
                assert (await http.patch("/apps/cctv", json=phish)).status_code == 401
            refused = await http.patch("/apps/cctv", json=phish, headers={"Authorization": f"Bearer {desk}"})
            assert (refused.status_code, refused.json()["reason"]) == (403, "role_missing")
            garbage = await http.patch("/apps/cctv", json=phish, headers={"Authorization": "Bearer x.y.z"})
            assert garbage.status_code == 401
            done = await http.patch("/apps/cctv", json={**phish, "why": "uji"},
                                    headers={"Authorization": f"Bearer {admin}", "X-Request-ID": "req-42"})
            assert done.status_code == 200
        async with runtime.sessions() as s:
            [record] = await audit_records(s, runtime.audit_log, object_type="app", object_id="cctv")
            refusals = await audit_records(s, runtime.audit_log, object_type="route")
    assert (record["actor"], record["after"]["url"], record["request_id"]) == (
        "admin-katalog", "https://phish.example.com", "req-42")
    # the refusals the table made before the route: who (when the token held), the route, the reason
    assert sorted((r["actor"], r["action"], r["object_id"], r["why"], r["after"]["status"]) for r in refusals) == [
        ("anonim", "access.refused", "PATCH /apps/{app_id}", "token_malformed", 401),
        ("anonim", "access.refused", "PATCH /apps/{app_id}", "token_missing", 401),
        ("meja-diskominfo", "access.refused", "PATCH /apps/{app_id}", "role_missing", 403)]
    assert {r["actor_kind"] for r in refusals if r["actor"] == "anonim"} == {"unverified"}
    assert "palapa_auth_refusals_total" in runtime.metrics.render().decode()

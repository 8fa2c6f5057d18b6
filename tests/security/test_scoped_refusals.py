"""The attacker's table on the real broker and PostgreSQL: the phishing change of issue 18, and an officer of one
OPD moving another's case. Each refusal leaves no change; the one that reached a service is on its audit log."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from palapa.catalog.main import create_app as catalog_app
from palapa.catalog.settings import CatalogSettings
from palapa.complaint.main import create_app as complaint_app
from palapa.complaint.settings import ComplaintSettings
from palapa.contracts.envelope import Envelope
from palapa.contracts.events import ComplaintSubmitted
from palapa.testkit import eventually, running

pytestmark = pytest.mark.integration
PHISH = {"changes": {"url": "https://phish.example.com"}}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_the_phishing_change_is_refused_without_a_token_and_made_and_audited_by_a_catalog_admin(
        kafka_bootstrap, database_url, identity_provider):
    settings = CatalogSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url,
                               KAFKA_PROFILE="tansu", follow_traffic=False, OIDC_ISSUER=identity_provider.issuer)
    async with running(catalog_app(settings), name="catalog-svc") as svc:
        before = (await svc.http.get("/apps/cctv")).json()
        refused = await svc.http.patch("/apps/cctv", json=PHISH)
        assert (refused.status_code, refused.json()["reason"]) == (401, "token_missing")
        assert (await svc.http.get("/apps/cctv")).json() == before
        assert [h["action"] for h in (await svc.http.get("/apps/cctv/history")).json()["items"]] == ["registered"]

        admin = bearer(await identity_provider.token("catalog"))
        done = await svc.http.patch("/apps/cctv", json=PHISH, headers=admin)
        assert done.status_code == 200, done.text
        sre = bearer(await identity_provider.token("sre"))
        [record] = (await svc.http.get("/audit", params={"object_id": "cctv"}, headers=sre)).json()["items"]
        assert (record["actor"], record["actor_roles"], record["action"], record["before"], record["after"]) == (
            "admin-katalog", ["catalog-admin"], "catalog.app.change", {"url": before["url"]},
            {"url": "https://phish.example.com"})


async def test_an_officer_of_one_opd_moving_anothers_case_is_refused_unchanged_and_audited(
        kafka_bootstrap, database_url, identity_provider, producer):
    settings = ComplaintSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url,
                                 KAFKA_PROFILE="tansu", OIDC_ISSUER=identity_provider.issuer)
    async with running(complaint_app(settings), name="complaint-svc") as svc:
        event = ComplaintSubmitted(ticket="PORTAL-77", source_app="portal", source_ref="PORTAL-77",
                                   category="Lampu Lalu Lintas", description="Lampu mati",
                                   submitted_at=datetime.now(UTC))
        await producer.send(Envelope(event, source="/apps/portal", subject="PORTAL-77"))

        desk = bearer(await identity_provider.token("desk"))

        async def case():  # the desk reads it: a ticket alone opens nothing
            res = await svc.http.get("/complaints/PORTAL-77", headers=desk)
            return res.json() if res.status_code == 200 else None

        before = await eventually(case, what="PORTAL-77 received")
        assert before["opd"] == "DISHUB"
        dinkes = bearer(await identity_provider.token("dinkes"))
        wrong = []
        for path, body in (("/complaints/PORTAL-77/status", {"status": "rejected", "note": "bukan urusan"}),
                           ("/complaints/PORTAL-77/category", {"category": "Puskesmas"})):
            res = await svc.http.post(path, json=body, headers=dinkes)
            if (res.status_code, res.json().get("reason")) != (403, "wrong_opd"):
                wrong.append(f"{path}: {res.status_code} {res.text[:160]}")
        assert wrong == []
        assert await case() == before  # no change
        log = (await svc.http.get("/audit", params={"object_id": "PORTAL-77"}, headers=desk)).json()["items"]
        assert [(r["actor"], r["action"], r["why"]) for r in log] == [
            ("petugas-dinkes", "case.recategorise.refused", "wrong_opd"),
            ("petugas-dinkes", "case.move.refused", "wrong_opd")]

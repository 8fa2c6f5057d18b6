"""Who may change the catalog: the phishing change of issue 18 without a token, and by a catalog admin."""

import pytest

pytestmark = pytest.mark.integration

PHISH = {"changes": {"url": "https://phish.example.com"}}


async def test_the_phishing_url_change_without_a_token_is_refused_and_changes_nothing(catalog):
    before = (await catalog.http.get("/apps/cctv")).json()["url"]
    refused = await catalog.http.patch("/apps/cctv", json=PHISH, headers={"Authorization": ""})
    assert (refused.status_code, refused.json()["reason"]) == (401, "token_missing")
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert (await catalog.http.get("/apps/cctv")).json()["url"] == before


async def test_a_catalog_write_by_staff_without_the_catalog_role_is_refused(catalog, identity_provider):
    officer = await identity_provider.token("dishub")
    refused = await catalog.http.patch("/apps/cctv", json=PHISH, headers={"Authorization": f"Bearer {officer}"})
    assert (refused.status_code, refused.json()["reason"]) == (403, "role_missing")
    assert "catalog-admin" in refused.json()["detail"]


async def test_the_same_change_by_a_catalog_admin_is_made_and_on_the_audit_log(catalog, identity_provider):
    done = await catalog.http.patch("/apps/cctv", json=PHISH)
    assert done.status_code == 200, done.text
    assert (await catalog.http.get("/apps/cctv")).json()["url"] == "https://phish.example.com"
    sre = {"Authorization": f"Bearer {await identity_provider.token('sre')}"}
    log = (await catalog.http.get("/audit", params={"object_id": "cctv"}, headers=sre)).json()["items"]
    assert [(r["actor"], r["action"], r["after"]) for r in log] == [
        ("kominfo.sari", "catalog.app.change", {"url": "https://phish.example.com"})]
    assert log[0]["why"] is None  # no reason was given: none is made up
    # the catalog admin may change apps, not read the audit log
    assert (await catalog.http.get("/audit")).json()["reason"] == "role_missing"


async def test_directory_and_synonym_edits_are_audited(catalog, identity_provider):
    assert (await catalog.http.put("/directory/synonyms/ktp", json={"terms": ["KTP", "KTP-el"]})).status_code == 200
    assert (await catalog.http.delete("/directory/synonyms/ktp")).status_code == 204
    sre = {"Authorization": f"Bearer {await identity_provider.token('sre')}"}
    log = (await catalog.http.get("/audit", params={"object_type": "synonym_group"}, headers=sre)).json()["items"]
    assert [(r["action"], r["object_id"]) for r in log] == [
        ("directory.synonyms.delete", "ktp"), ("directory.synonyms.put", "ktp")]

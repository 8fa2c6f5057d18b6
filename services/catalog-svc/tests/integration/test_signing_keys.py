"""The signing-key registry: register and retire (catalog admins and SRE, audited), the public key set consumers
read, and a consumer verifying events with it over HTTP."""

import pytest

from palapa.catalog.main import create_app
from palapa.kit.signing import KeyService, Signer, Verifier, generate, public_jwk
from palapa.localstack import free_port
from palapa.testkit import running

pytestmark = pytest.mark.integration

CURHAT = "curhat-ning-ita"


async def test_a_catalog_admin_registers_a_key_and_it_is_listed_and_audited(catalog, identity_provider):
    key = generate("curhat-ning-ita-20261207-1")
    done = await catalog.http.post("/signing-keys", json={"app_id": CURHAT, "jwk": public_jwk(key), "why": "rotasi"})
    assert done.status_code == 201, done.text
    again = await catalog.http.post("/signing-keys", json={"app_id": CURHAT, "jwk": public_jwk(key)})
    assert again.status_code == 200  # the launcher registers at every start: nothing changes
    listed = (await catalog.http.get("/signing-keys", headers={"Authorization": ""})).json()["keys"]
    assert [(k["app_id"], k["kid"], k["status"], k["jwk"]["x"]) for k in listed] == [
        (CURHAT, key.kid, "active", public_jwk(key)["x"])]
    sre = {"Authorization": f"Bearer {await identity_provider.token('sre')}"}
    log = (await catalog.http.get("/audit", params={"object_type": "signing_key"}, headers=sre)).json()["items"]
    assert [(r["actor"], r["action"], r["object_id"], r["why"]) for r in log] == [
        ("kominfo.sari", "signing_key.register", f"{CURHAT}/{key.kid}", "rotasi")]


async def test_key_writes_without_the_role_or_with_a_private_key_are_refused_and_change_nothing(
        catalog, identity_provider):
    key = generate("curhat-ning-ita-1")
    body = {"app_id": CURHAT, "jwk": public_jwk(key)}
    nobody = await catalog.http.post("/signing-keys", json=body, headers={"Authorization": ""})
    assert (nobody.status_code, nobody.json()["reason"]) == (401, "token_missing")
    officer = {"Authorization": f"Bearer {await identity_provider.token('dishub')}"}
    assert (await catalog.http.post("/signing-keys", json=body, headers=officer)).json()["reason"] == "role_missing"
    private = await catalog.http.post("/signing-keys", json={"app_id": CURHAT, "jwk": key.as_dict(private=True)})
    assert (private.status_code, private.json()["reason"]) == (422, "private_key")
    assert (await catalog.http.get("/signing-keys")).json()["keys"] == []


async def test_rotation_old_and_new_keys_verify_until_the_old_one_is_retired(settings, identity_provider):
    old, new = generate("curhat-ning-ita-1"), generate("curhat-ning-ita-2")
    sre = {"Authorization": f"Bearer {await identity_provider.token('sre')}"}
    async with running(create_app(settings), port=free_port()) as catalog:  # served: consumers fetch over HTTP
        for key in (old, new):
            assert (await catalog.http.post("/signing-keys", json={"app_id": CURHAT, "jwk": public_jwk(key)},
                                            headers=sre)).status_code == 201
        verifier = Verifier([KeyService(f"{catalog.base_url}/signing-keys")], min_refresh_s=0, max_age_s=0)
        assert await _verdict(verifier, old) == CURHAT
        assert await _verdict(verifier, new) == CURHAT
        retiring = await catalog.http.post(f"/signing-keys/{CURHAT}/{old.kid}/retire",
                                           json={"grace_seconds": 3600}, headers=sre)
        assert retiring.json()["status"] == "retiring"
        assert await _verdict(verifier, old) == CURHAT  # within the grace period
        gone = await catalog.http.post(f"/signing-keys/{CURHAT}/{old.kid}/retire", json={"grace_seconds": 0},
                                       headers=sre)
        assert gone.json()["status"] == "retired"
        assert await _verdict(verifier, old) == f"key '{old.kid}' of {CURHAT} is retired"
        assert await _verdict(verifier, new) == CURHAT
        unknown = await catalog.http.post(f"/signing-keys/{CURHAT}/nope/retire", json={}, headers=sre)
        assert (unknown.status_code, unknown.json()["reason"]) == (404, "unknown_key")


async def _verdict(verifier: Verifier, key) -> str:
    headers = {"ce_specversion": "1.0", "ce_id": "e-1", "ce_source": f"/apps/{CURHAT}", "ce_type": "t.v1",
               "ce_time": "2026-12-07T10:00:00+00:00", "ce_subject": "CURHAT-1"}
    pairs = [*((k, v.encode()) for k, v in headers.items()),
             ("ce_signature", Signer(key).sign(b"CURHAT-1", b"{}", headers).encode())]

    class Record:
        pass

    record = Record()
    record.headers = pairs
    await verifier.ensure([record])
    verdict = verifier.check(b"CURHAT-1", b"{}", pairs)
    return verdict.app or verdict.reason

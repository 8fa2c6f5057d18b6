"""Tokens validated against the real local identity provider (oidc-provider-mock as a process, seeded staff)."""

import base64
import json
import time

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from palapa.kit.auth import AuthError, Jwks, Role, TokenValidator
from palapa.localstack import LocalIdentityProvider, free_port

from .test_auth_protection import demo_app

pytestmark = pytest.mark.integration


def _claims(token: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "==="))


async def _refused(validator: TokenValidator, token: str) -> AuthError:
    with pytest.raises(AuthError) as refused:
        await validator.principal(token)
    return refused.value


async def test_a_seeded_officers_token_is_accepted_with_their_roles_and_opd(identity_provider):
    principal = await identity_provider.validator().principal(await identity_provider.token("dishub"))
    assert principal.subject == "petugas-dishub"
    assert principal.roles == {Role.OPD_OFFICER} and principal.opds == {"DISHUB"} and principal.kind == "person"


async def test_an_opd_clients_token_is_a_client_principal(identity_provider):
    principal = await identity_provider.validator().principal(await identity_provider.client_token("open311-dishub"))
    assert (principal.kind, principal.client_id, principal.opds) == ("client", "open311-dishub", {"DISHUB"})
    assert principal.roles == {Role.OPD_CLIENT}


async def test_a_token_signed_by_another_key_is_refused_as_forged(identity_provider):
    genuine = await identity_provider.token("catalog")
    other = RSAKey.generate_key(2048, auto_kid=True)
    forged_without_kid = jwt.encode({"alg": "RS256"}, _claims(genuine), other)
    forged_with_kid = jwt.encode({"alg": "RS256", "kid": other.kid}, _claims(genuine), other)
    validator = identity_provider.validator()
    for forged in (forged_without_kid, forged_with_kid):
        assert (await _refused(validator, forged)).reason == "bad_signature"


async def test_an_unsigned_or_unreadable_token_is_refused_as_malformed(identity_provider):
    claims = _claims(await identity_provider.token("desk"))
    unsigned = ".".join(base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()
                        for part in ({"alg": "none"}, claims)) + "."
    validator = identity_provider.validator()
    for token in (unsigned, "not-a-token", "a.b.c", "x" * 20_000):
        refused = await _refused(validator, token)
        assert (refused.status, refused.reason) == (401, "token_malformed")


async def test_an_expired_token_is_refused_past_the_leeway(identity_provider):
    token = await identity_provider.token("desk")
    exp = _claims(token)["exp"]
    assert await identity_provider.validator(leeway_s=30, now=lambda: exp + 29).principal(token)
    refused = await _refused(identity_provider.validator(leeway_s=30, now=lambda: exp + 31), token)
    assert (refused.status, refused.reason) == (401, "token_expired")


async def test_a_token_for_another_audience_is_refused(identity_provider):
    token = await identity_provider.token("desk", client_id="another-app")
    refused = await _refused(identity_provider.validator(), token)
    assert (refused.reason, refused.bearer_error) == ("wrong_audience", "invalid_token")


async def test_a_token_not_yet_valid_is_refused(identity_provider):
    await identity_provider.set_user("belum-berlaku", {"realm_access": {"roles": ["sre"]},
                                                       "nbf": int(time.time()) + 3600})
    refused = await _refused(identity_provider.validator(), await identity_provider.token("belum-berlaku"))
    assert refused.reason == "token_not_yet_valid"
    # and one issued in the future as the service's clock sees it (the provider's clock runs ahead)
    token = await identity_provider.token("desk")
    early = identity_provider.validator(now=lambda: _claims(token)["iat"] - 120)
    assert (await _refused(early, token)).reason == "token_not_yet_valid"


async def test_a_token_naming_another_issuer_is_refused(identity_provider):
    # signed by the real provider's key, but the claims say it comes from elsewhere
    await identity_provider.set_user("penerbit-lain", {"iss": "https://sso.kota-lain.example"})
    refused = await _refused(identity_provider.validator(), await identity_provider.token("penerbit-lain"))
    assert (refused.status, refused.reason) == (401, "wrong_issuer")


async def test_an_unreachable_issuer_is_a_503_with_a_reason_and_is_not_asked_again_at_once():
    validator = TokenValidator(Jwks(f"http://127.0.0.1:{free_port()}", min_refetch_s=60), audience="palapa")
    token = jwt.encode({"alg": "RS256"}, {"iss": validator.issuer, "sub": "x"}, RSAKey.generate_key(2048))
    for _ in range(2):
        refused = await _refused(validator, token)
        assert (refused.status, refused.reason) == (503, "issuer_unreachable")
    assert validator.jwks.fetches == 0


async def test_a_burst_of_forged_tokens_refetches_the_keys_at_most_once_per_interval(identity_provider):
    clock = [0.0]
    validator = TokenValidator(Jwks(identity_provider.issuer, min_refetch_s=60, monotonic=lambda: clock[0]),
                               audience=identity_provider.audience)
    claims = _claims(await identity_provider.token("sre"))
    assert await validator.principal(await identity_provider.token("sre"))  # the first fetch, at 0 s
    other = RSAKey.generate_key(2048)
    for moment in (1.0, 61.0, 62.0, 90.0):  # unknown keys at these moments, a burst of five each
        clock[0] = moment
        for n in range(5):
            forged = jwt.encode({"alg": "RS256", "kid": f"k{n}"}, claims, other)
            assert (await _refused(validator, forged)).reason == "bad_signature"
    assert validator.jwks.fetches == 2  # the first, and one at 61 s; not at 1 s (too soon), nor at 62 or 90 s


async def test_rotated_keys_are_picked_up_without_restarting_the_service():
    port = free_port()
    with LocalIdentityProvider(port) as idp:
        from palapa.testkit.identity import Identity

        identity = Identity(idp.issuer)
        validator = identity.validator(min_refetch_s=0.5)
        before = await identity.token("desk")
        assert (await validator.principal(before)).subject == "meja-diskominfo"
    with LocalIdentityProvider(port) as idp:  # a new process: a new signing key, the same issuer
        after = await identity.token("desk")
        assert _claims(after)["iss"] == _claims(before)["iss"]
        assert (await validator.principal(after)).subject == "meja-diskominfo"
        assert validator.jwks.fetches == 2
        assert (await _refused(validator, before)).reason == "bad_signature"  # the retired key verifies nothing


async def test_the_demo_service_refuses_and_admits_by_its_protection_table(identity_provider):
    app = demo_app(identity_provider.validator())
    catalog, desk = await identity_provider.token("catalog"), await identity_provider.token("desk")
    dishub, dinkes = await identity_provider.token("dishub"), await identity_provider.token("dinkes")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://demo") as http:
        def bearer(token):
            return {"Authorization": f"Bearer {token}"}

        assert (await http.get("/apps")).status_code == 200
        missing = await http.patch("/apps/cctv", json={"url": "https://phish.example.com"})
        assert missing.status_code == 401 and missing.json()["reason"] == "token_missing"
        assert missing.headers["WWW-Authenticate"] == 'Bearer realm="palapa"'
        forged = await http.patch("/apps/cctv", headers=bearer(desk[:-4] + "AAAA"))
        assert forged.status_code == 401 and forged.json()["reason"] == "bad_signature"
        assert 'error="invalid_token"' in forged.headers["WWW-Authenticate"]
        wrong_role = await http.patch("/apps/cctv", headers=bearer(desk))
        assert wrong_role.status_code == 403 and wrong_role.json()["reason"] == "role_missing"
        assert 'error="insufficient_scope"' in wrong_role.headers["WWW-Authenticate"]
        assert "catalog-admin" in wrong_role.json()["detail"]
        admitted = await http.patch("/apps/cctv", headers=bearer(catalog))
        assert admitted.status_code == 200 and admitted.json() == {"app": "cctv", "by": "admin-katalog"}
        own = await http.post("/opd/DISHUB/cases/CURHAT-1/moves", headers=bearer(dishub))
        other = await http.post("/opd/DISHUB/cases/CURHAT-1/moves", headers=bearer(dinkes))
        assert own.status_code == 200 and (other.status_code, other.json()["reason"]) == (403, "wrong_opd")
        assert (await http.post("/opd/DINKES/cases/CURHAT-2/moves", headers=bearer(desk))).status_code == 200
        assert (await http.get("/unlisted")).status_code == 401  # closed by default
        me = await http.get("/me", headers=bearer(dinkes))
        assert me.json() == {"subject": "petugas-dinkes", "roles": ["opd-officer"], "kind": "person"}

"""The local identity provider runs as a real process, answers with the seeded staff, and leaves nothing behind."""

import base64
import json
import socket

import httpx
import pytest

from palapa.localstack import STAFF, LocalIdentityProvider
from palapa.testkit.identity import Identity

pytestmark = pytest.mark.integration


def _claims(token: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "==="))


async def test_the_provider_serves_its_discovery_document_and_signs_in_the_seeded_staff_then_stops_cleanly():
    with LocalIdentityProvider() as idp:
        async with httpx.AsyncClient() as http:
            found = (await http.get(idp.issuer + "/.well-known/openid-configuration")).json()
        assert found["issuer"] == idp.issuer and found["jwks_uri"].startswith(idp.issuer)
        identity = Identity(idp.issuer)
        for who in ("desk", "dishub", "dinkes", "sekda", "walikota", "catalog", "sre"):
            claims = _claims(await identity.token(who))
            assert claims["sub"] == STAFF[who]["sub"] and claims["realm_access"] == STAFF[who]["realm_access"]
            assert claims["aud"] == ["palapa"] and claims["iss"] == idp.issuer
        assert _claims(await identity.token("dishub"))["groups"] == ["/opd/DISHUB"]
        assert _claims(await identity.client_token())["client_id"] == "open311-dishub"
        proc, port = idp.proc, idp.port
    assert proc.poll() is not None  # stopped and reaped: no process left behind
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0


async def test_the_session_fixture_gives_an_issuer_and_tokens(identity_provider):
    assert identity_provider.issuer.startswith("http://127.0.0.1:")
    assert _claims(await identity_provider.token("sekda"))["realm_access"]["roles"][0] == "sekda"

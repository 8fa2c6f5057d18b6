"""The attacker's table: every service's app in-process, one identity provider for the session, and the tokens an
attacker could bring (none, forged, expired, for another audience)."""

from __future__ import annotations

import time

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from .apps import SERVICES, build


@pytest.fixture(scope="session")
def apps(identity_provider):
    """service → its app (no lifespan entered), validating tokens against the session's identity provider."""
    built = {name: build(name, identity_provider.issuer) for name in SERVICES}
    yield built
    for app in built.values():
        app.state.runtime.provider.shutdown()


@pytest.fixture(scope="session")
async def bad_tokens(identity_provider) -> dict[str, tuple[str | None, str]]:
    """kind → (the Authorization header's token, the 401 reason it must get)."""
    now = int(time.time())
    # signed by a key of our own, claiming the real issuer and audience: only the signature is wrong
    forged = jwt.encode({"alg": "RS256"}, {"iss": identity_provider.issuer, "aud": "palapa", "sub": "sre",
                                           "exp": now + 600, "iat": now, "realm_access": {"roles": ["sre"]}},
                        RSAKey.generate_key(2048))
    # the real provider's signature on a token that ran out an hour ago
    await identity_provider.set_user("kedaluwarsa", {"sub": "kedaluwarsa", "exp": now - 3600, "iat": now - 7200,
                                                     "realm_access": {"roles": ["sre", "complaints-desk",
                                                                                "catalog-admin"]}})
    expired = await identity_provider.token("kedaluwarsa")
    elsewhere = await identity_provider.token("sre", client_id="aplikasi-lain")  # the real provider, aud another app
    return {"none": (None, "token_missing"), "forged": (forged, "bad_signature"),
            "expired": (expired, "token_expired"), "wrong_audience": (elsewhere, "wrong_audience")}

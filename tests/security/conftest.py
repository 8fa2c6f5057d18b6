"""The attacker's table: every service's app in-process, one identity provider for the session, and the tokens an
attacker could bring (none, forged, expired, for another audience)."""

from __future__ import annotations

import time
import uuid

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from palapa.localstack import ensure_database

from .apps import SERVICES, build, with_audit_log_only


@pytest.fixture(scope="session")
async def apps(identity_provider, pg_server_url):
    """service → its app (no lifespan entered), validating tokens against the session's identity provider; its
    refusals go on the audit log of a database of their own (the kit's tables only)."""
    database = await ensure_database(pg_server_url, f"t_attackers_{uuid.uuid4().hex[:10]}")
    built = {name: build(name, identity_provider.issuer, database) for name in SERVICES}
    for app in built.values():
        await with_audit_log_only(app)
    yield built
    for app in built.values():
        app.state.runtime.provider.shutdown()
        await app.state.runtime.engine.dispose()


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

"""Settings: webhooks only with a real secret; the poll slows down to a safety net when webhooks are on."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from palapa.bridge_psc119.settings import BridgePsc119Settings


def test_without_a_secret_the_bridge_polls_fast_and_with_one_the_poll_is_a_safety_net():
    assert BridgePsc119Settings().poll_every == 0.2
    assert BridgePsc119Settings(webhook_secret="x" * 32).poll_every == 2.0


@pytest.mark.parametrize(("secret", "env"), [("short", "development"), ("dev-" + "0" * 32, "production")])
def test_a_short_or_development_secret_is_refused(secret, env):
    with pytest.raises(ValidationError, match="WEBHOOK_SECRET"):
        BridgePsc119Settings(webhook_secret=secret, PALAPA_ENV=env, quarantine_key="q" * 32,
                             DATABASE_URL="postgresql+asyncpg://u:real-password@db/palapa",
                             OIDC_ISSUER="https://sso.example.go.id/realms/palapa")

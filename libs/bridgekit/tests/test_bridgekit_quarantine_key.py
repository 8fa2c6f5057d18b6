"""The quarantine key: a development default that production refuses, and a keyed hash that finds a row again."""

import pytest
from pydantic import ValidationError

from palapa.bridgekit.ingest import source_key
from palapa.bridgekit.settings import BridgeSettings

BASE = {"DATABASE_URL": "postgresql://palapa:a-long-db-password-here@db/palapa", "KAFKA_BOOTSTRAP_SERVERS": "k:9092",
        "app_id": "curhat-ning-ita", "opd": "DISKOMINFO", "OIDC_ISSUER": "https://sso.example.go.id/realms/palapa"}


@pytest.mark.parametrize("key", [None, "palapa-dev-quarantine-key", "secret", "too-short-for-a-key"])
def test_a_placeholder_or_short_quarantine_key_is_refused_in_production(key):
    # production needs the identity provider too (palapa.kit's settings): named, so only the key is wrong
    values = {**BASE, "PALAPA_ENV": "production", "OIDC_ISSUER": "https://sso.example.go.id/realms/palapa",
              **({"quarantine_key": key} if key else {})}
    with pytest.raises(ValidationError, match="quarantine key"):
        BridgeSettings(**values)


def test_the_development_default_is_accepted_outside_production():
    assert BridgeSettings(**BASE).quarantine_key.get_secret_value() == "palapa-dev-quarantine-key"


def test_the_old_shared_admin_token_is_refused_at_start():
    with pytest.raises(ValidationError, match="ADMIN_TOKEN is gone"):
        BridgeSettings(**BASE, admin_token="an-admin-token-0123456789")


def test_the_keyed_hash_finds_the_same_row_again_and_differs_per_key_and_app():
    a = source_key(b"k" * 32, "curhat-ning-ita", "42")
    assert a == source_key(b"k" * 32, "curhat-ning-ita", "42") and len(a) == 64 and "42" not in a
    assert a != source_key(b"j" * 32, "curhat-ning-ita", "42") != source_key(b"k" * 32, "si-makel", "42")

"""The caller's number travels only as the keyed hash a phone account is made of (IncidentReported.caller_phone_hash),
so a citizen signed in with that number can claim the incident in Kasus saya; never the number itself."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from palapa.bridge_psc119 import legacy, translate
from palapa.bridge_psc119.settings import BridgePsc119Settings
from palapa.bridge_psc119.translate import Limits, Stage
from palapa.contracts.events import IncidentReported
from palapa.contracts.phone import account_of, hash_of_account
from palapa.kit.clock import zone

PAYLOADS = json.loads(Path(__file__).with_name("psc119_payloads.json").read_text())
WIB = zone("Asia/Jakarta")
LIMITS = Limits(latest=datetime(2026, 11, 26, tzinfo=UTC))
KEY = b"k" * 32


def reported(telp: str | None, key: bytes = KEY, **changes) -> IncidentReported:
    item = {**PAYLOADS["reported"], "telp_penelepon": telp, **changes}
    events, _ = translate.translate(legacy.read_item(item), None, WIB, LIMITS, phone_key=key)
    return events[0]


def test_the_reported_incident_carries_the_hash_of_the_callers_phone_account_never_the_number():
    event = reported("081234567890")
    assert event.caller_phone_hash == hash_of_account(account_of("+6281234567890", KEY))
    assert "1234567890" not in event.model_dump_json()


@pytest.mark.parametrize("spelling", ["0812-3456-7890", "+62 812 3456 7890", "62812.3456.7890"])
def test_any_spelling_of_one_number_gives_one_hash(spelling):
    assert reported(spelling).caller_phone_hash == reported("081234567890").caller_phone_hash


@pytest.mark.parametrize("telp", [None, "-", "", "0321-321119", "119", "bukan nomor"])
def test_no_mobile_number_gives_no_hash(telp):
    assert reported(telp).caller_phone_hash is None


def test_without_a_key_no_hash_is_made():
    assert reported("081234567890", key=b"").caller_phone_hash is None


def test_a_move_back_to_reported_carries_the_hash_again():
    item = {**PAYLOADS["reported"], "diperbarui": "2026-11-20 16:00:00"}
    events, stage = translate.translate(legacy.read_item(item), Stage.DISPATCHED, WIB, LIMITS,
                                        since=datetime(2026, 11, 20, 8, 45, tzinfo=UTC), phone_key=KEY)
    assert stage is Stage.REPORTED
    assert events[0].caller_phone_hash == reported("081234567890").caller_phone_hash


@pytest.mark.parametrize("secret", [None, "palapa-dev-gate-accounts", "short"])
def test_production_refuses_a_placeholder_or_weak_key(secret):
    given = {"account_secret": secret} if secret else {}
    with pytest.raises(ValueError, match="BRIDGE_PSC119_ACCOUNT_SECRET"):
        BridgePsc119Settings(PALAPA_ENV="production", quarantine_key="q" * 40,
                             DATABASE_URL="postgresql+asyncpg://u:real-password@db/palapa",
                             OIDC_ISSUER="https://sso.mojokertokota.go.id/realms/palapa", **given)

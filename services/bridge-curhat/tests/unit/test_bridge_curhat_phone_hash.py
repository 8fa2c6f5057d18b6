"""The reporter's phone on a Curhat complaint: only its keyed hash travels, the one the gate keys a phone account by."""

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from palapa.bridge_curhat.settings import BridgeCurhatSettings
from palapa.bridge_curhat.translate import LegacyRow, translate
from palapa.contracts.envelope import Envelope
from palapa.contracts.phone import account_of, hash_of_account

JAKARTA = ZoneInfo("Asia/Jakarta")
KEY = b"the gate's account secret"
ROW = json.loads((Path(__file__).parent / "curhat_rows.json").read_text())["rows"][0]["row"]  # no_hp 081234567890


def first_sight(no_hp: str | None, key: bytes = KEY):
    row = LegacyRow(**{**ROW, "tgl_update": datetime.fromisoformat(ROW["tgl_update"])})
    [event] = translate(replace(row, no_hp=no_hp), None, JAKARTA, phone_key=key)
    return event


def test_the_event_carries_the_hash_the_gate_keys_the_same_number_by():
    event = first_sight("0812-3456-7890")
    assert event.reporter_phone_hash == hash_of_account(account_of("+6281234567890", KEY))


@pytest.mark.parametrize("spelling", ["081234567890", "+62 812 3456 7890", "62812-3456-7890", "(0812) 3456.7890"])
def test_every_spelling_of_one_number_is_one_hash(spelling):
    assert first_sight(spelling).reporter_phone_hash == first_sight("081234567890").reporter_phone_hash


def test_the_number_itself_is_nowhere_in_the_event_or_its_envelope():
    event = first_sight("081234567890")
    key, value, headers = Envelope(event, source="bridge-curhat", subject=event.ticket).to_kafka()
    wire = (key + value).decode() + json.dumps(headers)
    for shown in ("081234567890", "6281234567890", "81234567890", "34567890"):
        assert shown not in wire
    assert "reporter_phone" not in event.model_dump()


@pytest.mark.parametrize("no_hp", [None, "", "-", "0321 123456", "0812", "bukan nomor", "+1 555 0100 200"])
def test_a_number_no_one_could_sign_in_with_gives_no_hash(no_hp):
    assert first_sight(no_hp).reporter_phone_hash is None


def test_without_a_key_no_hash_is_made():
    assert first_sight("081234567890", key=b"").reporter_phone_hash is None


def test_another_key_gives_another_hash():
    one, two = first_sight("081234567890", b"one"), first_sight("081234567890", b"two")
    assert one.reporter_phone_hash != two.reporter_phone_hash


@pytest.mark.parametrize("secret", [None, "palapa-dev-gate-accounts", "short"])
def test_production_refuses_a_placeholder_or_weak_key(secret):
    given = {"account_secret": secret} if secret else {}
    with pytest.raises(ValueError, match="BRIDGE_CURHAT_ACCOUNT_SECRET"):
        BridgeCurhatSettings(PALAPA_ENV="production", legacy_database_url="mysql://u:p@h/db", quarantine_key="q" * 40,
                             **given)

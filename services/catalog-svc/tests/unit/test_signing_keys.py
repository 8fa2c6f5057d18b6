"""The signing-key registry's rules (pure)."""

from datetime import UTC, datetime, timedelta

import pytest

from palapa.catalog.keys import domain
from palapa.kit.signing import generate, public_jwk

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def _jwk(kid="curhat-ning-ita-20261207-1"):
    return domain.checked_public_jwk("curhat-ning-ita", public_jwk(generate(kid)))


def test_a_private_key_is_never_accepted():
    with pytest.raises(domain.KeyRefusedError) as refused:
        domain.checked_public_jwk("curhat-ning-ita", generate("k-1").as_dict(private=True))
    assert refused.value.reason == "private_key"


@pytest.mark.parametrize(("app", "jwk", "reason"), [
    ("Curhat!", {}, "invalid_app_id"),
    ("curhat", "not a jwk", "invalid_jwk"),
    ("curhat", {"kty": "RSA", "n": "x", "e": "AQAB", "kid": "k"}, "invalid_jwk"),
    ("curhat", {"kty": "OKP", "crv": "Ed25519", "x": "short", "kid": "k"}, "invalid_jwk"),
    ("curhat", {"kty": "OKP", "crv": "Ed25519", "x": "A" * 43}, "invalid_kid"),
    ("curhat", {"kty": "OKP", "crv": "Ed25519", "x": "A" * 43, "kid": "k", "x5u": "https://evil"}, "invalid_jwk"),
])
def test_a_malformed_registration_is_refused_with_the_reason(app, jwk, reason):
    with pytest.raises(domain.KeyRefusedError) as refused:
        domain.checked_public_jwk(app, jwk)
    assert refused.value.reason == reason


def test_registering_the_same_key_again_changes_nothing_and_one_key_may_serve_two_apps():
    jwk = _jwk()
    first = domain.register([], "curhat-ning-ita", jwk, "kominfo.sari", NOW)
    assert domain.register([first], "curhat-ning-ita", jwk, "kominfo.sari", NOW) is None
    assert domain.register([first], "bridge-curhat", jwk, "kominfo.sari", NOW).app_id == "bridge-curhat"


def test_a_kid_names_one_key_only():
    first = domain.register([], "curhat-ning-ita", _jwk(), "kominfo.sari", NOW)
    with pytest.raises(domain.KeyRefusedError) as refused:
        domain.register([first], "psc-119", _jwk(), "kominfo.sari", NOW)  # same kid, another key
    assert (refused.value.reason, refused.value.status) == ("kid_taken", 409)


def test_a_retired_key_is_retiring_through_its_grace_then_retired_and_never_revived():
    key = domain.register([], "curhat-ning-ita", _jwk(), "kominfo.sari", NOW)
    assert key.status(NOW) == "active"
    retiring = domain.retire(key, timedelta(hours=1), NOW)
    assert retiring.status(NOW + timedelta(minutes=59)) == "retiring"
    assert retiring.status(NOW + timedelta(hours=1)) == "retired"
    with pytest.raises(domain.KeyRefusedError, match="dipensiunkan"):
        domain.register([retiring], "curhat-ning-ita", key.jwk, "seed", NOW)


def test_retiring_again_never_extends_the_grace():
    key = domain.retire(domain.register([], "a-app", _jwk(), "x", NOW), timedelta(0), NOW)
    assert domain.retire(key, timedelta(days=1), NOW).retires_at == NOW


def test_the_grace_period_is_bounded():
    key = domain.register([], "a-app", _jwk(), "x", NOW)
    with pytest.raises(domain.KeyRefusedError):
        domain.retire(key, domain.MAX_GRACE + timedelta(seconds=1), NOW)

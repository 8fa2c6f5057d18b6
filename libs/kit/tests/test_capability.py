"""Capabilities and PINs (palapa.kit.capability): random, long, URL-safe; kept only as digests; checked in constant
time; and nothing a guess can open."""

from __future__ import annotations

import re

from palapa.kit.capability import digest, matches, new_capability, new_pin, new_salt, pin_digest, pin_matches


def test_a_capability_is_long_random_and_url_safe():
    made = {new_capability() for _ in range(200)}
    assert len(made) == 200
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", c) for c in made)  # 32 bytes: 256 bits, no padding


def test_only_the_capability_matches_its_digest_and_the_digest_is_not_the_capability():
    capability = new_capability()
    stored = digest(capability)
    assert capability not in stored and len(stored) == 64
    assert matches(capability, stored)
    for wrong in ("", None, capability[:-1], capability + "x", "x" * 5000, stored):
        assert not matches(wrong, stored)
    assert not matches(capability, None)


def test_a_pin_is_six_digits_and_only_it_matches_its_salted_digest():
    pin, salt = new_pin(), new_salt()
    assert re.fullmatch(r"\d{6}", pin)
    stored = pin_digest(pin, salt)
    assert pin not in stored and stored != pin_digest(pin, new_salt())  # salted per case
    assert pin_matches(pin, salt, stored)
    other = f"{(int(pin) + 1) % 1_000_000:06d}"
    for wrong in (other, pin[:5], pin + "0", "abcdef", "١٢٣٤٥٦", ""):
        assert not pin_matches(wrong, salt, stored)

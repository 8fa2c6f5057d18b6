"""Sealed personal data: opens only with the key, for the subject it was sealed for, and never shows in clear."""

import pytest

from palapa.kit.sealed import Sealer, SealError

APPLICANT = {"nama": "Siti Aminah", "nik": "3576014101900001", "telepon": "081234567890"}


def test_sealed_data_opens_for_its_subject_and_shows_nothing_in_clear():
    sealer = Sealer("a-long-random-secret-of-the-two", "simakel.applicant")
    token = sealer.seal("SURAT-ABC", APPLICANT)
    assert all(v not in token for v in APPLICANT.values())
    assert sealer.open("SURAT-ABC", token) == APPLICANT


def test_a_sealed_value_does_not_open_for_another_subject_key_or_purpose():
    sealer = Sealer("a-long-random-secret-of-the-two", "simakel.applicant")
    token = sealer.seal("SURAT-ABC", APPLICANT)
    with pytest.raises(SealError):
        sealer.open("SURAT-XYZ", token)
    with pytest.raises(SealError):
        Sealer("another-secret-entirely", "simakel.applicant").open("SURAT-ABC", token)
    with pytest.raises(SealError):
        Sealer("a-long-random-secret-of-the-two", "other.purpose").open("SURAT-ABC", token)


@pytest.mark.parametrize("token", ["", "not.a.jwe", "a" * 5000, "eyJhbGciOiJkaXIifQ....", None])
def test_garbage_is_a_seal_error_not_a_crash(token):
    with pytest.raises(SealError):
        Sealer("a-long-random-secret-of-the-two", "simakel.applicant").open("SURAT-ABC", token)


def test_a_reporter_sealed_for_a_ticket_opens_as_the_same_identity_and_a_v1_one_is_read_as_it_came():
    from palapa.contracts.identity import Identity
    from palapa.kit.sealed import open_identity, seal_identity

    sealer = Sealer("a-long-random-secret-of-the-three", "complaint.reporter")
    who = Identity(name="Siti Aminah", phone="081234567890", link="https://x/#tiket=L-1&kunci=abc")
    token = seal_identity(sealer, "LAPOR-1", who)
    assert "0812" not in token and open_identity(sealer, "LAPOR-1", token) == who
    assert seal_identity(sealer, "LAPOR-1", Identity()) is None and seal_identity(sealer, "LAPOR-1", None) is None
    assert open_identity(sealer, "LAPOR-1", None, Identity(phone="0812")) == Identity(phone="0812")
    assert open_identity(sealer, "LAPOR-1", None, None) is None
    with pytest.raises(SealError):
        open_identity(sealer, "LAPOR-2", token)

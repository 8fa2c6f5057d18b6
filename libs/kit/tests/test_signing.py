"""Signed events, pure: the canonical form, signing and verifying (no broker, no database)."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from palapa.kit.signing import (
    SIGNATURE_HEADER,
    Signer,
    SigningKeyError,
    TrustFile,
    Verifier,
    app_of,
    canonical,
    generate,
    load_private,
    parse_key_set,
    private_jwk,
    public_jwk,
)

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
HEADERS = {"ce_specversion": "1.0", "ce_id": "e-1", "ce_source": "/apps/curhat-ning-ita",
           "ce_type": "palapa.complaint.submitted.v1", "ce_time": "2026-12-07T10:00:00+00:00",
           "ce_subject": "CURHAT-1", "content-type": "application/json"}


def entry(key, app, status="active", retires_at=None):
    return {"app_id": app, "kid": key.kid, "jwk": public_jwk(key), "status": status, "retires_at": retires_at}


class Static:
    """A trust source of fixed entries (the file and HTTP sources are tested with the consumer)."""

    def __init__(self, *entries):
        self.doc = {"keys": list(entries)}

    async def load(self):
        return parse_key_set(self.doc, allow_any_app=True)


async def verdict(verifier, key, value, headers):
    pairs = [(k, v.encode()) for k, v in headers.items()]
    class R:
        pass
    r = R()
    r.headers = pairs
    await verifier.ensure([r])
    return verifier.check(key, value, pairs)


def signed(signer, key=b"CURHAT-1", value=b'{"a":1}', headers=HEADERS):
    return {**headers, SIGNATURE_HEADER: signer.sign(key, value, headers)}


def test_canonical_form_is_the_signed_headers_in_order_then_the_value():
    assert canonical(b"CURHAT-1", b'{"a":1}', HEADERS) == (
        b'["palapa.ce-signature.v1","1.0","e-1","/apps/curhat-ning-ita","palapa.complaint.submitted.v1",'
        b'"2026-12-07T10:00:00+00:00","CURHAT-1","application/json","Q1VSSEFULTE="]\n{"a":1}')


def test_canonical_form_ignores_headers_that_do_not_identify_the_event():
    assert canonical(b"k", b"v", {**HEADERS, "traceparent": "00-abc"}) == canonical(b"k", b"v", HEADERS)


def test_a_newline_in_a_header_cannot_pass_for_the_value():
    moved = canonical(None, b"b", {**HEADERS, "ce_subject": "a\n"})
    assert moved != canonical(None, b"\nb", {**HEADERS, "ce_subject": "a"})


def test_a_missing_subject_and_an_empty_one_differ():
    without = {k: v for k, v in HEADERS.items() if k != "ce_subject"}
    assert canonical(b"k", b"v", without) != canonical(b"k", b"v", {**HEADERS, "ce_subject": ""})


@pytest.mark.parametrize(("source", "app"), [
    ("/apps/curhat-ning-ita", "curhat-ning-ita"), ("/services/complaint-svc", "complaint-svc"),
    ("/palapa/complaint-svc/portal", "complaint-svc"), ("/apps/a/b", None), ("apps/x", None), ("/apps/", None),
    ("/other/x", None), ("", None),
])
def test_the_app_of_a_source(source, app):
    assert app_of(source) == app


def test_a_private_key_round_trips_through_its_jwk():
    key = generate("bridge-curhat-20261207-1")
    again = load_private(private_jwk(key))
    assert again.kid == "bridge-curhat-20261207-1" and public_jwk(again) == public_jwk(key)


@pytest.mark.parametrize("text", ["not json", "[]", '{"kty": "RSA", "kid": "x"}',
                                  json.dumps({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"})])
def test_a_bad_signing_key_is_refused_with_the_reason(text):
    with pytest.raises(SigningKeyError):
        load_private(text)


def test_a_public_key_cannot_sign():
    with pytest.raises(SigningKeyError, match="public key"):
        load_private(json.dumps(public_jwk(generate("k-1"))))


def test_a_key_set_with_a_kid_not_its_jwks_is_refused():
    key = generate("k-1")
    with pytest.raises(SigningKeyError, match="kid"):
        parse_key_set({"keys": [{**entry(key, "curhat-ning-ita"), "kid": "other"}]})


def test_only_a_development_trust_file_may_trust_a_key_for_any_app():
    key = generate("testkit-1")
    with pytest.raises(SigningKeyError, match="development"):
        parse_key_set({"keys": [entry(key, "*")]})
    assert parse_key_set({"keys": [entry(key, "*")]}, allow_any_app=True)[0].app_id == "*"


async def test_a_signed_record_verifies_as_its_app():
    key = generate("curhat-1")
    verifier = Verifier([Static(entry(key, "curhat-ning-ita"))])
    v = await verdict(verifier, b"CURHAT-1", b'{"a":1}', signed(Signer(key)))
    assert (v.app, v.reason) == ("curhat-ning-ita", None)


async def test_an_unsigned_record_is_refused():
    verifier = Verifier([Static(entry(generate("curhat-1"), "curhat-ning-ita"))])
    assert "unsigned" in (await verdict(verifier, b"CURHAT-1", b'{"a":1}', HEADERS)).reason


@pytest.mark.parametrize("change", [{"ce_id": "e-2"}, {"ce_type": "x.v1"}, {"ce_subject": "CURHAT-2"},
                                    {"ce_time": "2026-12-08T10:00:00+00:00"}, {"ce_specversion": "1.1"},
                                    {"ce_source": "/services/curhat-ning-ita"}])
async def test_a_replayed_record_with_altered_headers_is_refused(change):
    key = generate("curhat-1")
    verifier = Verifier([Static(entry(key, "curhat-ning-ita"))])
    v = await verdict(verifier, b"CURHAT-1", b'{"a":1}', {**signed(Signer(key)), **change})
    assert v.app is None and "does not verify" in v.reason


async def test_a_replayed_record_under_another_apps_source_is_refused():
    key = generate("curhat-1")
    verifier = Verifier([Static(entry(key, "curhat-ning-ita"))])
    v = await verdict(verifier, b"CURHAT-1", b'{"a":1}', {**signed(Signer(key)), "ce_source": "/apps/psc-119"})
    assert v.reason == "key 'curhat-1' is registered for curhat-ning-ita, not for psc-119 (ce_source '/apps/psc-119')"


async def test_an_altered_value_or_key_is_refused():
    key = generate("curhat-1")
    verifier = Verifier([Static(entry(key, "curhat-ning-ita"))])
    good = signed(Signer(key))
    assert "does not verify" in (await verdict(verifier, b"CURHAT-1", b'{"a":2}', good)).reason
    assert "does not verify" in (await verdict(verifier, b"CURHAT-2", b'{"a":1}', good)).reason


async def test_a_record_re_signed_under_another_source_is_refused():
    mine, theirs = generate("psc-119-1"), generate("curhat-1")
    verifier = Verifier([Static(entry(mine, "psc-119"), entry(theirs, "curhat-ning-ita"))])
    forged = signed(Signer(mine))  # psc-119's own valid key, signing an event that claims to be Curhat's
    v = await verdict(verifier, b"CURHAT-1", b'{"a":1}', forged)
    assert v.reason == "key 'psc-119-1' is registered for psc-119, not for curhat-ning-ita (ce_source " \
                       "'/apps/curhat-ning-ita')"


async def test_a_key_nobody_registered_is_refused():
    verifier = Verifier([Static(entry(generate("curhat-1"), "curhat-ning-ita"))])
    v = await verdict(verifier, b"CURHAT-1", b'{"a":1}', signed(Signer(generate("curhat-1x"))))
    assert v.reason == "signed with key 'curhat-1x', which is not registered"


async def test_a_forged_signature_under_a_registered_kid_is_refused():
    real = generate("curhat-1")
    impostor = load_private(private_jwk(generate("curhat-1")))  # same kid, another key
    verifier = Verifier([Static(entry(real, "curhat-ning-ita"))])
    assert "does not verify" in (await verdict(verifier, b"CURHAT-1", b'{"a":1}', signed(Signer(impostor)))).reason


@pytest.mark.parametrize("token", ["x", "a.b.c", "eyJhbGciOiJub25lIiwia2lkIjoieCJ9..", "a..b" * 1000,
                                   "eyJhbGciOiJIUzI1NiIsImtpZCI6ImN1cmhhdC0xIn0..AAAA"])
async def test_a_malformed_or_downgraded_signature_is_refused(token):
    verifier = Verifier([Static(entry(generate("curhat-1"), "curhat-ning-ita"))])
    v = await verdict(verifier, b"CURHAT-1", b'{"a":1}', {**HEADERS, SIGNATURE_HEADER: token})
    assert v.app is None and v.reason


async def test_during_a_rotation_old_and_new_keys_are_valid_and_the_retired_one_is_refused_after_grace():
    old, new = generate("curhat-1"), generate("curhat-2")
    clock = [NOW]
    source = Static(entry(old, "curhat-ning-ita", "retiring", (NOW + timedelta(hours=1)).isoformat()),
                    entry(new, "curhat-ning-ita"))
    verifier = Verifier([source], now=lambda: clock[0])
    assert (await verdict(verifier, b"CURHAT-1", b'{"a":1}', signed(Signer(old)))).app == "curhat-ning-ita"
    assert (await verdict(verifier, b"CURHAT-1", b'{"a":1}', signed(Signer(new)))).app == "curhat-ning-ita"
    clock[0] = NOW + timedelta(hours=1, seconds=1)
    assert (await verdict(verifier, b"CURHAT-1", b'{"a":1}', signed(Signer(old)))).reason == \
        "key 'curhat-1' of curhat-ning-ita is retired"
    assert (await verdict(verifier, b"CURHAT-1", b'{"a":1}', signed(Signer(new)))).app == "curhat-ning-ita"


async def test_a_new_kid_makes_the_verifier_read_its_trust_file_again(tmp_path):
    first, second = generate("curhat-1"), generate("curhat-2")
    path = tmp_path / "trust.json"
    path.write_text(json.dumps({"keys": [entry(first, "curhat-ning-ita")]}))
    verifier = Verifier([TrustFile(path)], min_refresh_s=0)
    assert (await verdict(verifier, b"CURHAT-1", b'{"a":1}', signed(Signer(first)))).app == "curhat-ning-ita"
    path.write_text(json.dumps({"keys": [entry(first, "curhat-ning-ita"), entry(second, "curhat-ning-ita")]}))
    assert (await verdict(verifier, b"CURHAT-1", b'{"a":1}', signed(Signer(second)))).app == "curhat-ning-ita"


async def test_an_unknown_kid_while_the_keys_are_unreachable_is_a_temporary_failure():
    from palapa.kit.failures import is_transient
    from palapa.kit.signing import KeyService, KeysUnavailableError

    verifier = Verifier([KeyService("http://127.0.0.1:9/signing-keys", timeout_s=1)], min_refresh_s=0)
    with pytest.raises(KeysUnavailableError) as caught:
        await verdict(verifier, b"CURHAT-1", b'{"a":1}', signed(Signer(generate("curhat-1"))))
    assert is_transient(caught.value)

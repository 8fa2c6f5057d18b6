"""Recipients' addresses are checked and normalised; keys derived from them never hold them."""

import pytest

from palapa.notify.messages.addresses import (
    AddressError,
    body_digest,
    message_key,
    normalise,
    normalise_email,
    normalise_phone,
)


def test_indonesian_numbers_in_any_spelling_become_one_e164_number():
    assert {normalise_phone(n) for n in ("0812-3456-7890", "+62 812 3456 7890", "6281234567890")} == {
        "+6281234567890"}


@pytest.mark.parametrize("raw", [
    "", "0812", "+62 21 555", "0812345678901234567", "08123abc567", "+62812\n34567890", "٠٨١٢٣٤٥٦٧٨٩٠",
    "+0812345678", "x" * 100,
])
def test_odd_or_oversized_phone_numbers_are_refused_without_repeating_them(raw):
    with pytest.raises(AddressError) as caught:
        normalise_phone(raw)
    assert caught.value.reason == "bad_phone"
    assert raw.strip() == "" or raw not in caught.value.detail


@pytest.mark.parametrize("raw", ["budi", "a@b", "a b@kota.go.id", "a@b@kota.go.id", "x@kota.go.id\r\nBcc: y@z",
                                 "a" * 250 + "@kota.go.id", "budi@kötä.id"])
def test_odd_email_addresses_are_refused(raw):
    with pytest.raises(AddressError):
        normalise_email(raw)


def test_an_email_domain_is_lower_cased_and_the_channel_picks_the_address_kind():
    assert normalise("email", " Budi.S@Surabaya.GO.ID ") == ("email", "Budi.S@surabaya.go.id")
    assert normalise("whatsapp", "081234567890") == ("phone", "+6281234567890")
    with pytest.raises(AddressError):
        normalise("pigeon", "x")


def test_the_same_cause_kind_and_recipient_give_the_same_message_key():
    assert message_key("evt-1", "complaint_received", "h1") == message_key("evt-1", "complaint_received", "h1")
    assert message_key("evt-1", "complaint_received", "h1") != message_key("evt-2", "complaint_received", "h1")
    assert message_key("evt-1", "complaint_received", "h1") != message_key("evt-1", "complaint_received", "h2")


def test_equal_json_bodies_in_any_key_order_have_the_same_digest():
    assert body_digest({"a": 1, "b": [1, 2]}) == body_digest({"b": [1, 2], "a": 1})
    assert body_digest({"a": 1}) != body_digest({"a": 2})

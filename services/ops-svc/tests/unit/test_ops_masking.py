"""A dead letter's content never shows a person: identity fields, names, addresses and the patterns in free text."""

import json

from palapa.ops.masking import is_person_field, masked_content, masked_headers


def test_identity_names_and_addresses_are_masked_in_a_json_value():
    value = json.dumps({
        "ticket": "CURHAT-12", "reporter": {"nama": "Siti Aminah", "nik": "3576014501900001", "no_hp": "081234567890",
                                            "email": "siti@example.com", "alamat": "Jl. Mawar 3"},
        "description": "hubungi 0812-3456-7890 atau budi@mail.id, NIK 3576014501900002",
        "reporterName": "Budi", "status": "received", "app_name": "Curhat Ning Ita",
    })
    shown = masked_content(value)
    for secret in ("Siti", "3576014501900001", "081234567890", "siti@example.com", "Mawar", "0812-3456-7890",
                   "budi@mail.id", "3576014501900002", "Budi"):
        assert secret not in shown, secret
    parsed = json.loads(shown)
    assert (parsed["ticket"], parsed["status"], parsed["app_name"]) == ("CURHAT-12", "received", "Curhat Ning Ita")


def test_a_value_that_is_not_json_is_masked_as_text():
    shown = masked_content("{broken nik=3576014501900001 hp +62 812 3456 7890")
    assert "3576014501900001" not in shown and "812 3456 7890" not in shown and shown.startswith("{broken")


def test_deep_or_huge_values_are_bounded():
    deep: object = "x"
    for _ in range(50):
        deep = [deep]
    assert "[disamarkan]" in masked_content(json.dumps(deep))
    assert len(masked_content("a" * 10_000_000)) <= 64 * 1024


def test_names_of_things_are_not_people():
    assert is_person_field("reporter_name") and is_person_field("namaPelapor") and is_person_field("alamat")
    assert not is_person_field("app_name") and not is_person_field("ticket") and not is_person_field("status")


def test_headers_are_masked_too():
    assert "081234567890" not in masked_headers({"ce_subject": "081234567890"})["ce_subject"]

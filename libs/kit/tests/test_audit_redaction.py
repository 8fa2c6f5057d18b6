"""Identity (NIK, phone, e-mail) never goes into the audit log's before/after (pure)."""

from palapa.kit.audit import MASK, is_identity_field, redact, redact_text


def test_fields_named_for_identity_lose_their_value_in_any_spelling():
    state = {"nik": "3576010101900001", "noHp": "081234567890", "reporter-email": "a@b.id", "E_MAIL": "x",
             "phone_number": None, "status": "verified", "opd": "DISHUB"}
    assert redact(state) == {"nik": MASK, "noHp": MASK, "reporter-email": MASK, "E_MAIL": MASK,
                             "phone_number": None, "status": "verified", "opd": "DISHUB"}


def test_identity_inside_free_text_and_nested_values_is_masked_in_place():
    state = {"note": "Pelapor NIK 3576010101900001, HP +62 812-3456-7890, surel warga@contoh.id",
             "history": [{"text": "hubungi 081234567890"}, ("0812 3456 789",)]}
    assert redact(state) == {
        "note": "Pelapor NIK [NIK], HP [telepon], surel [email]",
        "history": [{"text": "hubungi [telepon]"}, ["[telepon]"]],
    }


def test_what_is_not_identity_is_kept():
    state = {"ticket": "CURHAT-1042", "count": 3, "url": "https://cctv.kota.example.go.id/2",
             "nop": "35.76.010.001.000-0000.0", "at": "2026-12-08T09:15:00Z", "whatever": True}
    assert redact(state) == state
    assert not is_identity_field("php_version") and not is_identity_field("whatsnew")
    assert is_identity_field("nomorTelepon") and is_identity_field("no_hp")


def test_a_text_why_is_masked_the_same_way():
    assert redact_text("warga 3576010101900001 minta dihapus") == "warga [NIK] minta dihapus"


def test_absurdly_deep_values_are_cut_rather_than_walked():
    deep: dict = {}
    node = deep
    for _ in range(100):
        node["next"] = {}
        node = node["next"]
    node["nik"] = "3576010101900001"
    assert "3576010101900001" not in str(redact(deep))


def test_long_texts_are_redacted_in_linear_time_not_by_backtracking():
    # an unbounded e-mail pattern backtracks quadratically on a long word: 300k characters took minutes
    text = "x" * 300_000 + " a@b.id " + "9" * 100_000
    masked = redact_text(text)
    assert "[email]" in masked and masked.startswith("x" * 10)

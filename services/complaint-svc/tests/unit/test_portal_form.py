"""The citizen's complaint form, the pure rules: what it accepts, and the message each mistake gets."""

import pytest

from palapa.complaint.portal.form import FormError, check_form, check_idempotency_key

FORM = {"kategori": "sampah", "uraian": "Sampah menumpuk di depan pasar sejak Senin", "kelurahan": "Kranggan",
        "anonim": False, "nama": "Siti Aminah", "telepon": "081234567890", "email": "", "foto": ""}


def test_a_form_with_a_kelurahan_names_its_kecamatan_in_the_address():
    form = check_form(FORM)
    assert form.request.address == "Kel. Kranggan, Kec. Kranggan, Kota Mojokerto"
    assert form.request.service.category == "sampah" and form.request.reporter_name == "Siti Aminah"


def test_an_anonymous_form_keeps_no_identity_at_all_even_when_one_was_typed():
    form = check_form({**FORM, "anonim": True})
    assert form.anonymous and (form.request.reporter_name, form.request.phone, form.request.email) == (None, None, None)


def test_a_point_is_a_location_without_a_kelurahan():
    form = check_form({**FORM, "kelurahan": "", "lat": "-7.4722", "long": "112.4338"})
    assert (form.request.lat, form.request.long) == (-7.4722, 112.4338) and form.kelurahan is None


@pytest.mark.parametrize(("change", "field", "says"), [
    ({"kategori": ""}, "kategori", "Pilih kategori"),
    ({"kategori": "tidak-ada"}, "kategori", "Pilih kategori"),
    ({"uraian": "rusak"}, "uraian", "paling sedikit 15"),
    ({"uraian": 42}, "uraian", "tidak valid"),
    ({"kelurahan": "Gotham"}, "kelurahan", "dari daftar"),
    ({"kelurahan": ""}, "lokasi", "kelurahan atau"),
    ({"kelurahan": "", "lat": "200", "long": "1"}, "lokasi", "tidak valid"),
    ({"foto": "ftp://x"}, "foto", "https://"),
    ({"telepon": "telepon saya"}, "telepon", "tidak valid"),
    ({"email": "a@"}, "email", "tidak valid"),
    ({"anonim": "ya"}, "anonim", "tidak valid"),
])
def test_each_mistake_is_named_with_its_field(change, field, says):
    with pytest.raises(FormError) as exc:
        check_form({**FORM, **change})
    assert exc.value.field == field and says in exc.value.message


def test_a_form_that_is_not_an_object_or_lacks_its_key_is_refused():
    with pytest.raises(FormError):
        check_form(["bukan", "objek"])
    for key in (None, "pendek", "x" * 65, "kunci dengan spasi!"):
        with pytest.raises(FormError):
            check_idempotency_key(key)
    assert check_idempotency_key("0b7a4e36-0d4c-4f7e-9a51-3c2b1f0e9d88")

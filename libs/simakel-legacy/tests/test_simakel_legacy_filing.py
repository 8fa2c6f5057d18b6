"""Si Makel files a partner's request as its own form would: checked, once per reference, refused in its words."""

import httpx
import pytest

from palapa.simakel_legacy.api import create_app
from palapa.simakel_legacy.requests import SiMakel

FORM = {"nik": "3576014101900001", "nama": "Siti  Aminah", "telepon": "081234567890", "kode_surat": "skd",
        "kelurahan": "kranggan", "kecamatan": "salah", "keperluan": "rekening", "no_referensi": "SURAT-ABC"}


async def post(simakel: SiMakel, form: dict) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(simakel)), base_url="http://t") as c:
        return await c.post("/api/permohonan", data=form)


async def test_a_filed_request_is_stored_as_the_app_would_and_the_same_reference_answers_it_again():
    simakel = SiMakel(seed=1, quirk_ratio=0)
    res = await post(simakel, FORM)
    assert res.status_code == 201 and b"<hasil>ok</hasil>" in res.content
    [req] = simakel.requests.values()
    assert (req.nama, req.kode_surat, req.kelurahan, req.kecamatan, req.status) == (
        "Siti Aminah", "SKD", "Kranggan", "Kranggan", "0")
    again = await post(simakel, FORM)
    assert again.status_code == 200 and b"<hasil>duplikat</hasil>" in again.content
    assert f'id="{req.id}"'.encode() in again.content and len(simakel.requests) == 1


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("nik", "3578014101900001", "NIK bukan penduduk Kota Mojokerto"), ("nik", "35760141", "NIK harus 16 digit"),
    ("kelurahan", "Atlantis", "Kelurahan tidak terdaftar"), ("kode_surat", "XYZ", "Jenis surat XYZ tidak tersedia"),
    ("nama", " ", "Nama pemohon wajib diisi")])
async def test_a_refusal_is_hasil_gagal_with_its_message_under_http_200_and_files_nothing(field, value, reason):
    simakel = SiMakel(seed=1, quirk_ratio=0)
    res = await post(simakel, {**FORM, field: value, "no_referensi": "SURAT-REF"})
    assert res.status_code == 200 and b"<hasil>gagal</hasil>" in res.content and reason.encode() in res.content
    assert simakel.requests == {}


async def test_while_away_it_answers_503_and_files_nothing():
    simakel = SiMakel(seed=1, quirk_ratio=0)
    simakel.down = True
    assert (await post(simakel, FORM)).status_code == 503 and simakel.requests == {}

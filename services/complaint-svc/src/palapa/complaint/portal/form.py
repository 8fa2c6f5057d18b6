"""The citizen's complaint form (pure): what the portal accepts, checked with the same rules as Open311."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..open311.checks import NewRequest, Open311Error, check_request

#: Kota Mojokerto's 18 kelurahan by kecamatan (Perda 2019 made Kranggan the third kecamatan).
KELURAHAN: dict[str, tuple[str, ...]] = {
    "Kranggan": ("Jagalan", "Kranggan", "Meri", "Miji", "Purwotengah", "Sentanan"),
    "Magersari": ("Balongsari", "Gedongan", "Gunung Gedangan", "Kedundung", "Magersari", "Wates"),
    "Prajurit Kulon": ("Blooto", "Kauman", "Mentikan", "Prajurit Kulon", "Pulorejo", "Surodinawan"),
}
KECAMATAN_OF = {kel: kec for kec, kels in KELURAHAN.items() for kel in kels}
MIN_DESCRIPTION = 15
_IDEMPOTENCY = re.compile(r"^[A-Za-z0-9-]{16,64}$")


@dataclass(frozen=True)
class PortalComplaint:
    request: NewRequest
    kelurahan: str | None
    anonymous: bool


class FormError(ValueError):
    """A form the portal refuses: the field and the message shown next to it (Bahasa Indonesia)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _str(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FormError(name, "Isian tidak valid.")
    return value.strip()


def check_idempotency_key(value: str | None) -> str:
    if value is None or not _IDEMPOTENCY.match(value):
        raise FormError("form", "Muat ulang halaman lalu kirim lagi (kunci pengiriman tidak valid).")
    return value


def check_form(body: Any) -> PortalComplaint:
    """The form's JSON → a request; the first problem is refused with its field and a plain message."""
    if not isinstance(body, dict):
        raise FormError("form", "Formulir tidak terbaca.")
    anonymous = body.get("anonim", False)
    if not isinstance(anonymous, bool):
        raise FormError("anonim", "Pilihan anonim tidak valid.")
    description = _str(body, "uraian")
    if len(description) < MIN_DESCRIPTION:
        raise FormError("uraian", f"Ceritakan keluhan Anda paling sedikit {MIN_DESCRIPTION} karakter.")
    kelurahan = _str(body, "kelurahan") or None
    lat, long = _str(body, "lat"), _str(body, "long")
    if kelurahan is not None and kelurahan not in KECAMATAN_OF:
        raise FormError("kelurahan", "Pilih kelurahan dari daftar.")
    if kelurahan is None and not (lat and long):
        raise FormError("lokasi", "Pilih kelurahan atau gunakan titik lokasi Anda.")
    address = f"Kel. {kelurahan}, Kec. {KECAMATAN_OF[kelurahan]}, Kota Mojokerto" if kelurahan else None
    name, phone, email = ("", "", "") if anonymous else (_str(body, "nama"), _str(body, "telepon"), _str(body, "email"))
    form = {"service_code": [_str(body, "kategori")], "description": [description], "lat": [lat], "long": [long],
            "address_string": [address or ""], "media_url": [_str(body, "foto")], "first_name": [name],
            "phone": [phone], "email": [email]}
    try:
        request = check_request(form)
    except Open311Error as exc:
        raise FormError(*_field_of(exc.description)) from None
    return PortalComplaint(request, kelurahan, anonymous)


_MESSAGES = (
    ("service_code", "kategori", "Pilih kategori pengaduan."),
    ("lat", "lokasi", "Titik lokasi tidak valid."),
    ("long", "lokasi", "Titik lokasi tidak valid."),
    ("description", "uraian", "Uraian terlalu panjang atau memuat karakter yang tidak diizinkan."),
    ("media_url", "foto", "Tautan foto harus diawali https:// atau http://."),
    ("email", "email", "Alamat e-mail tidak valid."),
    ("phone", "telepon", "Nomor telepon tidak valid."),
    ("first_name", "nama", "Nama terlalu panjang atau tidak valid."),
)


def _field_of(description: str) -> tuple[str, str]:
    for key, field, message in _MESSAGES:
        if description.startswith(key):
            return field, message
    return "form", description

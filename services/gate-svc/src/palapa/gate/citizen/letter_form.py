"""The letter request form's choices and what each letter status means for the citizen (pure).

Si Makel's letter codes and Kota Mojokerto's kelurahan, as Si Makel's own form offers them; which letter each
directory service is. Whether a NIK is the city's is Si Makel's to say: its refusal comes back on the ticket.
"""

from __future__ import annotations

#: Si Makel's letters (its `kode_surat`)
LETTERS: dict[str, str] = {
    "SKD": "Surat Keterangan Domisili", "SKTM": "Surat Keterangan Tidak Mampu", "SP": "Surat Pengantar",
    "SKU": "Surat Keterangan Usaha", "SKBM": "Surat Keterangan Belum Menikah", "SKL": "Surat Keterangan Kelahiran",
    "SKK": "Surat Keterangan Kematian",
}
#: the directory's Si Makel services (catalog-svc's service ids) and the letter each one is
SERVICE_LETTER: dict[str, str] = {
    "surat-domisili": "SKD", "surat-pengantar-skck": "SP", "surat-keterangan-usaha": "SKU",
    "surat-kematian-kelurahan": "SKK", "surat-belum-menikah": "SKBM",
}
#: Kota Mojokerto: kecamatan → its kelurahan
KECAMATAN: dict[str, tuple[str, ...]] = {
    "Prajurit Kulon": ("Surodinawan", "Prajurit Kulon", "Blooto", "Mentikan", "Kauman", "Pulorejo"),
    "Magersari": ("Gunung Gedangan", "Kedundung", "Purwotengah", "Gedongan", "Magersari", "Wates"),
    "Kranggan": ("Jagalan", "Sentanan", "Kranggan", "Miji", "Meri", "Balongsari"),
}
KECAMATAN_OF = {kel: kec for kec, kels in KECAMATAN.items() for kel in kels}

#: what happens next, by the request's canonical status (RequestStatus)
NEXT: dict[str, str] = {
    "submitted": "Kelurahan akan memeriksa permohonan dan berkas Anda.",
    "verified": "Permohonan sudah diperiksa; surat akan diproses.",
    "in_progress": "Surat sedang diproses di kelurahan.",
    "ready": "Surat siap diambil di kantor kelurahan: bawa KTP-el asli.",
    "completed": "Surat sudah diambil. Selesai.",
    "rejected": "Permohonan ditolak: lihat alasannya di riwayat, lalu ajukan lagi bila perlu.",
}
WAITING = "Sedang dicatat di Si Makel kelurahan; bila Si Makel sedang tidak tersedia, Palapa mencoba lagi otomatis."


def next_step(letter: dict) -> str:
    """What happens next for a letter as tracking-svc gives it."""
    if letter.get("waiting_for_legacy"):
        return WAITING
    return NEXT.get(letter.get("status") or "", "Permohonan Anda sedang diproses.")


def request_body(fields: dict[str, str]) -> dict[str, str | None] | str:
    """The form as tracking-svc's request, or the problem to show (Bahasa Indonesia)."""
    code, kelurahan = (fields.get("jenis") or "").strip(), (fields.get("kelurahan") or "").strip()
    if code not in LETTERS:
        return "Pilih jenis surat."
    if kelurahan not in KECAMATAN_OF:
        return "Pilih kelurahan tempat Anda tinggal."
    return {"letter_type": code, "letter_label": LETTERS[code], "kelurahan": kelurahan,
            "kecamatan": KECAMATAN_OF[kelurahan], "purpose": (fields.get("keperluan") or "")[:500] or None,
            "name": (fields.get("nama") or "")[:100], "nik": (fields.get("nik") or "")[:32],
            "phone": (fields.get("hp") or "")[:32] or None}

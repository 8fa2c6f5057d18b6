"""Si Makel's XML answer, byte for byte as the PHP app writes it, mangling included.

The app concatenates strings: a value typed on an old kelurahan PC arrives in Latin-1 inside a UTF-8
document, HTML entities from its web forms (`&nbsp;`, `&#39;` escaped twice) pass through, blanks are
'-' or empty, and a request can be listed twice on a page.
"""

from __future__ import annotations

from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

from .requests import LETTERS, STATUSES, Permohonan

DATE = "%Y-%m-%d %H:%M:%S"


def _el(tag: str, value: str, raw: bool = False, latin1: bool = False) -> bytes:
    text = value if raw else escape(value)
    return f"<{tag}>".encode() + text.encode("latin-1" if latin1 else "utf-8", "replace") + f"</{tag}>".encode()


def request_xml(r: Permohonan) -> bytes:
    """One <permohonan> element."""
    q = r.quirk
    nama, kel, kec, telepon = r.nama, r.kelurahan, r.kecamatan, r.telepon
    status_label = STATUSES.get(r.status, "Ditangguhkan")
    raw = False
    if q == "entities":
        kel, nama, raw = kel.replace(" ", "&nbsp;"), nama.replace(" ", "&amp;#39;", 1), True
    if q == "blanks":
        kec, telepon = "-", ""
    if q == "shouting":
        kel, kec = f"KEL. {kel.upper()}", kec.upper()
    if q == "latin1" and r.status == "3":
        status_label = "Siap Diambil · loket 2"
    status = "7" if q == "unknown_status" and r.status == "2" else r.status
    if status == "7":
        status_label = "Ditangguhkan"
    pengajuan = "-" if q == "blanks" else r.tgl_pengajuan.strftime("%d/%m/%Y %H:%M")
    return b"".join([
        f'<permohonan id="{r.id}">'.encode(),
        b"<pemohon>", _el("nama", nama, raw, latin1=q == "latin1"), _el("nik", r.nik), _el("telepon", telepon),
        b"</pemohon>",
        f"<jenis_surat kode={quoteattr(r.kode_surat)}>".encode(),
        escape(LETTERS.get(r.kode_surat, r.kode_surat)).encode(),
        b"</jenis_surat>",
        f"<status kode={quoteattr(status)}>".encode(), status_label.encode("latin-1" if q == "latin1" else "utf-8"),
        b"</status>",
        b"<wilayah>", _el("kelurahan", kel, raw), _el("kecamatan", kec), b"</wilayah>",
        _el("tgl_pengajuan", pengajuan), _el("tgl_update", r.tgl_update.strftime(DATE)),
        b"</permohonan>",
    ])


def page_xml(rows: list[Permohonan], page: int, pages: int, server_time: datetime) -> bytes:
    """The whole answer to GET /api/permohonan."""
    body = []
    for r in rows:
        body.append(request_xml(r))
        if r.quirk == "duplicate":
            body.append(request_xml(r))
    return b"".join([
        b'<?xml version="1.0" encoding="UTF-8"?>\n<simakel>',
        f"<waktu_server>{server_time.strftime(DATE)}</waktu_server>".encode(),
        f"<halaman>{page}</halaman><jumlah_halaman>{pages}</jumlah_halaman>".encode(),
        f"<ada_lagi>{1 if page < pages else 0}</ada_lagi>".encode(),
        b"<daftar>", *body, b"</daftar></simakel>\n",
    ])


def filed_xml(r: Permohonan | None, duplicate: bool, refused: str | None) -> bytes:
    """The answer to POST /api/permohonan: `<hasil>` ok, duplikat (filed before under that reference) or gagal."""
    head = b'<?xml version="1.0" encoding="UTF-8"?>\n<simakel>'
    if r is None:
        return head + b"<hasil>gagal</hasil>" + _el("pesan", refused or "gagal") + b"</simakel>\n"
    return b"".join([head, b"<hasil>duplikat</hasil>" if duplicate else b"<hasil>ok</hasil>", request_xml(r),
                     b"</simakel>\n"])

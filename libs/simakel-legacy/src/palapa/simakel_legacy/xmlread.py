"""Reading Si Makel's XML safely: no DTD, no entity expansion, no external fetch; its encodings repaired.

defusedxml refuses any DTD (so a billion-laughs or XXE document is refused at once, before any expansion).
Before parsing, bytes that are not UTF-8 (a Latin-1 value typed on an old kelurahan PC) are read as
Latin-1, and HTML's named entities the forms let through (`&nbsp;`) become characters: XML knows five.
"""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass
from html.entities import name2codepoint
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
NAMED_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]{1,31});")
DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# characters XML 1.0 cannot hold at all (a raw control byte in a value)
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class XmlRefusedError(ValueError):
    """The page as a whole cannot be read; the message is the reason (quarantined, never a hang)."""


@dataclass(frozen=True)
class PageData:
    rows: list[dict[str, str | None]]
    more: bool
    server_time: str | None


def _latin1_fallback(err: UnicodeDecodeError) -> tuple[str, int]:
    return err.object[err.start:err.end].decode("latin-1"), err.end


codecs.register_error("simakel-latin1", _latin1_fallback)


def decode(body: bytes) -> str:
    """UTF-8, with each byte that is not (a Latin-1 value inside the UTF-8 document) read as Latin-1."""
    return body.decode("utf-8", "simakel-latin1")


def html_entities(text: str) -> str:
    """`&nbsp;`, `&eacute;`… as characters (escaped when they are markup); XML's five and unknown names kept."""
    def one(m: re.Match) -> str:
        name = m.group(1)
        if name in XML_ENTITIES or name not in name2codepoint:
            return m.group()  # an unknown name stays, and the parser says it is undefined
        ch = chr(name2codepoint[name])
        return {"&": "&amp;", "<": "&lt;", ">": "&gt;"}.get(ch, ch)

    return NAMED_ENTITY.sub(one, text)


def _text(el: Element | None) -> str | None:
    if el is None:
        return None
    # double-escaped form text ('Nur&amp;#39;aini' → 'Nur&#39;aini' after XML → "Nur'aini")
    return html.unescape("".join(el.itertext()))


def _row(el: Element) -> dict[str, str | None]:
    surat, status = el.find("jenis_surat"), el.find("status")
    return {
        "id": el.get("id") if el.get("id") is not None else _text(el.find("id")),
        "nama": _text(el.find("pemohon/nama")), "nik": _text(el.find("pemohon/nik")),
        "telepon": _text(el.find("pemohon/telepon")),
        "kode_surat": None if surat is None else surat.get("kode"), "nama_surat": _text(surat),
        "kode_status": None if status is None else status.get("kode"), "nama_status": _text(status),
        "kelurahan": _text(el.find("wilayah/kelurahan")), "kecamatan": _text(el.find("wilayah/kecamatan")),
        "tgl_pengajuan": _text(el.find("tgl_pengajuan")), "tgl_update": _text(el.find("tgl_update")),
    }


def parse_page(body: bytes) -> PageData:
    """A page's requests (every value as text), whether more pages wait, and the server's clock."""
    text = DECLARATION.sub("", decode(body), count=1)  # the declared encoding no longer applies to text
    text = NOT_XML.sub("", html_entities(text))
    try:
        root = SafeET.fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise XmlRefusedError(f"xml_forbidden: {type(exc).__name__}: the page declares a DTD or entities "
                              "(refused unexpanded)") from None
    except ParseError as exc:
        raise XmlRefusedError(f"xml_unreadable: {exc}") from None
    daftar = root.find("daftar")
    if root.tag != "simakel" or daftar is None:
        raise XmlRefusedError(f"xml_unexpected: <{root.tag[:40]}> has no <daftar> list")
    more = (_text(root.find("ada_lagi")) or "0").strip() == "1"
    return PageData([_row(el) for el in daftar.findall("permohonan")], more, _text(root.find("waktu_server")))

"""Si Makel's XML read safely: encodings and entities repaired, DTDs refused at once (billion laughs, XXE)."""

import time
from pathlib import Path

import pytest

from palapa.simakel_legacy.xmlread import XmlRefusedError, decode, html_entities, parse_page

PAGES = Path(__file__).parent / "pages"


def rows(name: str) -> dict[str, dict]:
    return {r["id"]: r for r in parse_page((PAGES / name).read_bytes()).rows}


def test_a_page_is_read_with_its_paging_and_server_clock():
    page = parse_page((PAGES / "page1.xml").read_bytes())
    assert page.more is True and page.server_time == "2026-11-26 09:47:00"
    assert len(page.rows) == 8  # 3105 is listed twice
    first = page.rows[0]
    assert (first["kode_surat"], first["kode_status"], first["kelurahan"]) == ("SKD", "0", "Kranggan")


def test_latin1_bytes_inside_the_utf8_document_are_read_as_latin1():
    row = rows("page1.xml")["3103"]
    assert row["nama"] == "André Wijaya" and row["nama_status"] == "Siap Diambil · loket 2"


def test_html_entities_from_the_forms_are_characters():
    row = rows("page1.xml")["3102"]
    assert row["kelurahan"] == "Prajurit\xa0Kulon" and row["nama"] == "Siti'Aminah"


def test_decode_keeps_utf8_and_repairs_only_the_stray_bytes():
    assert decode("Jalan · Café".encode() + b" caf\xe9") == "Jalan · Café café"


def test_markup_characters_named_by_html_entities_stay_escaped():
    assert html_entities("a&nbsp;b &amp; &lt; &unknownname;") == "a\xa0b &amp; &lt; &unknownname;"


@pytest.mark.parametrize("name", ["billion_laughs.xml", "xxe.xml"])
def test_a_document_with_a_dtd_is_refused_at_once_without_expanding_anything(name):
    started = time.perf_counter()
    with pytest.raises(XmlRefusedError, match=r"^xml_forbidden: DTDForbidden"):
        parse_page((PAGES / name).read_bytes())
    assert time.perf_counter() - started < 1.0  # refused before expansion: no hang, no memory blow-up


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<html><body>Fatal error: mysql_connect()</body></html>", "xml_unexpected: <html> has no <daftar> list"),
        (b"<simakel><daftar><permohonan>", "xml_unreadable: no element found"),
        (b"", "xml_unreadable"),
        (
            b'<simakel><daftar><permohonan id="1">&bogus;</permohonan></daftar></simakel>',
            "xml_unreadable: undefined entity",
        ),
    ],
)
def test_a_body_that_is_no_page_is_refused_with_the_reason(body, reason):
    with pytest.raises(XmlRefusedError, match=f"^{reason}"):
        parse_page(body)


def test_control_bytes_in_a_value_do_not_break_the_page():
    page = parse_page(b'<simakel><daftar><permohonan id="5"><pemohon><nama>Bu\x00di\x07</nama></pemohon>'
                      b"</permohonan></daftar></simakel>")
    assert page.rows[0]["nama"] == "Budi" and page.more is False

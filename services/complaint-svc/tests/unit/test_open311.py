"""Open311 GeoReport v2, the pure rules: checking a POSTed request, the shapes returned, XML, the 90-day window."""

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest

from palapa.complaint.open311.catalogue import SERVICE_BY_CODE
from palapa.complaint.open311.checks import Open311Error, check_request, split_format, statuses_of, window
from palapa.complaint.open311.replies import (
    RequestRow,
    errors_body,
    open_or_closed,
    request_view,
    service_definition,
    to_xml,
)

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


def valid(**extra):
    base = {"service_code": ["jalan-rusak"], "lat": ["-7.4722"], "long": ["112.4338"],
            "description": ["Lubang besar di Jl. Mojopahit"]}
    base.update(extra)
    return base


def refused(f) -> Open311Error:
    with pytest.raises(Open311Error) as exc:
        check_request(f)
    return exc.value


def test_a_complete_request_is_accepted_with_its_reporter_kept_apart():
    req = check_request(valid(first_name=["Siti"], last_name=["Aminah"], email=["siti@example.id"],
                              phone=["0812-3456-7890"], **{"attribute[tingkat]": ["berat"]}))
    assert req.service.category == "jalan rusak"
    assert (req.lat, req.long) == (-7.4722, 112.4338)
    assert req.reporter_name == "Siti Aminah" and req.attributes == {"tingkat": "berat"}


@pytest.mark.parametrize(("fields", "status", "says"), [
    ({"service_code": []}, 400, "service_code wajib"),
    ({"service_code": ["tidak-ada"]}, 404, "tidak dikenal"),
    ({"lat": [], "long": []}, 400, "Lokasi wajib"),
    ({"long": []}, 400, "bersama"),
    ({"lat": ["nan"]}, 400, "rentang"),
    ({"lat": ["91"]}, 400, "rentang"),
    ({"long": ["abc"]}, 400, "angka"),
    ({"description": ["  "]}, 400, "description wajib"),
    ({"description": ["x" * 4001]}, 400, "terlalu panjang"),
    ({"description": ["ada\x00nul"]}, 400, "karakter kendali"),
    ({"media_url": ["javascript:alert(1)"]}, 400, "media_url"),
    ({"email": ["bukan-email"]}, 400, "email"),
    ({"phone": ["<script>"]}, 400, "phone"),
    ({"attribute[warna]": ["merah"]}, 400, "tidak ada pada layanan"),
    ({"attribute[tingkat]": ["parah sekali"]}, 400, "salah satu dari"),
    ({"attributes[x]": ["1"]}, 400, "Nama atribut tidak valid"),
    ({"service_code": ["jalan-rusak", "banjir"]}, 400, "lebih dari sekali"),
])
def test_a_bad_request_is_refused_with_the_reason(fields, status, says):
    err = refused(valid(**fields))
    assert err.status == status and says in err.description


def test_an_address_alone_is_a_location():
    req = check_request(valid(lat=[], long=[], address_string=["Jl. Benteng Pancasila 12, Mojokerto"]))
    assert req.lat is None and req.address.startswith("Jl. Benteng")


def test_the_extension_chooses_the_format():
    assert split_format("requests.xml") == ("requests", "xml")
    assert split_format("LAPOR-ABC.json") == ("LAPOR-ABC", "json")
    with pytest.raises(Open311Error):
        split_format("requests.html")
    with pytest.raises(Open311Error):
        split_format("requests")


def test_statuses_map_to_open_and_closed():
    assert [open_or_closed(s) for s in ("received", "in_progress", "reopened")] == ["open"] * 3
    assert [open_or_closed(s) for s in ("resolved", "closed", "rejected", "duplicate")] == ["closed"] * 4
    assert statuses_of("open,closed") == ["closed", "open"]
    with pytest.raises(Open311Error):
        statuses_of("pending")


def test_the_listing_window_defaults_to_ninety_days_and_never_spans_more():
    assert window(None, None, NOW) == (NOW - timedelta(days=90), NOW)
    lo, hi = window("2026-10-01T00:00:00Z", None, NOW)
    assert lo == datetime(2026, 10, 1, tzinfo=UTC) and hi == NOW
    too_long = ("2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z")
    backwards = ("2026-11-02T00:00:00Z", "2026-11-01T00:00:00Z")
    for start, end in (too_long, backwards):
        with pytest.raises(Open311Error):
            window(start, end, NOW)
    with pytest.raises(Open311Error, match="zona waktu"):
        window("2026-11-01T00:00:00", None, NOW)


def _row(status="in_progress", category="jalan rusak", **kw):
    return RequestRow(ticket="LAPOR-ABCDEFGHJK", status=status, status_label="Sedang diproses",
                      category=category, opd="DPUPR", submitted_at=NOW, updated_at=NOW,
                      due_at=NOW + timedelta(days=7), **kw)


def test_a_request_shows_its_agency_deadline_and_notes_but_no_reporter():
    view = request_view(_row(description="Lubang", lat=-7.47, long=112.43))
    assert view["status"] == "open" and view["agency_responsible"] == "DPUPR"
    assert view["service_code"] == "jalan-rusak" and view["expected_datetime"] == (NOW + timedelta(days=7)).isoformat()
    assert view["service_notice"].endswith("WIB") and view["status_notes"] == "Sedang diproses"
    assert not {"first_name", "last_name", "email", "phone", "reporter_name"} & set(view)


def test_a_case_from_another_channel_shows_under_its_category_or_as_other():
    assert request_view(_row(category="Sampah"))["service_code"] == "sampah"
    assert request_view(_row(category="kategori aneh"))["service_code"] == "lainnya"
    assert request_view(_row(status="resolved"))["service_notice"] is None


def test_xml_has_the_spec_roots_and_escapes_text():
    doc = ElementTree.fromstring(to_xml("service_requests", [request_view(_row(description="a < b & c"))]))
    assert doc.tag == "service_requests" and doc.find("request/description").text == "a < b & c"
    errors = ElementTree.fromstring(to_xml("errors", errors_body(403, "api_key tidak valid")))
    assert errors.find("error/code").text == "403"
    jalan = service_definition(SERVICE_BY_CODE["jalan-rusak"])
    definition = ElementTree.fromstring(to_xml("service_definition", jalan))
    assert definition.find("attributes/attribute/values/value/key").text == "ringan"

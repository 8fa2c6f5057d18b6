"""The directory's pure parts: words, synonym groups, query checks, the data file."""

import pytest

from palapa.catalog.directory import domain as directory
from palapa.catalog.directory import search
from palapa.catalog.directory.synonyms import InvalidSynonymsError, SynonymGroup, expand, words
from palapa.catalog.registry.domain import BadSearchError

KTP = SynonymGroup.of("ktp", ["KTP", "kartu tanda penduduk", "KTP-el", "e-KTP"])
AKTA = SynonymGroup.of("akta", ["akta", "akte"])
HEADER = ";".join(directory.COLUMNS)


def test_words_are_folded_letters_and_digits_and_punctuation_separates_them():
    assert words("Café «KTP-el»\\ 'PSC 119' \"x\" ;--") == ["cafe", "ktp", "el", "psc", "119", "x"]
    assert words("!!! ''' \\\\") == []


def test_a_synonym_phrase_becomes_all_its_groups_phrases_longest_match_first():
    assert KTP.terms == ("ktp", "kartu tanda penduduk", "ktp el", "e ktp")
    assert expand(["kartu", "tanda", "penduduk", "hilang"], [KTP]) == [KTP.terms, ("hilang",)]
    assert expand(["ktp", "el"], [KTP]) == [KTP.terms]
    assert expand(["akte", "kelahiran"], [KTP, AKTA]) == [("akta", "akte"), ("kelahiran",)]


def test_filler_words_are_dropped_and_repeated_segments_counted_once():
    assert expand(["bagaimana", "cara", "membuat", "ktp", "dan", "ktp"], [KTP]) == [("membuat",), KTP.terms]


@pytest.mark.parametrize("group_id, terms, says", [
    ("KTP", ["ktp", "kartu"], "id grup"),
    ("ktp", ["ktp"], "dua istilah"),
    ("ktp", ["ktp", "KTP"], "dua istilah"),
    ("ktp", ["ktp", "!!!"], "tidak berisi kata"),
    ("ktp", ["ktp", "x" * 81], "paling banyak"),
])
def test_a_bad_synonym_group_is_refused_with_the_reason(group_id, terms, says):
    with pytest.raises(InvalidSynonymsError, match=says):
        SynonymGroup.of(group_id, terms)


@pytest.mark.parametrize("params, reason", [
    ({"q": "x" * 201}, "query_too_long"),
    ({"q": "x" * 10_240}, "query_too_long"),
    ({"q": "ktp\x00"}, "invalid_query"),
    ({"q": "ktp", "limit": "0"}, "invalid_limit"),
    ({"q": "ktp", "limit": "51"}, "invalid_limit"),
    ({"q": "ktp", "limit": "-1"}, "invalid_limit"),
    ({"q": "ktp", "limit": "١٠"}, "invalid_limit"),  # Arabic-Indic digits
    ({"q": "ktp", "limit": "1e3"}, "invalid_limit"),
    ({"q": "ktp", "audience": "semua"}, "invalid_audience"),
    ({"q": "ktp", "opd": "x" * 65}, "invalid_opd"),
    ({"q": "ktp", "field": "a\x01"}, "invalid_field"),
])
def test_a_bad_search_parameter_is_named(params, reason):
    with pytest.raises(BadSearchError) as exc:
        search.check(**params)
    assert exc.value.reason == reason and exc.value.detail


def test_a_query_keeps_at_most_twelve_words_and_odd_characters_only_separate_them():
    q = search.check("'; DROP TABLE services; -- \\ " + " ".join(f"w{i}" for i in range(20)), limit=" 5 ")
    assert q.words[:3] == ("drop", "table", "services") and len(q.words) == 12 and q.limit == 5
    assert search.check("?!.,'\"\\").words == ()


def test_the_data_file_refuses_bad_rows_with_their_line_and_reads_the_rest():
    rows = [
        "ktp-el-baru;Pembuatan KTP-el;dukcapil;Dukcapil;DISPENDUKCAPIL;Kependudukan;Masyarakat;KK|Foto;0;1;;e-ktp;"
        "Rekam",
        "KTP;Nama;dukcapil;Dukcapil;D;f;Masyarakat;;0;1;;;",
        "sktm;SKTM;siks;SIKS;DINSOS;kemiskinan;Semua;;0;1;;;",
        "pbg;PBG;simbg;SIMBG;DPMPTSP;perizinan;Masyarakat;;;28;javascript:alert(1);;",
        "kir;Uji KIR;e-kir;e-KIR;DISHUB;transportasi;Masyarakat;;Rp 87.000;dua;;;",
        "kir2;Uji KIR;e-kir;e-KIR;DISHUB;transportasi;Masyarakat;;Rp 87.000;0;;;",
        "ktp-el-baru;Lagi;dukcapil;Dukcapil;D;f;Masyarakat;;0;1;;;",
    ]
    found = directory.parse("\n".join([HEADER, *rows]).encode())
    assert [s.service_id for s in found.services] == ["ktp-el-baru", "kir2"]
    assert [(line, reason.split(" ")[0:2]) for line, reason in found.refused] == [
        (3, ["ID", "Layanan"]), (4, ["Sasaran", "'Semua'"]), (5, ["Alamat", "URL"]), (6, ["Hari", "Kerja"]),
        (8, ["ID", "Layanan"])]
    ktp, kir = found.services
    assert (ktp.requirements, ktp.fee, ktp.days, ktp.field, ktp.audience) == (
        ("KK", "Foto"), 0, 1, "kependudukan", "warga")
    assert (kir.fee, directory.fee_text(kir.fee)) == (87000, "Rp87.000")


@pytest.mark.parametrize("data, says", [
    (b"", "kosong"), (b"a;b\x00", "NUL"), (b"\xff\xfe", "UTF-8"), (b"ID Layanan;Nama Layanan\n", "Kolom tidak ada"),
    (HEADER.encode() + b"\n\"" + b"x" * 200_000 + b"\"", "CSV tidak terbaca"),
])
def test_a_file_that_is_no_directory_is_refused_whole(data, says):
    with pytest.raises(directory.DirectoryFileError, match=says):
        directory.parse(data)


def test_the_shipped_sample_and_synonyms_read_without_a_refused_line():
    from importlib.resources import files

    data = files("palapa.catalog.directory") / "data"
    found = directory.parse((data / "mojokerto-services.csv").read_bytes())
    groups, refused = directory.parse_synonyms((data / "directory-synonyms.csv").read_bytes())
    assert found.refused == [] and refused == [] and len(found.services) >= 40 and len(groups) >= 15
    assert len({s.opd for s in found.services}) >= 10


def test_fee_days_and_place_read_as_a_citizen_reads_them():
    assert [directory.fee_text(f) for f in (0, None, 1500000)] == ["Gratis", "Sesuai ketentuan", "Rp1.500.000"]
    assert [directory.days_text(d) for d in (0, 14)] == ["Selesai di hari yang sama", "14 hari kerja"]
    assert directory.served_at("bridge-curhat", "https://x", "http://portal/") == ("portal", "http://portal/")
    assert directory.served_at(None, "https://x", "http://portal/") == ("tautan", "https://x")

"""What the gate decides without I/O: actions, money and dates as Indonesians write them, per-IP limits."""

from datetime import date

from palapa.gate.domain import Limit, PageCache, RateLimiter, action_for, bucket_for, clean_query, rupiah, tanggal


def test_a_complaint_service_is_acted_on_in_the_gate():
    action = action_for("curhat-ning-ita", "Curhat Ning Ita", "portal", "http://x/")
    assert (action.url, action.in_gate) == ("/lapor", True)


def test_tax_and_emergency_services_have_the_gates_own_pages():
    assert action_for("cek-pbb", "Cek PBB", "portal", None).url == "/pajak"
    assert action_for("psc-119", "PSC 119", "portal", None).url == "/darurat"


def test_a_bridged_app_without_a_gate_action_is_followed_by_its_ticket():
    action = action_for("puskesmas-antrian", "Antrian Puskesmas", "portal", "http://127.0.0.1:8103/")
    assert (action.url, action.in_gate) == ("/lacak", True)
    assert "Antrian Puskesmas" in action.note


def test_a_si_makel_letter_is_requested_in_the_gate_on_the_services_own_letter():
    action = action_for("si-makel", "Si Makel", "portal", "https://simakel.mojokertokota.go.id", "surat-domisili")
    assert (action.url, action.in_gate) == ("/surat?layanan=surat-domisili", True)
    assert "Si Makel" in action.note and "Kasus saya" in action.note
    assert action_for("si-makel", "Si Makel", "portal", None, "x/../y").url == "/surat"


def test_an_unbridged_service_links_to_its_own_app_and_says_so():
    action = action_for("dukcapil-online", "Layanan Online Dispendukcapil", "tautan",
                        "https://dispendukcapil.mojokertokota.go.id/layanan/kk")
    assert (action.url, action.in_gate) == ("https://dispendukcapil.mojokertokota.go.id/layanan/kk", False)
    assert "belum dapat diajukan di Palapa" in action.note


def test_a_link_that_is_not_http_is_never_offered():
    action = action_for("x", "Aplikasi X", "tautan", "javascript:alert(1)")
    assert action.url == "" and not action.in_gate


def test_money_and_dates_read_as_indonesians_write_them():
    assert rupiah(1250000) == "Rp 1.250.000"
    assert rupiah(0) == "Rp 0"
    assert rupiah(None) == "sesuai ketentuan"
    assert tanggal(date(2026, 12, 7)) == "7 Desember 2026"
    assert tanggal("2026-08-31") == "31 Agustus 2026"
    assert tanggal("2026-08-31T10:00:00+07:00") == "31 Agustus 2026"
    assert tanggal("bukan tanggal") == tanggal(None) == "-"


def test_a_search_is_folded_and_cut():
    assert clean_query("  bikin \n surat   domisili ") == "bikin surat domisili"
    assert len(clean_query("x" * 1000)) == 200
    assert clean_query(None) == ""


def test_sign_in_forms_and_lookups_fall_under_their_own_limits():
    assert bucket_for("POST", "/masuk") == "signin"
    assert bucket_for("GET", "/auth/callback?code=1") == "signin"
    assert bucket_for("POST", "/complaints") == "form"
    assert bucket_for("post", "/open311/v2/requests.json") == "form"
    assert bucket_for("GET", "/tax-bills/357601000100000000") == "lookup"
    assert bucket_for("GET", "/pajak?nop=35.76&tahun=") == "lookup"
    assert bucket_for("GET", "/pajak") is None
    assert bucket_for("GET", "/cari?q=ktp") is None


def test_a_client_gets_its_burst_then_waits_for_the_refill():
    limiter = RateLimiter({"form": Limit(burst=3, per_minute=6)})
    assert [limiter.take("form", "10.0.0.1", 100.0) for _ in range(3)] == [None, None, None]
    assert limiter.take("form", "10.0.0.1", 100.0) == 10  # one token every 10 s
    assert limiter.take("form", "10.0.0.2", 100.0) is None  # another address has its own bucket
    assert limiter.take("form", "10.0.0.1", 105.0) == 5
    assert limiter.take("form", "10.0.0.1", 110.5) is None


def test_a_refused_request_does_not_count_against_the_wait():
    limiter = RateLimiter({"signin": Limit(burst=1, per_minute=1)})
    assert limiter.take("signin", "a", 0.0) is None
    for _ in range(100):
        assert limiter.take("signin", "a", 1.0) == 59
    assert limiter.take("signin", "a", 60.0) is None


def test_memory_stays_bounded_under_many_addresses():
    limiter = RateLimiter({"form": Limit(burst=1, per_minute=1)}, max_clients=100)
    for i in range(10_000):
        limiter.take("form", f"10.{i // 256}.{i % 256}.1", 0.0)
    assert len(limiter._buckets) == 100


def test_a_page_is_kept_for_its_seconds_then_asked_for_again():
    cache = PageCache(ttl_s=30, max_entries=2)
    cache.put("cari:ktp", b"<html>", now=0.0)
    assert cache.get("cari:ktp", now=29.9) == b"<html>"
    assert cache.get("cari:ktp", now=30.0) is None
    cache.put("a", b"1", now=0.0)
    cache.put("b", b"2", now=0.0)
    cache.put("c", b"3", now=0.0)
    assert (cache.get("a", 1.0), cache.get("c", 1.0)) == (None, b"3")
    assert PageCache(ttl_s=0).get("x", 0.0) is None

"""Catalog rules with no fixtures: liveness from heartbeats, search, what an app record may hold."""

from datetime import UTC, datetime, timedelta

import pytest

from palapa.catalog.registry.domain import (
    App,
    BadSearchError,
    BridgeState,
    InvalidAppError,
    check_search,
    liveness,
    search,
)
from palapa.catalog.registry.seed import SEED

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
CURHAT = next(a for a in SEED if a.app_id == "curhat-ning-ita")
CCTV = next(a for a in SEED if a.app_id == "cctv")


def beat(seconds_ago: float | None) -> BridgeState:
    at = None if seconds_ago is None else NOW - timedelta(seconds=seconds_ago)
    return BridgeState(app_id="curhat-ning-ita", bridge="bridge-curhat", last_heartbeat_at=at, lag_seconds=1.5)


def test_a_bridge_heard_within_three_intervals_is_alive():
    assert CURHAT.heartbeat_seconds == 10
    assert liveness(CURHAT, beat(0), NOW) == "hidup"
    assert liveness(CURHAT, beat(29.9), NOW) == "hidup"


def test_a_bridge_silent_for_three_intervals_or_more_is_not_heard_from():
    assert liveness(CURHAT, beat(30), NOW) == "tidak ada kabar"
    assert liveness(CURHAT, beat(3600), NOW) == "tidak ada kabar"


def test_a_bridge_never_heard_is_not_heard_from():
    assert liveness(CURHAT, None, NOW) == "tidak ada kabar"
    assert liveness(CURHAT, beat(None), NOW) == "tidak ada kabar"


def test_an_app_without_a_bridge_says_so():
    assert liveness(CCTV, None, NOW) == "tanpa bridge"


def test_an_undeclared_bridge_that_beats_is_judged_by_the_default_interval():
    state = BridgeState(app_id="cctv", bridge="bridge-cctv", last_heartbeat_at=NOW - timedelta(seconds=50))
    assert liveness(CCTV, state, NOW, default_heartbeat_seconds=20) == "hidup"
    assert liveness(CCTV, state, NOW, default_heartbeat_seconds=10) == "tidak ada kabar"


def test_only_quarantined_rows_seen_is_not_a_heartbeat():
    state = BridgeState(app_id="cctv", quarantined=3)
    assert liveness(CCTV, state, NOW) == "tanpa bridge"


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("curhat", ["curhat-ning-ita"]),
        ("WALI KOTA", ["curhat-ning-ita"]),  # in the description, any case
        ("dishub", ["cctv"]),  # the OPD code
        ("  pajak   bumi ", ["cek-pbb"]),  # spaces collapsed
        ("", ["cctv", "cek-pbb", "curhat-ning-ita", "psc-119", "puskesmas-antrian", "si-makel"]),
        ("tidak ada", []),
    ],
)
def test_search_looks_in_name_description_and_opd_ignoring_case(q, expected):
    assert sorted(a.app_id for a in search(SEED, q=q)) == expected


def test_search_filters_by_opd_and_audience():
    assert [a.app_id for a in search(SEED, opd="dinkes")] == ["puskesmas-antrian", "psc-119"]
    assert [a.app_id for a in search(SEED, audience="pegawai")] == ["si-makel"]
    assert [a.app_id for a in search(SEED, q="cek", audience="pegawai")] == []
    assert [a.name for a in search(SEED)] == sorted((a.name for a in SEED), key=str.casefold)


def test_the_seed_holds_mojokertos_five_pilot_apps_and_the_yaml_onboarded_sixth():
    assert [(a.app_id, a.opd) for a in SEED] == [
        ("si-makel", "BAGPEM"), ("cctv", "DISHUB"), ("curhat-ning-ita", "DISKOMINFO"), ("psc-119", "DINKES"),
        ("cek-pbb", "BAPENDA"), ("puskesmas-antrian", "DINKES")]
    assert [a.app_id for a in SEED if a.bridge] == ["curhat-ning-ita"]


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"app_id": "Curhat Ning Ita"}, "app_id"),
        ({"audience": "publik"}, "audience"),
        ({"status": "mati"}, "status"),
        ({"status": "dilebur"}, "folds_into"),
        ({"folds_into": "cek-pbb"}, "folds_into"),
        ({"heartbeat_seconds": 0}, "heartbeat_seconds"),
    ],
)
def test_an_app_record_that_cannot_be_is_refused(changes, why):
    fields = {"app_id": "x-app", "name": "X", "opd": "DISKOMINFO", "audience": "warga", "channel": "web",
              "status": "aktif", "description": "Contoh", **changes}
    with pytest.raises(InvalidAppError, match=why):
        App(**fields)


def test_a_merged_app_names_the_app_it_folds_into():
    app = App(app_id="lapor-lama", name="Lapor Lama", opd="DISKOMINFO", audience="warga", channel="web",
              status="dilebur", folds_into="curhat-ning-ita", description="Digabung ke Curhat Ning Ita")
    assert app.folds_into == "curhat-ning-ita"


def test_a_sensible_search_passes_the_checks():
    check_search("pengaduan\x00 ﬀ ²", "DINKES", "warga")
    check_search(None, None, None)


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ((None, None, "semua"), "invalid_audience"),
        ((None, None, "warga\x00"), "invalid_audience"),
        (("x" * 101, None, None), "invalid_query"),
        ((None, "D" * 65, None), "invalid_opd"),
    ],
)
def test_a_bad_search_parameter_is_named_by_its_reason(args, reason):
    with pytest.raises(BadSearchError) as err:
        check_search(*args)
    assert err.value.reason == reason

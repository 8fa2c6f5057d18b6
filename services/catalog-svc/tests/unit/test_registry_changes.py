"""Edits, retirements, dormancy and imports as changes of an entry (pure)."""

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from palapa.catalog.liveness.domain import Signs, is_silent, mark_dormant, revive
from palapa.catalog.registry.changes import Change, RegistryError, check_who, diff, edit, event, retire
from palapa.catalog.registry.domain import App
from palapa.catalog.registry.importing import census_changes, seed_changes
from palapa.catalog.registry.seed import SEED
from palapa.catalog.report.figures import report

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
APP = App(app_id="sapa-warga", name="Sapa Warga", opd="Diskominfo", audience="warga", channel="web", status="aktif",
          description="", kind="layanan publik", field="pengaduan", super_app="wargaku", cluster="pengaduan")


def test_an_edit_says_what_changed_before_and_after_and_the_cluster_follows_the_field():
    after = edit(APP, {"field": "Perizinan", "cluster": "perizinan", "url": "https://sapa.example.go.id"})
    assert diff(APP, after) == {"field": ("pengaduan", "perizinan"), "cluster": ("pengaduan", "perizinan"),
                                "url": (None, "https://sapa.example.go.id")}
    staff = edit(APP, {"audience": "pegawai", "super_app": "kantorku", "cluster": None})
    assert (staff.super_app, staff.cluster) == ("kantorku", "pengaduan")
    off = edit(APP, {"super_app": None})
    assert (off.super_app, off.cluster) == (None, None)


@pytest.mark.parametrize(("patch", "reason"), [
    ({"lifecycle": "pensiun"}, "use_retire"), ({"kind": "aplikasi"}, "invalid_kind"), ({"super_app": "kantorku"},
    "invalid_super_app"), ({"name": ""}, "invalid_name"), ({"name": 5}, "invalid_name"), ({"x": 1}, "unknown_field"),
    ({}, "empty_change"), ({"url": "ftp://x"}, "invalid_url"), ({"bridge": "A B"}, "invalid_bridge"),
])
def test_a_bad_edit_names_its_reason(patch, reason):
    with pytest.raises(RegistryError) as err:
        edit(APP, patch)
    assert err.value.reason == reason and err.value.detail


@pytest.mark.parametrize(("actor", "reason", "code"), [
    (None, "x", "invalid_actor"), ("a@b.id", "x", "invalid_actor"), ("3576010101010001", "x", "invalid_actor"),
    ("sari", "", "invalid_reason"), ("sari", "x" * 501, "invalid_reason"), ("sari", "a\nb", "invalid_reason"),
])
def test_a_change_needs_an_account_name_and_a_reason(actor, reason, code):
    with pytest.raises(RegistryError) as err:
        check_who(actor, reason)
    assert err.value.reason == code
    assert check_who("kominfo.sari", "  Rapat   20 November ") == ("kominfo.sari", "Rapat 20 November")


def test_personal_data_in_a_reason_is_masked_before_history_or_events_keep_it():
    _, reason = check_who("sari", "Aduan warga 3576010101010001 (0812-3456-7890, budi@mail.id) rapat 2026-11-20")
    assert reason == "Aduan warga [disamarkan] ([disamarkan], [disamarkan]) rapat 2026-11-20"


def test_retiring_switches_the_app_off_once_and_its_event_tells_the_previous_lifecycle():
    retired = retire(APP)
    assert (retired.lifecycle, retired.super_app, retired.cluster) == ("pensiun", None, None)
    with pytest.raises(RegistryError) as err:
        retire(retired)
    assert (err.value.reason, err.value.status) == ("already_retired", 409)
    env = event(Change(APP, retired, "retired", "sari", "mati", NOW), revision=3)
    assert (env.subject, env.data.previous_lifecycle, env.data.revision) == ("sapa-warga", "aktif", 3)


def test_only_a_silent_bridged_active_app_becomes_a_candidate_and_a_fresh_sign_revives_it():
    bridged = dataclasses.replace(APP, bridge="bridge-sapa")
    week = timedelta(days=7)
    old = Signs(NOW - timedelta(days=9), NOW - timedelta(days=8), NOW - timedelta(days=30))
    assert is_silent(bridged, old, NOW, week)
    assert not is_silent(APP, old, NOW, week)  # a link-out app cannot be observed
    assert not is_silent(bridged, Signs(None, NOW - timedelta(days=1), NOW - timedelta(days=30)), NOW, week)
    assert not is_silent(bridged, Signs(None, None, NOW - timedelta(days=2)), NOW, week)  # watched 2 days only
    change = mark_dormant(bridged, old, NOW, week)
    assert change.after.lifecycle == "dorman" and change.evidence["silent_since"] == NOW - timedelta(days=8)
    env = event(change, 2)
    assert (env.data.last_heartbeat_at, env.data.threshold_days) == (NOW - timedelta(days=9), 7)
    assert revive(change.after, NOW - timedelta(days=8), "heartbeat", NOW, week) is None  # a late, old sign
    back = revive(change.after, NOW - timedelta(minutes=1), "heartbeat", NOW, week)
    assert back.after.lifecycle == "aktif" and "heartbeat" in back.reason


def test_a_census_reimport_updates_what_differs_and_never_unretires():
    retired = retire(APP)
    found = [dataclasses.replace(APP, description="baru"),
             dataclasses.replace(APP, app_id="lain-1", name="Lain")]
    changes = census_changes({APP.app_id: retired}, found, "impor-sensus", "Sensus", NOW)
    assert [(c.action, c.after.lifecycle) for c in changes] == [("changed", "pensiun"), ("registered", "aktif")]
    assert changes[0].fields == {"description": ("", "baru")}


def test_the_seed_keeps_a_bridge_learnt_from_heartbeats():
    seeded = dataclasses.replace(APP, bridge=None)
    [change] = seed_changes({APP.app_id: dataclasses.replace(APP, bridge="bridge-sapa")}, [seeded], NOW)
    assert change.fields == {}


def test_the_seed_classifies_a_registered_app_that_has_no_classification_yet():
    unclassified = dataclasses.replace(APP, kind=None, field=None, super_app=None, cluster=None)
    [change] = seed_changes({APP.app_id: unclassified}, [APP], NOW)
    assert (change.after.kind, change.after.field, change.after.super_app) == ("layanan publik", "pengaduan", "wargaku")


def test_the_seed_leaves_a_census_classification_alone():
    reclassified = dataclasses.replace(APP, field="perizinan", cluster="perizinan")
    [change] = seed_changes({APP.app_id: reclassified}, [APP], NOW)
    assert change.fields == {}


def test_every_pilot_app_carries_its_census_classification_so_the_report_counts_it():
    assert all(app.kind and app.field for app in SEED)
    plan = report(SEED)["plan"]
    assert plan["wargaku"]["clusters"] == {"kesehatan": ["psc-119", "puskesmas-antrian"],
                                           "pengaduan": ["curhat-ning-ita"]}
    assert plan["kantorku"]["clusters"] == {"persuratan": ["si-makel"]}

"""Every service's migrations: an empty database at head matches the models; a database at the previous
revision, with rows, upgrades without losing them; replicas migrating at once both succeed."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, select, text

from palapa.kit.db import make_engine
from palapa.kit.migrate import KIT_BASE, config, differences, plan_for, schemas, upgrade
from palapa.kit.tables import kit_tables
from palapa.localstack import ensure_database

pytestmark = pytest.mark.integration

SERVICES = schemas()
AT = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
LEGACY_AT = datetime(2026, 11, 26, 16, 30)  # legacy local time, no zone

# one row per service table, in today's shape
ROWS = {
    "complaint-svc": {
        "case_keys": {"ticket": "LAPOR-AAAA-BBBB-CCCC-DDDD", "capability_hash": "c" * 64, "pin_hash": "p" * 64,
                      "pin_salt": "s" * 32, "created_at": AT},
        "read_tokens": {"token_hash": "t" * 64, "ticket": "LAPOR-AAAA-BBBB-CCCC-DDDD", "expires_at": AT},
        "cases": {"ticket": "CURHAT-1", "source_app": "curhat", "source_ref": "1", "opd": "DPUPR",
                  "category": "jalan", "status": "submitted", "revision": 1, "submitted_at": AT,
                  "updated_at": AT, "due_at": AT},
        "case_events": {"ticket": "CURHAT-1", "revision": 1, "status": "submitted", "legacy_status": "baru",
                        "at": AT, "event_id": "evt-1"},
        "api_keys": {"key_hash": "a" * 64, "name": "Aplikasi Lapor Warga", "created_at": AT, "revoked_at": None},
        "submissions": {"ticket": "LAPOR-ABCDEFGHJK", "token": "b" * 32, "channel": "open311", "client": "Uji",
                        "service_code": "jalan-rusak", "description": "Lubang", "lat": -7.47, "long": 112.43,
                        "address": None, "address_id": None, "media_url": None, "attributes": {},
                        "contact_sealed": None, "submitted_at": AT},
        "reporters": {"ticket": "CURHAT-1", "identity_sealed": "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..x.y.z",
                      "phone_hash": None},
        "routes": {"category": "jalan", "kelurahan": "gedongan", "kecamatan": "", "opd": "UPT-JALAN",
                   "forward_days": 2, "follow_up_days": None},
        "route_changes": {"at": AT, "by": "budi", "why": "UPT baru", "action": "set", "category": "jalan",
                          "kelurahan": "gedongan", "kecamatan": "", "opd_before": None, "opd_after": "UPT-JALAN"},
        "closures": {"day": AT.date(), "reason": "Hari jadi kota", "by": "budi", "at": AT},
        "sla_marks": {"ticket": "CURHAT-1", "round": 0, "stage": "forward", "level": 1, "emitted_at": AT},
        "ratings": {"ticket": "CURHAT-1", "stars": 4, "comment": "Cepat", "at": AT},
    },
    "catalog-svc": {
        "apps": {"app_id": "curhat", "name": "Curhat Ning Ita", "opd": "Diskominfo", "audience": "citizen",
                 "channel": "web", "status": "live", "folds_into": None, "description": "Pengaduan",
                 "bridge": "bridge-curhat", "heartbeat_seconds": 15.0},
        "bridges": {"app_id": "curhat", "bridge": "bridge-curhat", "last_heartbeat_at": AT,
                    "last_change_seen": AT, "lag_seconds": 0.4, "rows_translated": 7, "rows_quarantined": 1,
                    "quarantined": 1, "last_quarantine_reason": "tanggal kosong", "last_quarantine_at": AT},
        "app_history": {"app_id": "curhat", "revision": 1, "action": "registered", "actor": "catalog-svc",
                        "reason": "seed", "changes": {"name": [None, "Curhat Ning Ita"]}, "evidence": None, "at": AT},
        "app_activity": {"app_id": "curhat", "last_event_at": AT, "last_event_type": "palapa.complaint.submitted.v1",
                         "events_seen": 3},
        "app_watch": {"app_id": "curhat", "watched_since": AT, "marked_dormant_at": None, "evidence": None},
        "cameras": {"camera_id": "CAM-1", "app_id": "cctv", "location_name": "Simpang Empat", "latitude": -7.47,
                    "longitude": 112.43, "online": True, "since": AT, "changed_at": AT},
        "services": {"service_id": "ktp-el-baru", "name": "Pembuatan KTP-el", "app_id": "dukcapil",
                     "app_name": "Dukcapil",
                     "opd": "DISPENDUKCAPIL", "field": "administrasi kependudukan", "audience": "warga",
                     "requirements": ["Kartu Keluarga"], "fee": 0, "days": 1, "url": None, "keywords": "e-ktp",
                     "description": "Perekaman KTP-el", "name_key": "pembuatan ktp el", "doc": None, "head": None,
                     "updated_at": AT},
        "synonym_groups": {"group_id": "ktp", "terms": ["ktp", "kartu tanda penduduk"], "updated_at": AT},
        "directory_words": {"word": "kependudukan"},
        "signing_keys": {"app_id": "bridge-curhat", "kid": "bridge-curhat-2026-12-07",
                         "jwk": {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
                         "registered_at": AT, "registered_by": "launcher", "retires_at": None},
    },
    "notify-svc": {
        "ticket_updates": {"ticket": "CURHAT-1", "revision": 1, "event_id": "evt-1",
                           "payload": {"status": "submitted"}, "traceparent": {}, "received_at": AT},
        "ticket_access": {"ticket": "LAPOR-AAAA-BBBB-CCCC-DDDD", "capability_hash": "c" * 64},
        "ticket_owners": {"ticket": "LAPOR-AAAA-BBBB-CCCC-DDDD", "account": "warga-" + "a" * 32, "followed_at": AT},
        "citizen_heads": {"account": "warga-" + "a" * 32, "seq": 1},
        "citizen_feed": {"account": "warga-" + "a" * 32, "seq": 1, "ticket": "LAPOR-AAAA-BBBB-CCCC-DDDD",
                         "revision": 1, "added_at": AT},
        "message_templates": {"id": "complaint-resolved", "kind": "complaint_resolved", "critical": False,
                              "whatsapp_name": "aduan_selesai", "version": 1, "updated_at": AT},
        "template_versions": {"template_id": "complaint-resolved", "version": 1, "fields": ["ticket"],
                              "texts": {"id": {"body": "Aduan ((ticket)) selesai"}}, "created_at": AT,
                              "created_by": "meja-diskominfo"},
        "contacts": {"id": 1, "kind": "phone", "lookup": "l" * 64, "sealed": b"sealed", "created_at": AT,
                     "account_hash": "a" * 32},
        "ticket_contacts": {"ticket": "CURHAT-1", "contact_id": 1, "created_at": AT},
        "preferences": {"contact_id": 1, "kind": "*", "channel": "whatsapp", "allowed": False, "updated_at": AT},
        "staff_recipients": {"id": 1, "level": "opd", "opd": "DPUPR", "name": "Kepala DPUPR", "channel": "email",
                             "contact_id": 1, "created_at": AT},
        "messages": {"id": "m" * 36, "key": "k" * 64, "kind": "complaint_resolved", "template_id": "complaint-resolved",
                     "template_version": 1, "language": "id", "channel": "whatsapp", "contact_id": 1,
                     "ticket": "CURHAT-1", "reference": None, "client": "rules", "test": False, "critical": False,
                     "subject": None, "body": "Aduan CURHAT-1 selesai", "params": ["CURHAT-1"],
                     "whatsapp_name": "aduan_selesai", "fingerprint": "f" * 32, "status": "sent", "attempts": 1,
                     "sealed": None,
                     "not_before": AT, "lease_until": None, "provider_id": "wamid.1", "error": None,
                     "fallback_of": None, "created_at": AT, "updated_at": AT},
        "message_statuses": {"id": 1, "message_id": "m" * 36, "status": "sent", "at": AT, "detail": None},
        "api_keys": {"id": "a" * 36, "name": "dinkes", "opd": "DINKES", "key_hash": "h" * 64, "test": True,
                     "created_at": AT, "revoked_at": None},
        "idempotency_keys": {"client": "dinkes", "key": "req-1", "digest": "d" * 64, "message_id": "m" * 36,
                             "created_at": AT},
    },
    "tracking-svc": {
        "tickets": {"ticket": "PSC119-1", "kind": "incident", "source_app": "psc-119", "title": "Gawat darurat PSC 119",
                    "place": "Kelurahan Kranggan", "status": "reported", "status_label": "Laporan diterima",
                    "revision": 1, "opened_at": AT, "updated_at": AT, "opened": True,
                    "timeline": [{"status": "reported", "label": "Laporan diterima", "at": AT.isoformat()}]},
    },
    "ops-svc": {
        "letters": {"fingerprint": "f" * 64, "consumer": "complaint-svc", "topic": "palapa.complaints.intake.v1",
                    "partition": 0, "offset": 7, "key": b"CURHAT-1", "headers": {"ce_id": "e-1"}, "value": b"{}",
                    "value_size": 2, "whole": True, "reason": "signature refused", "at": AT, "state": "waiting",
                    "decided_at": None, "decided_by": None, "why": None},
        "tally": {"name": "announcements", "count": 3},
        "lag_samples": {"at": AT, "service": "complaint-svc", "group": "complaint-svc",
                        "topic": "palapa.complaints.intake.v1", "partition": 0, "lag": 4, "stuck": False},
    },
    "bridge-curhat": {
        "checkpoint": {"app_id": "curhat", "position_ts": LEGACY_AT, "position_id": 42, "updated_at": AT},
        "row_state": {"source_id": 42, "status": "submitted", "legacy_status": "baru", "fingerprint": "f" * 64,
                      "legacy_updated_at": LEGACY_AT, "quarantine_reason": None, "updated_at": AT},
        "quarantine": {"source_id": 43, "reason": "tanggal kosong", "row": {"id": 43}, "legacy_updated_at": LEGACY_AT,
                       "seen_at": AT},
        "written_back": {"ticket": "LAPOR-7K3M9QX2PA", "legacy_id": 44, "written_at": AT},
        "status_moves": {"ticket": "CURHAT-42", "revision": 3, "legacy_id": 42, "outcome": "written",
                         "legacy_status": "2", "fingerprint": "f" * 64, "handled_at": AT},
    },
    "bridge-mapped": {
        "checkpoint": {"app_id": "puskesmas-antrian", "position_ts": LEGACY_AT, "position_id": 42,
                       "position_token": None, "updated_at": AT},
        "row_state": {"app_id": "puskesmas-antrian", "source_id": "42", "status": "1", "legacy_status": "1",
                      "fingerprint": "f" * 64, "legacy_updated_at": LEGACY_AT, "quarantine_reason": None,
                      "updated_at": AT},
        "quarantine": {"app_id": "puskesmas-antrian", "source_id": "43", "reason": "unmapped_value: kd_puskesmas='ZZZ'",
                       "row": {"id_antrian": "43"}, "legacy_updated_at": LEGACY_AT, "seen_at": AT},
    },
    "bridge-psc119": {
        "checkpoint": {"app_id": "psc-119", "position_token": "cHNjMTE5OjQy", "updated_at": AT},
        "row_state": {"source_id": "20461", "status": "dispatched", "legacy_status": "2", "fingerprint": "f" * 64,
                      "legacy_updated_at": LEGACY_AT, "quarantine_reason": None, "updated_at": AT},
        "quarantine": {"source_id": "20480", "reason": "unknown_kode_status: 'X'", "row": {"id_insiden": "20480"},
                       "legacy_updated_at": LEGACY_AT, "seen_at": AT},
    },
    "bridge-cctv": {
        "checkpoint": {"app_id": "cctv", "polled_at": AT, "updated_at": AT},
        "row_state": {"source_id": "status:CCTV-001", "status": "online", "legacy_status": "ONLINE",
                      "fingerprint": "f" * 64, "legacy_updated_at": LEGACY_AT, "quarantine_reason": None,
                      "updated_at": AT},
        "quarantine": {"source_id": "kamera:CCTV-008", "reason": "implausible_coordinates", "row": {"latitude": "51.5"},
                       "legacy_updated_at": LEGACY_AT, "seen_at": AT},
    },
    "bridge-simakel": {
        "checkpoint": {"app_id": "si-makel", "position_token": "2026-11-26 16:30:00|1", "updated_at": AT},
        "row_state": {"source_id": "3101", "status": "ready", "legacy_status": "3", "fingerprint": "f" * 64,
                      "legacy_updated_at": LEGACY_AT, "quarantine_reason": None, "updated_at": AT},
        "quarantine": {"source_id": "3107", "reason": "unknown_status: kode_status '7'", "row": {"id": "3107"},
                       "legacy_updated_at": LEGACY_AT, "seen_at": AT},
        "letters_filed": {"ticket": "SURAT-ABCDEFGHJKMNPQRSTVWX", "outcome": "filed", "legacy_id": "3108",
                          "reason": None, "handled_at": AT},
    },
    "bridge-pbb": {
        "checkpoint": {"app_id": "cek-pbb", "position_ts": LEGACY_AT, "position_id": 7, "updated_at": AT},
        "row_state": {"source_id": 7, "status": "paid", "legacy_status": "paid", "fingerprint": "e" * 64,
                      "legacy_updated_at": LEGACY_AT, "quarantine_reason": None, "updated_at": AT},
        "quarantine": {"source_id": 8, "reason": "nop is not 18 digits", "row": {"id": "8"},
                       "legacy_updated_at": LEGACY_AT, "seen_at": AT},
        "export_checkpoint": {"app_id": "cek-pbb", "position_name": "pbb_20261125.csv", "position_size": 120,
                              "position_mtime_ns": 1_780_000_000_000_000_000, "position_digest": "d" * 32,
                              "position_offset": 120, "position_line": 2, "position_done": True, "updated_at": AT},
        "bill": {"nop": "357601000100201230", "year": 2026, "amount_due": 1_250_000, "due_date": AT.date(),
                 "paid": False, "line_hash": -42, "updated_at": AT},
        "export_quarantine": {"file": "pbb_20261125.csv", "line": 9, "reason": "PBB_TERHUTANG not a number",
                              "row": {"NOP": "35.76.010.001.002-0129.0"}, "seen_at": AT},
    },
    "taxbill-svc": {
        "tax_bills": {"nop": "357601000100201230", "year": 2026, "amount_due": 1_250_000, "due_date": AT.date(),
                      "paid": True, "paid_at": AT, "updated_at": AT},
        "registrations": {"account": "warga-" + "a" * 32, "nop": "357601000100201230", "registered_at": AT},
        "reminders": {"nop": "357601000100201230", "year": 2026, "account": "warga-" + "a" * 32,
                      "due_date": AT.date(), "decided_at": AT},
    },
}
DEAD_TEXT = "Keluhan: jalan rusak di Prajurit Kulon — “parah” ✓"


def test_every_service_with_tables_is_in_the_one_list_with_its_schema():
    from palapa.devstack.services import SERVICES as DECLARED  # deploy/services.toml

    assert {s.name: s.schema for s in DECLARED if s.schema} == {n: m.schema for n, m in SERVICES.items()}


def test_every_service_with_tables_has_sample_rows_here():
    assert set(SERVICES) == set(ROWS)
    for name, metadata in SERVICES.items():
        own = {t.name for t in metadata.tables.values()} - {t.name for t in kit_tables(MetaData())}
        assert own == set(ROWS[name]), f"{name}: add a row for each table to ROWS"


async def _sync(url: str, fn, *args):
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(fn, *args)
    finally:
        await engine.dispose()


def _differences(conn, metadata):
    return differences(conn, plan_for(metadata))


def _heads(metadata):
    """The heads Alembic records: a head another revision depends on (bridgekit_0001, the bridges' first revisions
    depend on it) is implied by that revision, not written."""
    script = ScriptDirectory.from_config(config(plan_for(metadata)))
    needed = set()
    for rev in script.walk_revisions():
        needed |= {rev.dependencies} if isinstance(rev.dependencies, str) else set(rev.dependencies or ())
    return sorted(set(script.get_heads()) - needed)


def _versions(conn, schema):
    return sorted(conn.execute(text(f'SELECT version_num FROM "{schema}".alembic_version')).scalars())


@pytest.mark.parametrize("name", sorted(SERVICES))
async def test_an_empty_database_migrated_to_head_matches_the_models(database_url, name):
    metadata = SERVICES[name]
    await upgrade(database_url, metadata)
    assert await _sync(database_url, _differences, metadata) == []


@pytest.mark.parametrize("schema", [None, "kit_only"])
async def test_the_kit_tables_alone_migrate_to_the_models_in_any_schema(database_url, schema):
    metadata = MetaData(schema=schema)
    await upgrade(database_url, metadata)
    assert await _sync(database_url, _differences, metadata) == []


def _fill_previous(conn, metadata, rows):
    """Rows in the kit tables as they were at kit_0001 (text dead letters) and in the service's tables."""
    s = metadata.schema
    with conn.begin():
        conn.execute(text(f'INSERT INTO "{s}".outbox (event_id, topic, key, value, headers, trace, created_at) '
                          "VALUES ('e-1', 't', '\\x4b'::bytea, '\\x7b7d'::bytea, '{}', '{}', :at)"), {"at": AT})
        conn.execute(text(f'INSERT INTO "{s}".inbox VALUES (\'e-0\', \'ComplaintSubmitted\', :at)'), {"at": AT})
        conn.execute(text(f'INSERT INTO "{s}".dead_letters '
                          '(topic, partition, "offset", key, headers, value, reason, at) '
                          "VALUES ('t', 2, 9, 'CURHAT-9', '{\"ce_id\": \"x\"}', :v, 'malformed', :at)"),
                     {"v": DEAD_TEXT, "at": AT})
        for table, row in rows.items():
            conn.execute(metadata.tables[f"{s}.{table}"].insert().values(**row))


def _read_all(conn, metadata, rows):
    s = metadata.schema
    outbox = conn.execute(text(f'SELECT event_id, key, value, published_at, parked_at FROM "{s}".outbox')).all()
    inbox = conn.execute(text(f'SELECT event_id, event_type FROM "{s}".inbox')).all()
    dead = conn.execute(text(f'SELECT key, value, value_size, truncated, reason FROM "{s}".dead_letters')).all()
    own = {}
    for table, row in rows.items():
        t = metadata.tables[f"{s}.{table}"]
        own[table] = [{k: v for k, v in r._mapping.items() if k in row} for r in conn.execute(select(t))]
    return outbox, inbox, dead, own, _versions(conn, s)


@pytest.mark.parametrize("name", sorted(SERVICES))
async def test_a_database_at_the_previous_revision_upgrades_with_its_rows(database_url, name):
    metadata = SERVICES[name]
    branch = plan_for(metadata).branch
    await upgrade(database_url, metadata, to=KIT_BASE)
    await upgrade(database_url, metadata, to=f"{branch}@head")
    await _sync(database_url, _fill_previous, metadata, ROWS[name])

    await upgrade(database_url, metadata)

    outbox, inbox, dead, own, versions = await _sync(database_url, _read_all, metadata, ROWS[name])
    assert outbox == [("e-1", b"K", b"{}", None, None)]
    assert inbox == [("e-0", "ComplaintSubmitted")]
    raw = DEAD_TEXT.encode()
    assert dead == [(b"CURHAT-9", raw, len(raw), False, "malformed")]
    # each sample row is kept (a table a revision seeds, such as complaint's routes, holds more rows)
    assert {table: [r for r in own[table] if r == row] for table, row in ROWS[name].items()} == {
        table: [row] for table, row in ROWS[name].items()}
    assert versions == _heads(metadata)
    assert await _sync(database_url, _differences, metadata) == []


# the revision each bridge's checkpoint columns had their old names at, and those names (now position_*)
BEFORE_POSITION_NAMES = {
    "bridge-curhat": "bridge_curhat_0002",
    "bridge-mapped": "bridge_mapped_0001",
    "bridge-pbb": "bridge_pbb_0001",
    "bridge-psc119": "bridge_psc119_0001",
    "bridge-simakel": "bridge_simakel_0001",
}
OLD_POSITION_NAMES = {"position_ts": "cursor_ts", "position_id": "cursor_id", "position_token": "cursor_token",
                      **{f"position_{f}": f"drop_{f}" for f in ("name", "size", "mtime_ns", "digest", "offset", "line",
                                                                 "done")}}


def _as_the_bridge_made_them_before_the_kit_branch(conn, schema):
    """The kit's tables as a bridge's own first revision made them until 2026-12-07 (bridgekit_0001 makes today's
    shape): the checkpoint's columns under their old names, no quarantine source_key."""
    found = sa.inspect(conn)
    with conn.begin():
        for column in found.get_columns("checkpoint", schema):
            if (old := OLD_POSITION_NAMES.get(column["name"])) is not None:
                conn.execute(text(f'ALTER TABLE "{schema}".checkpoint RENAME COLUMN {column["name"]} TO {old}'))
        conn.execute(text(f'ALTER TABLE "{schema}".quarantine DROP COLUMN source_key'))


def _fill_checkpoints_as_named_before(conn, schema, rows):
    """The sample checkpoint rows, written under the columns' old names."""
    with conn.begin():
        for name, row in rows.items():
            old = {OLD_POSITION_NAMES.get(k, k): v for k, v in row.items()}
            conn.execute(sa.table(name, *(sa.column(c) for c in old), schema=schema).insert().values(**old))


@pytest.mark.parametrize("name", sorted(BEFORE_POSITION_NAMES))
async def test_a_bridge_checkpoint_written_before_its_columns_were_renamed_keeps_its_position(database_url, name):
    metadata = SERVICES[name]
    checkpoints = {t: row for t, row in ROWS[name].items() if t.endswith("checkpoint")}
    await upgrade(database_url, metadata, to=BEFORE_POSITION_NAMES[name])
    await _sync(database_url, _as_the_bridge_made_them_before_the_kit_branch, metadata.schema)
    await _sync(database_url, _fill_checkpoints_as_named_before, metadata.schema, checkpoints)

    await upgrade(database_url, metadata)

    _outbox, _inbox, _dead, own, versions = await _sync(database_url, _read_all, metadata, checkpoints)
    assert own == {t: [row] for t, row in checkpoints.items()}
    assert versions == _heads(metadata)
    assert await _sync(database_url, _differences, metadata) == []


@pytest.mark.parametrize("name", sorted(SERVICES))
async def test_replicas_migrating_an_empty_database_at_once_all_succeed(database_url, name):
    metadata = SERVICES[name]
    await asyncio.gather(*(upgrade(database_url, metadata) for _ in range(3)))
    assert await _sync(database_url, _differences, metadata) == []


def _forget_versions(conn, schema):
    """What create_all at 760a7e0 left: the older tables as they were, broker_incarnations added."""
    with conn.begin():
        conn.execute(text(f'DROP TABLE "{schema}".alembic_version'))
        conn.execute(text(f'CREATE TABLE "{schema}".broker_incarnations (topic VARCHAR(200) PRIMARY KEY, '
                          "incarnation VARCHAR(200) NOT NULL, seen_at TIMESTAMP WITH TIME ZONE NOT NULL)"))
        conn.execute(text(f"INSERT INTO \"{schema}\".broker_incarnations VALUES ('t', 'cluster-a', now())"))


def _incarnations(conn, schema):
    return conn.execute(text(f'SELECT topic, incarnation FROM "{schema}".broker_incarnations')).all()


async def test_a_schema_create_all_made_before_the_kit_change_is_adopted_and_upgraded(database_url):
    """Same DDL as create_all made before 760a7e0 (and then at it), no version table: adopted, upgraded."""
    metadata = SERVICES["complaint-svc"]
    first = {t: ROWS["complaint-svc"][t] for t in ("cases", "case_events")}  # complaint_0001's tables
    await upgrade(database_url, metadata, to=KIT_BASE)
    await upgrade(database_url, metadata, to="complaint_0001")  # create_all stopped at it (760a7e0)
    await _sync(database_url, _forget_versions, "complaint")
    await _sync(database_url, _fill_previous, metadata, first)

    await upgrade(database_url, metadata)

    _outbox, _inbox, dead, own, versions = await _sync(database_url, _read_all, metadata, first)
    assert dead[0][1] == DEAD_TEXT.encode() and own["cases"] == [ROWS["complaint-svc"]["cases"]]
    assert await _sync(database_url, _incarnations, "complaint") == [("t", "cluster-a")]
    assert versions == _heads(metadata)
    assert await _sync(database_url, _differences, metadata) == []


def _reflect(conn, schema):
    found = MetaData(schema=schema)
    found.reflect(conn, schema=schema)
    found.remove(found.tables[f"{schema}.alembic_version"])
    return found


def _create_all(conn, metadata):
    with conn.begin():
        conn.execute(text(f'CREATE SCHEMA "{metadata.schema}"'))
        metadata.create_all(conn)


async def test_a_schema_create_all_made_at_760a7e0_is_adopted_as_it_is(database_url, pg_server_url):
    """create_all's last shapes (kit_0002 and each service's first revision), made by create_all itself."""
    metadata = SERVICES["notify-svc"]
    reference = await ensure_database(pg_server_url, f"ref_{uuid.uuid4().hex[:12]}")
    await upgrade(reference, metadata, to="kit_0002")
    await upgrade(reference, metadata, to="notify_0001")
    shapes = await _sync(reference, _reflect, "notify")
    await _sync(database_url, _create_all, shapes)

    await upgrade(database_url, metadata)

    assert await _sync(database_url, _versions, "notify") == _heads(metadata)
    assert await _sync(database_url, _differences, metadata) == []


def _clear_reporters(conn):
    with conn.begin():
        row = {**ROWS["complaint-svc"]["cases"], "ticket": "CURHAT-7"}
        conn.execute(sa.table("cases", *(sa.column(c) for c in row), schema="complaint").insert().values(**row))
        conn.execute(text("INSERT INTO complaint.reporters (ticket, name, nik_masked, phone, email) "
                          "VALUES ('CURHAT-7', 'Siti Aminah', '3576****0001', '081234567890', 'siti@contoh.id')"))
        conn.execute(text("INSERT INTO complaint.submissions (ticket, token, channel, service_code, description, "
                          "attributes, reporter_name, email, phone, submitted_at) VALUES ('LAPOR-7', 't7', 'portal', "
                          "'jalan-rusak', 'Lubang', '{}', 'Budi', 'budi@contoh.id', '081298765432', :at)"), {"at": AT})


def _sealed_rows(conn):
    reporter = conn.execute(text("SELECT * FROM complaint.reporters WHERE ticket = 'CURHAT-7'")).mappings().one()
    submission = conn.execute(text("SELECT * FROM complaint.submissions WHERE ticket = 'LAPOR-7'")).mappings().one()
    return dict(reporter), dict(submission)


async def test_the_reporters_kept_in_clear_are_sealed_by_the_migration_and_open_with_the_contacts_key(database_url):
    from palapa.kit.sealed import Sealer, open_identity

    metadata = SERVICES["complaint-svc"]
    await upgrade(database_url, metadata, to="complaint_0007")
    await _sync(database_url, _clear_reporters)

    await upgrade(database_url, metadata)

    reporter, submission = await _sync(database_url, _sealed_rows)
    rows = repr((reporter, submission))
    assert not any(clear in rows for clear in ("Siti", "0812", "siti@", "3576", "Budi", "budi@"))
    at_rest = Sealer("palapa-dev-complaint-contacts", "complaint.contacts")  # complaint-svc's development key
    assert open_identity(at_rest, "CURHAT-7", reporter["identity_sealed"]).model_dump(exclude_none=True) == {
        "name": "Siti Aminah", "nik_masked": "3576****0001", "phone": "081234567890", "email": "siti@contoh.id"}
    assert open_identity(at_rest, "LAPOR-7", submission["contact_sealed"]).model_dump(exclude_none=True) == {
        "name": "Budi", "phone": "081298765432", "email": "budi@contoh.id"}

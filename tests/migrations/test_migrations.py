"""Every service's migrations: an empty database at head matches the models; a database at the previous
revision, with rows, upgrades without losing them; replicas migrating at once both succeed."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, select, text

from palapa.devstack.local import ensure_database
from palapa.devstack.migrate import schemas
from palapa.kit.db import make_engine
from palapa.kit.migrate import KIT_BASE, config, differences, plan_for, upgrade
from palapa.kit.tables import kit_tables

pytestmark = pytest.mark.integration

SERVICES = schemas()
AT = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
LEGACY_AT = datetime(2026, 11, 26, 16, 30)  # legacy local time, no zone

# one row per service table, in today's shape (no service table has changed since its first revision)
ROWS = {
    "complaint-svc": {
        "cases": {"ticket": "CURHAT-1", "source_app": "curhat", "source_ref": "1", "opd": "DPUPR",
                  "category": "jalan", "status": "submitted", "revision": 1, "submitted_at": AT,
                  "updated_at": AT, "due_at": AT},
        "case_events": {"ticket": "CURHAT-1", "revision": 1, "status": "submitted", "legacy_status": "baru",
                        "at": AT, "event_id": "evt-1"},
    },
    "catalog-svc": {
        "apps": {"app_id": "curhat", "name": "Curhat Ning Ita", "opd": "Diskominfo", "audience": "citizen",
                 "channel": "web", "status": "live", "folds_into": None, "description": "Pengaduan",
                 "bridge": "bridge-curhat", "heartbeat_seconds": 15.0},
        "bridges": {"app_id": "curhat", "bridge": "bridge-curhat", "last_heartbeat_at": AT,
                    "last_change_seen": AT, "lag_seconds": 0.4, "rows_translated": 7, "rows_quarantined": 1,
                    "quarantined": 1, "last_quarantine_reason": "tanggal kosong", "last_quarantine_at": AT},
        "services": {"service_id": "ktp-el-baru", "name": "Pembuatan KTP-el", "app_id": "dukcapil", "app_name": "Dukcapil",
                     "opd": "DISPENDUKCAPIL", "field": "administrasi kependudukan", "audience": "warga",
                     "requirements": ["Kartu Keluarga"], "fee": 0, "days": 1, "url": None, "keywords": "e-ktp",
                     "description": "Perekaman KTP-el", "name_key": "pembuatan ktp el", "doc": None, "head": None,
                     "updated_at": AT},
        "synonym_groups": {"group_id": "ktp", "terms": ["ktp", "kartu tanda penduduk"], "updated_at": AT},
        "directory_words": {"word": "kependudukan"},
    },
    "notify-svc": {
        "ticket_updates": {"ticket": "CURHAT-1", "revision": 1, "event_id": "evt-1",
                           "payload": {"status": "submitted"}, "traceparent": {}, "received_at": AT},
    },
    "bridge-curhat": {
        "checkpoint": {"app_id": "curhat", "cursor_ts": LEGACY_AT, "cursor_id": 42, "updated_at": AT},
        "row_state": {"source_id": 42, "status": "submitted", "legacy_status": "baru", "fingerprint": "f" * 64,
                      "legacy_updated_at": LEGACY_AT, "quarantine_reason": None, "updated_at": AT},
        "quarantine": {"source_id": 43, "reason": "tanggal kosong", "row": {"id": 43}, "legacy_updated_at": LEGACY_AT,
                       "seen_at": AT},
    },
}
DEAD_TEXT = "Keluhan: jalan rusak di Prajurit Kulon — “parah” ✓"


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
    return sorted(ScriptDirectory.from_config(config(plan_for(metadata))).get_heads())


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
        conn.execute(text(f'INSERT INTO "{s}".dead_letters (topic, partition, "offset", key, headers, value, reason, at) '
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
    assert own == {table: [row] for table, row in ROWS[name].items()}
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
    await upgrade(database_url, metadata, to=KIT_BASE)
    await upgrade(database_url, metadata, to="complaint@head")
    await _sync(database_url, _forget_versions, "complaint")
    await _sync(database_url, _fill_previous, metadata, ROWS["complaint-svc"])

    await upgrade(database_url, metadata)

    _outbox, _inbox, dead, own, versions = await _sync(database_url, _read_all, metadata, ROWS["complaint-svc"])
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

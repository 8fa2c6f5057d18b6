"""The audit log on the real PostgreSQL and broker: written with the change, or not at all; exported as an event;
append-only; queryable by actor, object and time."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Column, MetaData, String, Table, func, select, text
from sqlalchemy.exc import DBAPIError

from palapa.contracts.events.platform import AUDIT
from palapa.contracts.topics import ALL_TOPICS
from palapa.kit.audit import MASK, audit_records
from palapa.kit.auth import Principal, Role
from palapa.kit.runtime import Runtime
from palapa.kit.settings import ServiceSettings
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

ADMIN = Principal("admin-katalog", frozenset({Role.CATALOG_ADMIN}), frozenset({"DISKOMINFO"}))
OFFICER = Principal("petugas-dishub", frozenset({Role.OPD_OFFICER}), frozenset({"DISHUB"}))


class Boom(Exception):
    pass


async def _service(kafka, database_url):
    metadata = MetaData(schema="auditdemo")
    apps = Table("apps", metadata, Column("id", String, primary_key=True), Column("url", String))
    runtime = Runtime(ServiceSettings(KAFKA_BOOTSTRAP_SERVERS=kafka, DATABASE_URL=database_url,
                                      KAFKA_PROFILE="tansu"), "auditdemo", MetaData(schema="auditdemo"))
    await runtime.start(ALL_TOPICS)
    async with runtime.engine.begin() as conn:  # the test's own table, beside the kit's (from its migrations)
        await conn.run_sync(apps.create)
        await conn.execute(apps.insert().values(id="cctv", url="https://cctv.kota.example.go.id"))
    return runtime, apps


async def test_an_audited_change_commits_with_its_record_and_its_event_reaches_the_audit_topic(
    kafka_bootstrap, database_url, topic_reader
):
    runtime, apps = await _service(kafka_bootstrap, database_url)
    try:
        async with runtime.transaction() as tx:
            await tx.session.execute(apps.update().where(apps.c.id == "cctv").values(url="https://cctv2.example"))
            tx.audit(ADMIN, "catalog.app.change", ("app", "cctv"), before={"url": "https://cctv.kota.example.go.id"},
                     after={"url": "https://cctv2.example", "contact_email": "ops@kota.example"},
                     why="server baru; hubungi 081234567890")
        async with runtime.sessions() as s:
            [record] = await audit_records(s, runtime.audit_log, object_type="app", object_id="cctv")
        assert (record["actor"], record["actor_kind"], record["actor_roles"]) == (
            "admin-katalog", "person", ["catalog-admin"])
        assert record["after"] == {"url": "https://cctv2.example", "contact_email": MASK}
        assert record["why"] == "server baru; hubungi [telepon]" and record["request_id"] is None
        [received] = await eventually(lambda: topic_reader.of(AUDIT), what="the AuditRecorded event")
        assert received.key == "app:cctv" and received.envelope.id == record["event_id"]
        event = received.envelope.data
        assert (event.service, event.action, event.after["contact_email"]) == ("auditdemo", "catalog.app.change", MASK)
    finally:
        await runtime.stop()


async def test_a_change_rolled_back_leaves_neither_its_audit_record_nor_its_event(kafka_bootstrap, database_url):
    runtime, apps = await _service(kafka_bootstrap, database_url)
    try:
        with pytest.raises(Boom):
            async with runtime.transaction() as tx:
                await tx.session.execute(apps.update().values(url="https://phish.example.com"))
                tx.audit(ADMIN, "catalog.app.change", ("app", "cctv"), after={"url": "https://phish.example.com"})
                raise Boom
        async with runtime.sessions() as s:
            assert await s.scalar(select(apps.c.url)) == "https://cctv.kota.example.go.id"
            assert await s.scalar(select(func.count()).select_from(runtime.audit_log)) == 0
            assert await s.scalar(select(func.count()).select_from(runtime.outbox.table)) == 0
    finally:
        await runtime.stop()


async def test_the_audit_log_refuses_update_delete_and_truncate(kafka_bootstrap, database_url):
    runtime, _ = await _service(kafka_bootstrap, database_url)
    try:
        async with runtime.transaction() as tx:
            tx.audit(OFFICER, "case.move", ("case", "CURHAT-1"), before={"status": "verified"},
                     after={"status": "in_progress"})
        for statement in ("UPDATE auditdemo.audit_log SET why = 'rewritten'", "DELETE FROM auditdemo.audit_log",
                          "TRUNCATE auditdemo.audit_log"):
            with pytest.raises(DBAPIError, match="append-only"):
                async with runtime.engine.begin() as conn:
                    await conn.execute(text(statement))
        async with runtime.sessions() as s:
            assert await s.scalar(select(func.count()).select_from(runtime.audit_log)) == 1
    finally:
        await runtime.stop()


async def test_records_are_found_by_actor_object_and_time_newest_first(kafka_bootstrap, database_url):
    runtime, _ = await _service(kafka_bootstrap, database_url)
    try:
        for n, who in enumerate((ADMIN, OFFICER, ADMIN)):
            async with runtime.transaction() as tx:
                tx.audit(who, "demo.touch", ("thing", str(n)), after={"n": n})
        async with runtime.sessions() as s:
            mine = await audit_records(s, runtime.audit_log, actor="admin-katalog")
            assert [r["object_id"] for r in mine] == ["2", "0"]
            assert [r["actor"] for r in await audit_records(s, runtime.audit_log, object_type="thing",
                                                              object_id="1")] == ["petugas-dishub"]
            now = datetime.now(UTC)
            assert len(await audit_records(s, runtime.audit_log, since=now - timedelta(minutes=5))) == 3
            assert await audit_records(s, runtime.audit_log, until=now - timedelta(minutes=5)) == []
            page = await audit_records(s, runtime.audit_log, limit=2)
            rest = await audit_records(s, runtime.audit_log, before_id=page[-1]["id"])
            assert [r["object_id"] for r in page + rest] == ["2", "1", "0"]
    finally:
        await runtime.stop()


def test_a_malformed_audit_call_is_refused_before_anything_is_written():
    from palapa.kit.audit import Auditor
    from palapa.kit.tables import audit_log_table

    auditor = Auditor(audit_log_table(MetaData()), "demo", "/services/demo")
    with pytest.raises(ValueError, match="too long or empty"):
        auditor.entry(ADMIN, "", ("app", "cctv"))
    with pytest.raises(ValueError, match="over"):
        auditor.entry(ADMIN, "x", ("app", "cctv"), after={"blob": "x" * 300_000})
    row, envelope = auditor.entry(ADMIN, "x", ("app", "cctv"), after=["a", "b"], why="  ")
    assert row["after"] == {"value": ["a", "b"]} and row["why"] is None and envelope.subject == "app:cctv"

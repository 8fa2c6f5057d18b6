"""A short seeded `./palapa chaos`: one service and one broker kill -9 (and notify-svc's, while it sends an OPD's
messages: each must reach its simulated provider exactly once) under fast legacy writes (staff also setting
cases back, reopening them and writing free-text codes) lose nothing; then `./palapa reconcile` on the same settled
platform finds it in sync, and finds a legacy row changed behind the bridge's back (the last test: it stops the
bridge)."""

import random
import shutil

import pytest
import pytest_asyncio
from sqlalchemy import update
from sqlalchemy.ext.asyncio import create_async_engine

from palapa.contracts.events import CaseStatus
from palapa.curhat_legacy import tb_pengaduan
from palapa.devstack import CURHAT_FLOW, Stack, tail
from palapa.tools.chaos import messages
from palapa.tools.chaos.command import ordeal, simulator_env
from palapa.tools.reconcile import curhat
from palapa.tools.reconcile.command import parser, run
from palapa.tools.reconcile.compare import reconcile
from palapa.tools.reconcile.sources import Sources
from palapa.tools.scratch import scratch_folder, scratch_settings

pytestmark = [pytest.mark.integration, pytest.mark.serial, pytest.mark.asyncio(loop_scope="session")]
SEED = 11


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def settled(request):
    """The chaos run's platform once it settled (writers stopped), and the run's outcome."""
    folder = scratch_folder("palapa-chaos-test-")
    writers = simulator_env(SEED, complaints_per_minute=600, updates_per_minute=1200, odd_moves=0.3)
    stack = Stack(scratch_settings(folder), durable=False, simulate=True, only=(*CURHAT_FLOW, *messages.PROCESSES),
                  extra_env={**writers, **messages.env()})
    failed = request.session.testsfailed
    try:
        await stack.start()
        # SEED's plan has one broker kill and one service kill (plan() guarantees both for 2 kills), and a kill of
        # notify-svc while an OPD's app sends messages (messages.with_notify_kill)
        outcome = await ordeal(stack, random.Random(SEED), seconds=35, kills=2, quiet_s=6, settle_s=60)
        yield stack, outcome
        if request.session.testsfailed > failed:
            for name, run in stack.running.items():
                print(f"--- {name}'s log ends with:\n{tail(run.log, 15)}")
    finally:
        stack.stop()
        shutil.rmtree(folder, ignore_errors=True)


async def test_a_service_kill_and_a_broker_kill_lose_nothing(settled):
    _, outcome = settled
    assert outcome.ok, "\n".join(outcome.lines())


async def test_notify_svc_killed_while_sending_loses_no_message_and_doubles_none(settled):
    _, outcome = settled
    assert any("kill -9 notify-svc" in kill for kill in outcome.kills), outcome.kills
    assert outcome.messages_ok, "\n".join(outcome.messages)
    assert "lost=0 doubled=0" in "\n".join(outcome.messages)


async def test_reconcile_finds_the_settled_platform_in_sync_with_the_legacy_app_corrections_included(settled):
    stack, _ = settled
    [result] = await reconcile(Sources.of_stack(stack), (curhat.APP,))
    assert result.records > 0 and result.differences == [], [d.line() for d in result.differences]
    assert " 0 corrections" not in result.detail  # the staff's backward moves reached the timelines


async def test_reconcile_reports_a_legacy_row_changed_behind_the_bridges_back_with_its_reason(settled, capsys):
    stack, _ = settled
    # the bridge re-reads recent rows (its lookback) and would carry the change: it is away while the app writes
    stack.stop_service("bridge-curhat")
    legacy = create_async_engine(stack.legacy_database_url)
    try:
        row = next(r for r in await curhat.legacy_rows(legacy) if r.expected() not in (None, CaseStatus.REJECTED))
        async with legacy.begin() as conn:
            await conn.execute(update(tb_pengaduan).where(tb_pengaduan.c.id_pengaduan == row.id).values(status="9"))
        sources = Sources.of_stack(stack)
        code = await run(parser().parse_args(["--app", curhat.APP, "--wait", "0", "--database-url", sources.platform_db,
                                              "--curhat-database-url", sources.curhat_db, "--kafka", stack.kafka]))
    finally:
        await legacy.dispose()
    printed = capsys.readouterr().out
    assert code == 1, printed
    assert f"mismatched: legacy code '9' means rejected, complaint-svc has {row.expected().value}" in printed
    assert "reconcile: 1 differences" in printed

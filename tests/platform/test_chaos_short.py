"""A short seeded `./palapa chaos`: one service and one broker kill -9 under fast legacy writes lose nothing."""

import random
import shutil

import pytest

from palapa.devstack import CURHAT_FLOW, Stack
from palapa.tools.chaos.command import ordeal, simulator_env
from palapa.tools.scratch import scratch_folder, scratch_settings

SEED = 11


@pytest.mark.integration
@pytest.mark.serial
async def test_a_service_kill_and_a_broker_kill_lose_nothing():
    folder = scratch_folder("palapa-chaos-test-")
    stack = Stack(scratch_settings(folder), durable=False, simulate=True, only=CURHAT_FLOW,
                  extra_env=simulator_env(SEED, complaints_per_minute=600, updates_per_minute=1200))
    try:
        await stack.start()
        # SEED's plan has exactly one broker kill and one service kill (plan() guarantees both for 2 kills)
        outcome = await ordeal(stack, random.Random(SEED), seconds=35, kills=2, quiet_s=6, settle_s=60)
    finally:
        stack.stop()
        shutil.rmtree(folder, ignore_errors=True)
    assert outcome.ok, "\n".join(outcome.lines())

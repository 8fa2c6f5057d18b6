"""A small seeded `./palapa fuzz`: generated poison of every kind, and every canary still arrives."""

import shutil

import pytest

from palapa.devstack import Stack
from palapa.tools.fuzz.command import PROCESSES, fuzz
from palapa.tools.scratch import scratch_folder, scratch_settings

SEED = 7


@pytest.mark.integration
@pytest.mark.serial
async def test_thirty_generated_poison_inputs_stall_nothing_and_answer_no_5xx():
    folder = scratch_folder("palapa-fuzz-test-")
    stack = Stack(scratch_settings(folder), durable=False, simulate=False, only=PROCESSES, tool_key=True)
    try:
        await stack.start()
        tally = await fuzz(stack, SEED, count=30, kinds=("legacy", "kafka", "api"), deadline_s=15)
    finally:
        stack.stop()
        shutil.rmtree(folder, ignore_errors=True)
    assert tally.ok, "\n".join(tally.lines())

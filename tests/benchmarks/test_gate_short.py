"""`./palapa bench gate` in short: home and search pages through Caddy, every request answered and timed."""

import pytest
import pytest_asyncio

from palapa.devstack import Stack, tail
from palapa.tools.bench import gate
from palapa.tools.scratch import scratch_folder, scratch_settings

pytestmark = [pytest.mark.integration, pytest.mark.serial, pytest.mark.asyncio(loop_scope="session")]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def stack(request):
    folder = scratch_folder("palapa-bench-gate-test-")
    stack = Stack(scratch_settings(folder), durable=False, simulate=False, only=gate.PROCESSES)
    failed = request.session.testsfailed
    try:
        await stack.start()
        yield stack
        if request.session.testsfailed > failed:
            for name, run in stack.running.items():
                print(f"--- {name}'s log ends with:\n{tail(run.log, 15)}")
    finally:
        stack.stop()


async def test_the_gate_answers_every_home_and_search_page_and_reports_percentiles(stack):
    run = await gate.measure(stack, rate=20, seconds=1, clients=2)
    print("\n".join(run.lines()))
    assert (len(run.latencies["home"]), len(run.latencies["search"])) == (10, 10)
    assert all(x > 0 for x in run.every)
    assert set(run.cpu_ms) == {"caddy", "gate-svc", "catalog-svc"}
    assert "p99=" in run.lines()[-2]

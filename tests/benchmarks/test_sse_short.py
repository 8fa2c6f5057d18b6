"""`./palapa bench sse`, short: a few streams held open on one notify-svc, every update timed to its frame. Never
timed itself: a benchmark that stops working fails here, a slow one does not."""

import pytest

from palapa.tools.bench import sse
from palapa.tools.scratch import bench_stack

pytestmark = [pytest.mark.integration, pytest.mark.serial]


def test_the_bench_lifts_its_open_file_limit_to_the_hard_one():
    soft, hard = sse.raise_open_files()
    assert soft == hard


async def test_sse_bench_holds_every_stream_open_and_times_every_update_to_its_frame():
    async with bench_stack("palapa-bench-sse-test-", only=("notify-svc",)) as stack:
        run = await sse.measure(stack, streams=20, updates=5, concurrency=5)
    print(run.report())
    assert run.failed == 0
    assert len(run.latencies) == 5 and all(x > 0 for x in run.latencies)
    assert run.rss_open_kib > 0 and run.rss_before_kib > 0
    assert "KiB per stream" in run.report()

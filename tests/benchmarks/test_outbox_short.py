"""A short `./palapa bench outbox`: a backlog staged in one transaction is all relayed to the broker and marked."""

import pytest

from palapa.tools.bench.outbox import measure_on

pytestmark = pytest.mark.integration


async def test_a_staged_backlog_is_all_published_and_its_figures_are_positive(kafka_bootstrap, database_url):
    run = await measure_on(kafka_bootstrap, database_url, rows=50)
    print(run.report())
    assert run.published == 50
    assert run.stage_s > 0 and run.relay_s > 0

"""Every `./palapa bench` that drives processes, short: each runs its whole path on one shared platform (started once
for this module: each service process costs seconds of CPU to start) and its figures are sane. Never timed: a
benchmark that stops working fails here, a slow one does not."""

import shutil
from collections import Counter

import pytest
import pytest_asyncio

from palapa.devstack import Stack, tail
from palapa.testkit.citizens import CitizenIssuer
from palapa.tools.bench import (
    bridge_lag,
    citizen_sse,
    gate,
    incident,
    latency,
    listing,
    notify,
    pbb,
    psc,
    puskesmas,
    sse,
    sweep,
    throughput,
)
from palapa.tools.bench.catalog_data import QUERIES
from palapa.tools.bench.search import census_import, search
from palapa.tools.scratch import scratch_folder, scratch_settings, staff_token
from palapa.tools.sim_messages import messages_env

pytestmark = [pytest.mark.integration, pytest.mark.serial]

#: what the benchmarks below drive, together: the Curhat Ning Ita flow, the emergency path to the citizen, the
#: webhook, YAML, CCTV, Si Makel and PBB bridges (with the two simulators bridge-lag changes), the catalog, and the
#: gate (gate-svc, Caddy in front), and the message providers' simulators
PROCESSES = ("complaint-svc", "catalog-svc", "notify-svc", "tracking-svc", "bridge-curhat", "bridge-psc119",
             "bridge-mapped", "sim-cctv", "bridge-cctv", "sim-simakel", "bridge-simakel", "bridge-pbb", "gate-svc",
             "sim-whatsapp", "sim-sms", "sim-mail")


@pytest.fixture(scope="module")
def citizens():
    """The citizens' token issuer citizen-sse plays the gate with (notify-svc trusts it on this platform)."""
    issuer = CitizenIssuer()
    yield issuer
    issuer.close()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def platform(request, citizens):
    folder = scratch_folder("palapa-bench-test-")
    quiet = {t.sim: t.quiet for t in bridge_lag.TARGETS.values()}
    env = {**quiet, "bridge-pbb": pbb.BRIDGE_ENV, **messages_env()}
    env["notify-svc"] = {**env.get("notify-svc", {}), **citizen_sse.notify_env(citizens)}
    stack = Stack(scratch_settings(folder), durable=False, simulate=True, only=PROCESSES, tool_key=True,
                  extra_env=env)
    failed = request.session.testsfailed
    try:
        await stack.start()
        yield stack
        if request.session.testsfailed > failed:  # what the processes said, before their folder goes
            for name, run in stack.running.items():
                print(f"--- {name}'s log ends with:\n{tail(run.log, 15)}")
    finally:
        stack.stop()
        shutil.rmtree(folder, ignore_errors=True)


def positive(values: list[float], n: int) -> bool:
    return len(values) == n and all(v > 0 for v in values)


async def test_latency_follows_every_legacy_status_update_to_the_citizens_stream(platform):
    # three updates of one ticket: the benchmark alternates two codes, so the third moves the status back
    lags = await latency.measure(platform, tickets=1, updates=3)
    print(latency.report(lags))
    assert positive(lags, 3)


async def test_throughput_sees_every_legacy_complaint_stored_by_every_stage(platform):
    run = await throughput.measure(platform, rows=20, chunk=10, timeout_s=60, broker_records=200)
    print(run.report())
    assert run.stored == dict.fromkeys(throughput.STAGES, 20)
    assert run.broker[0] > 0 and run.broker[1] > 0 and run.inserted > run.started


async def test_psc_webhook_sees_every_signed_webhook_become_an_event_on_kafka(platform):
    lags, answers = await psc.measure(platform, webhooks=4)
    print(psc.report("webhook → event on Kafka", lags), psc.report("webhook answered", answers), sep="\n")
    assert positive(lags, 4) and positive(answers, 4)


async def test_puskesmas_sees_every_queue_call_become_an_event_on_kafka(platform):
    lags = await puskesmas.measure(platform, calls=2)
    print(psc.report("queue call committed → QueueTicketCalled on Kafka", lags))
    assert positive(lags, 2)


@pytest.mark.parametrize("which", sorted(bridge_lag.TARGETS))
async def test_bridge_lag_sees_every_legacy_change_become_an_event_on_kafka(platform, which):
    lags = await bridge_lag.measure(platform, which, changes=3, spread=0.1, items=2)
    print(which, bridge_lag.report(lags))
    assert positive(lags, 3)


async def test_listing_sweep_compares_every_si_makel_request_in_each_pass_and_finds_nothing_to_put_right(platform):
    # bridge-simakel is restarted with its sweep on, and again as it was
    run = await listing.measure(platform, requests=20, every=1, timeout_s=120)
    print(run.report())
    assert run.ok and len(run.passes) == 2
    assert all(p.figures["seconds"] > 0 and p.rss_mb > 0 for p in run.passes)


async def test_pbb_publishes_one_event_per_bill_then_one_per_changed_bill(platform):
    run = await pbb.measure(platform, bills=200, changed=0.05, timeout_s=60)
    print(run.report())
    assert run.ok and run.first_n == 200 and run.picked == 10
    assert run.first_s > 0 and run.second_s > 0 and run.rss_mb > 0


async def test_incident_sse_follows_every_incident_to_the_citizens_stream_past_a_backlog(platform):
    total, first_hop = await incident.measure(platform, incidents=3, backlog=3)
    print(incident.report("IncidentReported → SSE frame", total), incident.report("→ TicketUpdated", first_hop),
          sep="\n")
    assert positive(total, 3) and positive(first_hop, 3)


async def test_search_answers_every_search_with_results_steady_and_flat_out(platform):
    found = await search(platform, services=20, rate=10, seconds=1, clients=2)
    print("\n".join(found.lines()))
    assert (found.inserted, found.refused) == (20, 0)
    assert positive(found.steady, 10) and found.count > 0 and found.best > 0
    assert found.cpu_ms["catalog-svc"] > 0


async def test_census_import_reads_every_row_and_a_reimport_inserts_none(platform):
    (_, first_s, first), (_, second_s, second) = await census_import(
        platform.running["catalog-svc"].url, rows=20, token=await staff_token(platform))
    assert (first["read"], first["inserted"], first["refused"]) == (20, 20, [])
    assert (second["read"], second["inserted"], second["refused"]) == (20, 0, [])
    assert first_s > 0 and second_s > 0


async def test_the_gate_answers_every_home_and_search_page_and_reports_percentiles(platform):
    run = await gate.measure(platform, rate=20, seconds=1, clients=2, distinct=200, warm_s=1)
    print("\n".join(run.lines()))
    assert (len(run.latencies["home"]), len(run.latencies["search"])) == (10, 10)
    assert all(x > 0 for x in run.every) and run.achieved > 0
    assert {"caddy", "gate-svc", "catalog-svc"} <= set(run.cpu_ms)  # and postgres where the stack started it
    assert "p99=" in run.lines()[-2] and "achieved" in run.lines()[0] and "mix citizens" in run.lines()[1]
    assert "bench citizen-sse" in gate.citizen_streams(platform, 10)  # the hook for the citizen stream's figure


def test_the_gate_benchmark_asks_many_different_searches_most_of_them_rarely():
    searches = gate.searches_of("citizens", 2000)
    counts = sorted(Counter(searches).values(), reverse=True)
    assert len(counts) > 500 and counts[0] > 50 * counts[len(counts) // 2]  # a long tail behind a few favourites
    assert gate.searches_of("fixed", 40)[:2] == list(QUERIES[:2])


async def test_notify_sends_every_message_once_through_the_simulators_while_it_times_live_pushes(platform):
    # 20 requests (12 WhatsApp, 6 SMS, 2 e-mail), two of them repeated under their Idempotency-Key
    run = await notify.measure(platform, rate=600, seconds=2, recipients=5, baseline=2, drain_s=60, replay_every=10)
    print(run.report())
    assert run.ok, run.report()
    assert run.counted.requested == {"whatsapp": 12, "sms": 6, "email": 2} and run.replays == 2
    assert positive(run.sse_idle, 2) and run.sse_load and all(x > 0 for x in run.sse_load)


def test_the_sse_bench_lifts_its_open_file_limit_to_the_hard_one():
    soft, hard = sse.raise_open_files()
    assert soft == hard


async def test_citizen_sse_holds_every_citizens_stream_and_times_every_change_to_its_owners_frame(platform, citizens):
    run = await citizen_sse.measure(platform, citizens, citizens=20, updates=5, concurrency=5)
    print(run.report())
    assert run.failed == 0
    assert len(run.latencies) == 5 and all(x > 0 for x in run.latencies)


async def test_sse_holds_every_stream_open_and_times_every_update_to_its_frame(platform):
    run = await sse.measure(platform, streams=20, updates=5, concurrency=5)
    print(run.report())
    assert run.failed == 0
    assert len(run.latencies) == 5 and all(x > 0 for x in run.latencies)
    assert run.rss_open_kib > 0 and run.rss_before_kib > 0
    assert "KiB per stream" in run.report()


async def test_sweep_reads_every_payment_after_a_start_finds_exactly_what_changed_then_reads_none_again(platform):
    # bridge-pbb is restarted with its sweep on, and again as it was: the last test to use it
    run = await sweep.measure(platform, rows=300, every=3, timeout_s=120)
    print(run.report())
    assert run.ok
    first, moved, quiet = (p.figures for p in run.passes)
    assert first["reread"] == run.rows and quiet["reread"] == 0
    assert (moved["changed"], moved["deleted"]) == (run.changed, run.deleted) and run.changed > 0
    assert all(p.figures["seconds"] > 0 and p.rss_mb > 0 for p in run.passes)

"""The pure parts of the fuzz and chaos commands: seeded generators, the kill plan, the verdict on a row."""

import random
from datetime import UTC, datetime

from palapa.contracts.topics import COMPLAINT_INTAKE
from palapa.tools.chaos.check import LegacyRow, Verdict, judge_row
from palapa.tools.chaos.command import plan
from palapa.tools.fuzz.legacy import LegacyRows
from palapa.tools.fuzz.records import Records
from palapa.tools.fuzz.requests import Requests
from palapa.tools.fuzz.values import shorten

AT = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


def test_the_same_seed_generates_the_same_inputs():
    def inputs(seed):
        rng = random.Random(seed)
        return ([LegacyRows(rng).poison(n) for n in range(20)],
                [Records(rng).poison(COMPLAINT_INTAKE, f"K{n}", AT) for n in range(20)],
                [Requests(rng, "CURHAT-1").one() for _ in range(50)])

    def comparable(batch):
        rows, records, requests = batch
        return rows, [(r.key, r.value, r.headers, r.label) for r in records], requests

    assert comparable(inputs(3)) == comparable(inputs(3))
    assert comparable(inputs(3)) != comparable(inputs(4))


def test_a_short_kill_plan_has_one_broker_kill_and_one_service_kill():
    for seed in range(20):
        victims = [v for _, v in plan(random.Random(seed), 45, 2)]
        assert victims.count("broker") == 1, victims


def test_a_nik_in_a_failure_line_is_masked():
    assert "3576014403910003" not in shorten({"lokasi": "3576014403910003"})


def _case(statuses, revision=None):
    return {"status": statuses[-1], "revision": revision or len(statuses),
            "timeline": [{"status": s} for s in statuses]}


def test_a_row_whose_views_agree_is_fine():
    v = Verdict()
    case = _case(["received", "in_progress"])
    judge_row(LegacyRow(1, "2", "Jalan rusak", "-"), case, dict(case), False, v)
    assert v.ok and v.tracked == 1


def test_a_repeated_step_is_a_duplicate_and_a_stale_view_a_mismatch():
    v = Verdict()
    judge_row(LegacyRow(1, "1", "Jalan rusak", None), _case(["received", "verified", "verified"]), None, False, v)
    assert len(v.duplicated) == 1 and len(v.lost) == 1  # and notify-svc never saw it
    v = Verdict()
    judge_row(LegacyRow(2, "3", "x", None), _case(["received", "resolved"]), _case(["received"]), False, v)
    assert len(v.mismatched) == 1


def test_an_untranslatable_row_must_be_quarantined():
    v = Verdict()
    judge_row(LegacyRow(3, "pending", "x", None), None, None, False, v)
    assert len(v.lost) == 1
    v = Verdict()
    judge_row(LegacyRow(3, "pending", "x", None), None, None, True, v)
    assert v.ok

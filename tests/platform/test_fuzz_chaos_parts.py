"""The pure parts of the fuzz and chaos commands: seeded generators, the kill plan, the verdict on a row."""

import random
from datetime import UTC, datetime

from palapa.contracts.topics import COMPLAINT_INTAKE
from palapa.tools.chaos.command import plan
from palapa.tools.fuzz.legacy import LegacyRows
from palapa.tools.fuzz.records import Records
from palapa.tools.fuzz.requests import Requests
from palapa.tools.fuzz.values import shorten
from palapa.tools.reconcile.curhat import LegacyRow, judge, judge_row
from palapa.tools.reconcile.difference import Comparison

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


def _case(statuses, revision=None, notes=None):
    notes = notes or [None] * len(statuses)
    steps = [{"status": s, "note": n, "legacy_status": "x", "at": AT} for s, n in zip(statuses, notes, strict=True)]
    return {"ticket": "CURHAT-1", "status": statuses[-1], "revision": revision or len(statuses), "timeline": steps}


def _view(case):
    return {"revision": case["revision"], "status": case["status"], "timeline": case["timeline"]}


def _judge(row, case, view, quarantined=False):
    out = Comparison("curhat-ning-ita")
    judge_row(row, case, view, quarantined, out)
    return out


def test_a_row_whose_views_agree_is_fine():
    case = _case(["received", "in_progress"])
    assert not _judge(LegacyRow(1, "2", "Jalan rusak", "-"), case, _view(case)).differences


def test_a_repeated_step_is_a_duplicate_and_a_stale_view_a_mismatch():
    out = _judge(LegacyRow(1, "1", "Jalan rusak", None), _case(["received", "verified", "verified"]), None)
    assert out.count("duplicated") == 1 and out.count("lost") == 1  # and notify-svc never saw it
    out = _judge(LegacyRow(2, "3", "x", None), _case(["received", "resolved"]), _view(_case(["received"])))
    assert out.count("mismatched") == 1


def test_a_case_set_back_or_reopened_by_the_app_is_fine_when_the_timeline_says_it_was_a_correction():
    fix = "Dikoreksi di curhat-ning-ita: kode 1 (Diverifikasi)"
    case = _case(["received", "in_progress", "verified", "resolved", "in_progress"], notes=[None, None, fix, None, fix])
    assert not _judge(LegacyRow(1, " tindak  LANJUT", "Jalan rusak", None), case, _view(case)).differences
    silent = _case(["received", "in_progress", "verified"])
    out = _judge(LegacyRow(1, "Diverifikasi", "Jalan rusak", None), silent, _view(silent))
    assert [d.kind for d in out.differences] == ["mismatched"] and "without a correction" in out.differences[0].reason


def test_the_case_must_show_what_the_legacy_code_means():
    case = _case(["received", "in_progress"])
    out = _judge(LegacyRow(1, "1", "Jalan rusak", None), case, _view(case))
    assert [d.reason for d in out.differences] == ["legacy code '1' means verified, complaint-svc has in_progress"]


def test_an_untranslatable_row_must_be_quarantined():
    assert _judge(LegacyRow(3, "pending", "x", None), None, None).count("lost") == 1
    assert not _judge(LegacyRow(3, "pending", "x", None), None, None, quarantined=True).differences
    assert not _judge(LegacyRow(3, "pending", "x", None), None, None, quarantined=None).differences  # not read


def test_a_case_whose_legacy_row_is_gone_is_a_difference():
    out = judge([], [{**_case(["received"]), "source_app": "curhat-ning-ita", "source_ref": "1"}], {}, set())
    assert [d.kind for d in out.differences] == ["mismatched"] and "gone" in out.differences[0].reason


def test_every_topic_fuzz_knows_gets_a_valid_event_of_its_own_and_poison_made_from_it():
    from palapa.contracts.topics import ALL_TOPICS
    from palapa.tools.fuzz.events import GENERATORS, valid_event

    topics = [t for t in ALL_TOPICS if t.name in GENERATORS]
    assert len(topics) == len(GENERATORS) == 15
    for topic in topics:
        event = valid_event(topic, "S1C1", AT, canary=True)
        assert type(event) in topic.events, topic.name
        assert Records(random.Random(1)).poison(topic, "S1K1", AT).topic == topic.name


def test_adversarial_sequences_go_back_repeat_and_arrive_late_and_end_in_the_latest_move():
    from palapa.tools.fuzz.sequences import TOPICS, sequence

    seen = set()
    for seed in range(12):
        for topic in TOPICS:
            seq = sequence(topic, f"S{seed}Q1", AT, random.Random(seed))
            seen |= set(seq.moves)
            times = [e.model_dump() for e in (*seq.events, seq.canary)]
            stamps = [next(v for k, v in t.items() if k.endswith("_at")) for t in times]
            assert stamps[-1] == max(stamps) and {e.ticket for e in seq.events} == {seq.ticket}
    assert seen == {"back", "repeat", "late"}


def test_a_portal_status_the_app_writes_as_a_nearby_code_agrees_with_the_row_and_any_other_status_does_not():
    forwarded = _case(["received", "verified", "dispositioned"])  # staff forwarded it: the app's row says "1"
    assert not _judge(LegacyRow(1, "1", "Jalan rusak", None), forwarded, _view(forwarded)).differences
    assert _judge(LegacyRow(1, "2", "Jalan rusak", None), forwarded, _view(forwarded)).count("mismatched") == 1

"""The dead-letter count beside the topic's offsets (pure): agreement, and each known difference with its size."""

from palapa.ops.reconcile import Figures, explain


def figures(**changed) -> Figures:
    return Figures(**({"listed_end": 283, "high_watermark": 283, "position": 283, "letters": 283,
                       "announcements": 283, "repeats": 0} | changed))


def test_the_count_agrees_when_every_record_read_is_one_letter():
    assert explain(figures()) == (True, [])


def test_tansus_list_offsets_short_by_its_last_batch_is_named_and_the_high_watermark_trusted():
    agrees, lines = explain(figures(listed_end=283, high_watermark=286, position=286, letters=286))
    assert not agrees and len(lines) == 1
    assert "ListOffsets broker menjawab 283, high watermark fetch 286 (selisih 3)" in lines[0]


def test_lag_repeats_and_letters_from_an_earlier_topic_are_each_counted():
    _, lines = explain(figures(high_watermark=290, listed_end=290, position=283, letters=282, repeats=1))
    assert lines == ["7 record belum dibaca ops-svc (lag).",
                     "1 pengumuman berulang untuk record yang sudah disimpan: satu record, tanpa dead letter baru."]
    agrees, lines = explain(figures(high_watermark=10, listed_end=10, position=10, letters=296))
    assert not agrees and lines[0].startswith("286 dead letter lebih banyak daripada record topic ini")


def test_without_the_broker_or_a_first_batch_the_figures_are_shown_not_judged_equal():
    agrees, _ = explain(figures(listed_end=None, high_watermark=None, position=None, letters=0))
    assert not agrees

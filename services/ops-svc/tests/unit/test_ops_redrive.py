"""Re-drive and discard decisions: once each, never both, never a partial record."""

from palapa.ops.domain import State, discard, fingerprint, is_whole, redelivered, redrive, redrive_headers


def test_a_waiting_whole_letter_is_re_driven_and_a_second_request_changes_nothing():
    assert redrive(State.WAITING, whole=True).act
    again = redrive(State.REDRIVEN, whole=True)
    assert not again.act and again.refusal is None  # idempotent: 200, nothing sent


def test_a_discarded_or_partial_letter_is_not_re_driven():
    assert redrive(State.DISCARDED, whole=True).refusal == "discarded"
    assert redrive(State.WAITING, whole=False).refusal == "not_whole"
    assert redrive(State.WAITING, whole=True, topic_known=False).refusal == "unknown_topic"


def test_discard_once_and_never_after_a_re_drive():
    assert discard(State.WAITING).act
    assert not discard(State.DISCARDED).act and discard(State.DISCARDED).refusal is None
    assert discard(State.REDRIVEN).refusal == "redriven"


def test_a_value_is_whole_only_when_uncut_and_the_same_size():
    assert is_whole('{"a": "é"}', len('{"a": "é"}'.encode()), truncated=False)
    assert not is_whole("abc", 3, truncated=True)
    assert not is_whole("a\ufffd", 2, truncated=False)  # one invalid byte became U+FFFD (3 bytes)
    assert not is_whole("abc", None, truncated=False)


def test_the_producers_signature_goes_back_and_the_old_trace_does_not():
    sent = redrive_headers({"ce_id": "1", "ce_signature": "eyJ..sig", "traceparent": "00-ab-cd-01", "tracestate": "x"})
    assert sent == {"ce_id": "1", "ce_signature": "eyJ..sig"}


def test_the_same_record_has_one_fingerprint():
    a = fingerprint("complaint-svc", "t", 0, 5, "v")
    assert a == fingerprint("complaint-svc", "t", 0, 5, "v") != fingerprint("notify-svc", "t", 0, 5, "v")


def test_straight_to_the_consumer_once_and_only_to_a_consumer_ops_svc_can_reach():
    assert redrive(State.WAITING, whole=True, consumer_known=True).act
    assert redrive(State.WAITING, whole=True, consumer_known=False).refusal == "unknown_consumer"
    assert not redrive(State.REDELIVERED, whole=True).act and redrive(State.REDELIVERED, whole=True).refusal is None
    assert discard(State.REDELIVERED).refusal == "redriven"


def test_the_consumers_answer_applied_now_or_already_settles_it_and_a_refusal_leaves_it_waiting():
    assert redelivered("done", None).act and redelivered("duplicate", None).act
    still = redelivered("dead_lettered", "note rusak")
    assert (still.act, still.refusal) == (False, "refused_again") and "note rusak" in still.detail

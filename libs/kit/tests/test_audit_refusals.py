"""Which of the guard's refusals go on the audit log (pure): one record per actor, route and reason per window,
the repeats counted into the next record, and a cap on what is remembered."""

from palapa.kit.audit.refusals import RefusalWindow

KEY = (None, "PATCH", "/apps/{app_id}", "token_missing")


def test_the_first_refusal_of_a_key_is_written_and_its_repeats_in_the_window_are_only_counted():
    window = RefusalWindow(window_s=600)
    assert window.admit(KEY, 0.0) == 0
    assert [window.admit(KEY, t) for t in (1.0, 2.0, 599.0)] == [None, None, None]
    assert window.admit(KEY, 601.0) == 3  # the next window's first record says how many went unwritten


def test_another_route_reason_or_actor_is_a_record_of_its_own_even_during_a_flood():
    window = RefusalWindow(window_s=600)
    for t in range(1000):
        window.admit(KEY, float(t) / 100)
    assert window.admit((None, "PATCH", "/apps/{app_id}", "bad_signature"), 5.0) == 0
    assert window.admit((None, "POST", "/census", "token_missing"), 5.0) == 0
    assert window.admit(("tamu", "PATCH", "/apps/{app_id}", "role_missing"), 5.0) == 0


def test_what_is_remembered_is_capped_and_expired_keys_make_room():
    window = RefusalWindow(window_s=10, max_keys=2)
    assert window.admit(("a", "POST", "/x", "r"), 0.0) == 0
    assert window.admit(("b", "POST", "/x", "r"), 0.0) == 0
    assert window.admit(("c", "POST", "/x", "r"), 1.0) is None  # full: counted only
    assert window.admit(("c", "POST", "/x", "r"), 11.0) == 0  # the old keys' window is over

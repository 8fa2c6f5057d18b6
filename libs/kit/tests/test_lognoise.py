"""A client retrying a dead broker logs a few lines, not one per attempt."""

import logging

from palapa.kit.lognoise import RepeatFilter


def _record(name: str, msg: str, *args) -> logging.LogRecord:
    return logging.LogRecord(name, logging.ERROR, __file__, 1, msg, args, None)


def test_repeated_client_errors_are_thinned_and_the_count_held_back_is_told():
    quiet = RepeatFilter(window_s=30)
    shown = [quiet.filter(_record("aiokafka", "Unable connect to node with id %s: %s", 1, n)) for n in range(500)]
    assert shown.count(True) == 1
    quiet._seen[("aiokafka", logging.ERROR, "Unable connect to node with id %s: %s")][0] -= 31  # the window passes
    later = _record("aiokafka", "Unable connect to node with id %s: %s", 1, "refused")
    assert quiet.filter(later)
    assert later.getMessage() == "Unable connect to node with id 1: refused [499 more like this in the last 31s]"


def test_our_own_records_and_other_messages_pass():
    quiet = RepeatFilter(window_s=30)
    assert all(quiet.filter(_record("palapa.kit.inbox", "dead-lettered %s", n)) for n in range(5))
    assert quiet.filter(_record("aiokafka", "one thing")) and quiet.filter(_record("aiokafka", "another"))

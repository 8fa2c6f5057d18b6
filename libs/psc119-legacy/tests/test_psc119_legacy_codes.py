"""What PSC 119's codes mean: one table, covering every code the dispatchers set."""

from palapa.psc119_legacy.codes import Stage, shown_status, stage_of
from palapa.psc119_legacy.generate import NEXT


def test_every_code_a_dispatcher_sets_has_a_stage_whatever_its_spacing_or_case():
    for code in {"1", *NEXT, *(c for moves in NEXT.values() for c, _ in moves)}:
        assert stage_of(f"  {code.lower()} ") is not None, code


def test_the_crews_arrival_shows_as_dispatched_and_an_unknown_code_as_nothing():
    assert stage_of("3") is Stage.ON_SCENE and shown_status("3") == "dispatched"
    assert shown_status(" td ") == "closed" and shown_status("4") == "handed_over"
    assert stage_of("X") is None and shown_status("selesai?") is None and shown_status(None) is None

"""What Si Makel's codes mean: one table, covering every code the app writes."""

from palapa.contracts.events import RequestStatus
from palapa.simakel_legacy.codes import STATUS_CODES, canonical_status
from palapa.simakel_legacy.requests import NEXT, STATUSES


def test_every_code_and_its_screen_label_mean_the_same_canonical_status():
    for code, label in STATUSES.items():
        assert canonical_status(code) is not None
        assert canonical_status(f" {label.upper()}\x00 ") == canonical_status(code), label
    assert {c for moves in NEXT.values() for c in moves} <= set(STATUSES)


def test_a_code_means_one_canonical_status_and_an_unknown_one_none():
    assert canonical_status("Siap   Diambil") is RequestStatus.READY
    assert canonical_status("4") is RequestStatus.COMPLETED
    assert canonical_status("7") is None and canonical_status("-") is None and canonical_status(None) is None
    assert set(STATUS_CODES.values()) == set(RequestStatus)

"""What the app's codes mean: one table, every spelling the screens write in it."""

from palapa.contracts.events import CaseStatus
from palapa.curhat_legacy.codes import STATUS_CODES, STATUS_VARIANTS, canonical_status, stage_of


def test_every_spelling_a_screen_writes_means_its_stage_whatever_its_spacing_or_case():
    for stage, words in STATUS_VARIANTS.items():
        for word in (str(stage), *words):
            for typed in (word, f"  {word.upper()} ", "  ".join(word.split())):
                assert stage_of(typed) == stage, typed


def test_a_code_means_one_canonical_status_and_an_unknown_one_none():
    assert canonical_status("Tindak   Lanjut ") is CaseStatus.IN_PROGRESS
    assert canonical_status("DIVERIFIKASI") is CaseStatus.VERIFIED
    assert canonical_status("pending") is None and canonical_status(None) is None
    assert set(STATUS_CODES.values()) == {CaseStatus.RECEIVED, CaseStatus.VERIFIED, CaseStatus.IN_PROGRESS,
                                          CaseStatus.RESOLVED, CaseStatus.REJECTED}

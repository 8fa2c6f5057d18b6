"""Letters requested at the gate, pure: unguessable tickets, the form's shapes, and Si Makel's answers."""

from datetime import UTC, datetime, timedelta

import pytest

from palapa.contracts.events import LetterLinked, LetterRefused
from palapa.tracking import letters
from palapa.tracking.domain import Step

T0 = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
FORM = letters.LetterForm("SKD", "Surat Keterangan Domisili", " Kranggan ", "Kranggan", "  rekening  bank ",
                          "Siti  Aminah", "3576014101900001", "0812-3456-7890")


def opened():
    return letters.opened("SURAT-ABCDEFGHJKLMNPQRSTUV", letters.checked(FORM), "warga-siti", "si-makel", T0)


def test_tickets_are_long_random_and_never_repeat():
    made = {letters.new_ticket() for _ in range(1000)}
    assert len(made) == 1000 and all(t.startswith("SURAT-") and len(t) == 26 for t in made)


def test_the_form_is_trimmed_and_the_phone_kept_as_digits():
    form = letters.checked(FORM)
    assert (form.kelurahan, form.purpose, form.name, form.phone) == ("Kranggan", "rekening bank", "Siti Aminah",
                                                                     "081234567890")


@pytest.mark.parametrize(("field", "value", "why"), [("nik", "357601410190000", "NIK"), ("letter_type", "sk1", "Jenis"),
                                                    ("name", " ", "Nama"), ("kelurahan", "", "Kelurahan"),
                                                    ("phone", "12ab", "HP")])
def test_a_bad_field_is_refused_saying_which(field, value, why):
    with pytest.raises(letters.LetterFormError, match=why):
        letters.checked(letters.LetterForm(**{**FORM.__dict__, field: value}))


def test_a_new_letter_is_its_owners_and_waits_for_si_makel():
    t = opened()
    assert (t.owner, t.status, t.revision, t.legacy_ticket, letters.waiting(t)) == ("warga-siti", "submitted", 1,
                                                                                     None, True)


def test_linking_folds_what_si_makels_own_ticket_already_held_and_a_repeat_changes_nothing():
    t = opened()
    legacy = t.__class__(**{**t.__dict__, "ticket": "SIMAKEL-1", "owner": None, "timeline": (
        Step("submitted", "Diajukan", T0), Step("verified", "Diverifikasi", T0 + timedelta(minutes=5)))})
    event = LetterLinked(ticket=t.ticket, source_app="si-makel", source_ref="1", legacy_ticket="SIMAKEL-1",
                         linked_at=T0)
    new = letters.linked(t, legacy, event)
    assert ([s.status for s in new.timeline], new.status, new.legacy_ticket, new.revision) == (
        ["submitted", "verified"], "verified", "SIMAKEL-1", 2)
    assert not letters.waiting(new)
    assert letters.linked(new, None, event) is None


def test_a_refusal_ends_the_letter_with_the_reason_but_not_once_it_is_filed():
    t = opened()
    refusal = LetterRefused(ticket=t.ticket, source_app="si-makel", reason="Kelurahan Atlantis tidak dikenal",
                            refused_at=T0 + timedelta(seconds=3))
    new = letters.refused(t, refusal)
    assert (new.status, new.timeline[-1].note) == ("rejected", "Alasan: Kelurahan Atlantis tidak dikenal")
    assert letters.refused(new, refusal) is None
    filed = letters.linked(t, None, LetterLinked(ticket=t.ticket, source_app="si-makel", source_ref="1",
                                                 legacy_ticket="SIMAKEL-1", linked_at=T0))
    assert letters.refused(filed, refusal) is None


def test_si_makels_clock_behind_the_gates_does_not_make_its_move_look_older_than_the_filing():
    from palapa.contracts.events import ServiceRequestStatusChanged
    from palapa.tracking.domain import decide

    t = opened()
    behind = ServiceRequestStatusChanged(ticket="SIMAKEL-1", source_app="si-makel", source_ref="1", status="ready",
                                         changed_at=T0 - timedelta(minutes=4))  # a kelurahan PC minutes behind
    moved = decide(t, letters.redirected(behind, t))
    assert (moved.ticket, moved.status, moved.timeline[-1].at) == (t.ticket, "ready", T0)

"""Claiming a PSC 119 incident by the phone it was called from, without I/O: the caller's keyed hash comes with the
report (whenever it arrives), and only the phone account it is made of may claim the incident, once."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from palapa.contracts.events import AmbulanceDispatched, IncidentReported, ServiceRequestSubmitted
from palapa.contracts.phone import account_of, hash_of_account
from palapa.tracking.domain import decide, to_updated
from palapa.tracking.incident_claims import claim

T0 = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
KEY = b"k" * 32
CALLER = account_of("+6281234567890", KEY)
OTHER = account_of("+6281111111111", KEY)


def reported(caller: str | None = CALLER, minutes: int = 0) -> IncidentReported:
    return IncidentReported(ticket="PSC119-20461", source_app="psc-119", source_ref="20461",
                            reported_at=T0 + timedelta(minutes=minutes),
                            caller_phone_hash=hash_of_account(caller) if caller else None)


def dispatched() -> AmbulanceDispatched:
    return AmbulanceDispatched(ticket="PSC119-20461", source_app="psc-119", source_ref="20461",
                               dispatched_at=T0 + timedelta(minutes=3))


def test_the_report_keeps_the_callers_hash_but_the_public_view_never_shows_it():
    ticket = decide(None, reported())
    assert ticket.phone_hash == hash_of_account(CALLER)
    assert ticket.phone_hash not in to_updated(ticket).model_dump_json()


def test_a_report_arriving_after_the_dispatch_still_brings_the_callers_hash():
    ticket = decide(decide(None, dispatched()), reported())
    assert ticket.phone_hash == hash_of_account(CALLER)


def test_the_caller_claims_their_incident_and_claiming_again_changes_nothing():
    outcome, mine = claim(decide(None, reported()), CALLER)
    assert (outcome, mine.owner) == ("claimed", CALLER)
    assert claim(mine, CALLER) == ("claimed", None)


def test_another_number_and_an_unknown_ticket_get_the_same_answer():
    assert claim(decide(None, reported()), OTHER) == ("not_yours", None)
    assert claim(None, OTHER) == ("not_yours", None)


def test_an_incident_recorded_without_a_mobile_number_is_nobodys_to_claim():
    assert claim(decide(None, reported(caller=None)), CALLER) == ("not_yours", None)


def test_an_incident_another_account_owns_is_taken():
    _, theirs = claim(decide(None, reported()), CALLER)
    assert claim(theirs, "warga-" + "0" * 32) == ("not_yours", None)  # another number: still not theirs
    assert claim(replace(theirs, owner="warga-" + "1" * 32), CALLER) == ("taken", None)


def test_an_account_that_is_no_phone_account_cannot_claim_by_phone():
    assert claim(decide(None, reported()), "inapas-" + "a" * 32) == ("not_phone", None)


def test_a_letter_is_never_claimed_by_phone():
    letter = decide(None, ServiceRequestSubmitted(
        ticket="SIMAKEL-1", source_app="si-makel", source_ref="1", letter_type="SKD", letter_label="Domisili",
        status="submitted", submitted_at=T0))
    assert claim(letter, CALLER) == ("not_yours", None)

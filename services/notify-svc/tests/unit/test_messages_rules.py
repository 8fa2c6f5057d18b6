"""What the platform's events send, to whom, keyed by what they say."""

from datetime import UTC, datetime, timedelta

import pytest

from palapa.contracts.events import (
    CASE_STATUS_KIND,
    CASE_STATUS_LABELS,
    CaseStatus,
    ComplaintSubmittedV2,
    ComplaintUpdatedV2,
    SlaBreached,
    SlaStage,
    SlaWarning,
    TicketKind,
    TicketStep,
    TicketUpdated,
    TimelineEntryV2,
)
from palapa.contracts.identity import Identity
from palapa.notify.messages.catalogue import DEFAULT_TEMPLATES
from palapa.notify.messages.policy import CRITICAL_KINDS, Kind
from palapa.notify.messages.rules import (
    on_complaint_view,
    on_sla,
    on_submitted,
    on_ticket_view,
    reporter_addresses,
)
from palapa.notify.messages.templates import check_template, render

T0 = datetime(2026, 12, 1, 2, tzinfo=UTC)
URL = "https://lapor.kota.go.id"


def view(*statuses: CaseStatus, note: str | None = None) -> ComplaintUpdatedV2:
    timeline = tuple(TimelineEntryV2(status=s, label=CASE_STATUS_LABELS[s], at=T0 + timedelta(hours=i),
                                     note=note if i == len(statuses) - 1 else None) for i, s in enumerate(statuses))
    last = statuses[-1]
    return ComplaintUpdatedV2(ticket="LAPOR-9", revision=len(statuses), status=last, status_kind=CASE_STATUS_KIND[last],
                              status_label=CASE_STATUS_LABELS[last], opd="DPUPR", source_app="portal",
                              submitted_at=T0, updated_at=timeline[-1].at, timeline=timeline)


def submitted(**values) -> ComplaintSubmittedV2:
    return ComplaintSubmittedV2(ticket="LAPOR-9", source_app="portal", source_ref="9", description="Jalan berlubang",
                                submitted_at=T0, **values)


def test_every_default_template_is_valid_and_renders_with_what_its_rule_gives():
    templates = {t.id: check_template(t) for t in DEFAULT_TEMPLATES}
    intents = [*on_submitted(submitted(), URL), *on_complaint_view(view(CaseStatus.RECEIVED, CaseStatus.REJECTED,
                                                                        note="bukan aduan"), URL),
               *on_sla(SlaBreached(ticket="LAPOR-9", opd="DPUPR", stage=SlaStage.FOLLOW_UP, due_at=T0, level=2,
                                   escalated_to="Sekda", at=T0), "e1")]
    for intent in intents:
        assert render(templates[intent.template_id], intent.personalisation).body
    assert {t.kind for t in DEFAULT_TEMPLATES if t.critical} == CRITICAL_KINDS


def test_a_submitted_complaint_tells_its_reporter_the_ticket_and_the_ticket_page_without_a_private_link():
    [intent] = on_submitted(submitted(), URL, Identity(phone="0812"))
    assert (intent.kind, intent.personalisation, intent.secret) == (
        Kind.COMPLAINT_RECEIVED, {"ticket": "LAPOR-9", "link": "https://lapor.kota.go.id/?tiket=LAPOR-9"}, ())


def test_the_private_link_the_producer_sealed_is_sent_and_marked_secret():
    link = "https://lapor.kota.go.id/#tiket=LAPOR-9&kunci=" + "k" * 43
    [intent] = on_submitted(submitted(), URL, Identity(phone="0812", link=link))
    assert (intent.personalisation["link"], intent.secret) == (link, ("link",))


@pytest.mark.parametrize("link", ["javascript:alert(1)//#tiket=LAPOR-9", "https://x/#tiket=LAPOR-8&kunci=k",
                                  "https://x/#tiket=LAPOR-9&kunci=k\nklik", "https://x/#tiket=LAPOR-9 " + "k" * 300])
def test_a_sealed_link_that_is_not_this_tickets_web_link_is_not_sent(link):
    [intent] = on_submitted(submitted(), URL, Identity(phone="0812", link=link))
    assert (intent.personalisation["link"], intent.secret) == ("https://lapor.kota.go.id/?tiket=LAPOR-9", ())


def test_an_anonymous_reporter_has_no_contact_and_a_named_one_has_each_they_gave():
    assert reporter_addresses(submitted(confidentiality="anonymous"), Identity(phone="0812")) == []
    assert reporter_addresses(submitted(), None) == []
    assert reporter_addresses(submitted(), Identity(phone="0812", email="a@b.id")) == [
        ("whatsapp", "0812"), ("email", "a@b.id")]


def test_citizens_hear_of_forwarding_progress_resolution_with_a_rating_request_and_rejection_with_its_reason():
    r, d, p = CaseStatus.RECEIVED, CaseStatus.DISPOSITIONED, CaseStatus.IN_PROGRESS
    assert [i.kind for i in on_complaint_view(view(r, d), URL)] == [Kind.COMPLAINT_FORWARDED]
    assert [i.kind for i in on_complaint_view(view(r, d, p), URL)] == [Kind.COMPLAINT_IN_PROGRESS]
    [resolved] = on_complaint_view(view(r, d, p, CaseStatus.RESOLVED), URL)
    assert resolved.personalisation["link"].endswith("&nilai=1")
    [rejected] = on_complaint_view(view(r, CaseStatus.REJECTED, note="Bukan\nwewenang kota"), URL)
    assert rejected.personalisation["reason"] == "Bukan wewenang kota"
    assert on_complaint_view(view(r, CaseStatus.VERIFIED), URL) == []


def test_a_view_republished_says_the_same_cause_and_a_second_resolution_a_new_one():
    r, p, s = CaseStatus.RECEIVED, CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED
    first = on_complaint_view(view(r, p, s), URL)[0].cause
    assert on_complaint_view(view(r, p, s), URL)[0].cause == first
    assert on_complaint_view(view(r, p, s, CaseStatus.REOPENED, p, s), URL)[0].cause != first


def test_a_letter_ready_and_an_ambulance_dispatched_are_told():
    def ticket(kind, status):
        return TicketUpdated(ticket="T-1", revision=1, kind=kind, title="Surat Keterangan Domisili", status=status,
                             status_label=status, source_app="x", opened_at=T0, updated_at=T0,
                             timeline=(TicketStep(status=status, label=status, at=T0),))
    assert [i.kind for i in on_ticket_view(ticket(TicketKind.SERVICE_REQUEST, "ready"), URL)] == [Kind.LETTER_READY]
    assert [i.kind for i in on_ticket_view(ticket(TicketKind.INCIDENT, "dispatched"), URL)] == [
        Kind.AMBULANCE_DISPATCHED]
    assert on_ticket_view(ticket(TicketKind.SERVICE_REQUEST, "verified"), URL) == []


def test_sla_warnings_reach_the_opd_and_breaches_climb_to_sekda_and_wali_kota():
    warning = SlaWarning(ticket="L-1", opd="DPUPR", stage=SlaStage.FORWARD, due_at=T0, at=T0)
    assert [(i.audience, i.opd) for i in on_sla(warning, "w1")] == [("opd", "DPUPR")]
    breaches = [SlaBreached(ticket="L-1", opd="DPUPR", stage=SlaStage.FORWARD, due_at=T0, level=n,
                            escalated_to="x", at=T0) for n in (1, 2, 3, 4)]
    assert [(i.audience, i.opd) for b in breaches for i in on_sla(b, f"b{b.level}")] == [
        ("opd", "DPUPR"), ("sekda", ""), ("wali-kota", ""), ("wali-kota", "")]

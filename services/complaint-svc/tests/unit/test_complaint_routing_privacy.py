"""Routing as data, re-routing, possible duplicates, what each role sees, per-OPD figures (pure)."""

from datetime import UTC, datetime, timedelta

from palapa.complaint.cases.views import Role, case_view
from palapa.complaint.lifecycle.domain import Policy, open_case, recategorise, reporter_of
from palapa.complaint.lifecycle.duplicates import metres, original_of
from palapa.complaint.routing.domain import SEED_RULES, RoutingTable, Rule
from palapa.complaint.sla.report import figures, page
from palapa.complaint.sla.workdays import WorkCalendar
from palapa.contracts.events import ComplaintSubmittedV2
from palapa.contracts.identity import Identity

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
RULES = RoutingTable([*SEED_RULES, Rule("sampah", "UPT-KEBERSIHAN-MAGERSARI", kecamatan="magersari"),
                      Rule("sampah", "KELURAHAN-GEDONGAN", kelurahan="gedongan")])
POLICY = Policy(RULES, WorkCalendar().add_working_days)
IDENTITY = Identity(name="Siti Aminah", nik_masked="3576****0001", phone="081234567890", email="siti@example.id")


def submitted(ticket="PORTAL-1", category="Sampah", at=T0, **kw) -> ComplaintSubmittedV2:
    return ComplaintSubmittedV2(ticket=ticket, source_app="portal", source_ref=ticket, category=category,
                                description="Sampah menumpuk di depan rumah Bu Siti", submitted_at=at, **kw)


def test_the_most_specific_rule_wins_kelurahan_then_kecamatan_then_category():
    assert RULES.route("Sampah", "Gedongan", "Magersari") == "KELURAHAN-GEDONGAN"
    assert RULES.route("Sampah", "Kranggan", "Magersari") == "UPT-KEBERSIHAN-MAGERSARI"
    assert RULES.route("sampah ", None, None) == "DLH"
    assert RULES.route("Banjir / Drainase") == "DPUPR"
    assert RULES.route("Kucing hilang") == "DISKOMINFO"


def test_a_new_category_with_another_opd_reroutes_the_case_and_says_so():
    case = open_case(submitted(category="Sampah"), policy=POLICY)
    later = recategorise(case, "Jalan Rusak", T0 + timedelta(hours=1), policy=POLICY)
    assert (later.opd, later.category, later.revision, later.status) == ("DPUPR", "Jalan Rusak", 2, "received")
    assert later.timeline[-1].note == "Kategori diubah menjadi Jalan Rusak; dialihkan dari DLH ke DPUPR"
    same = recategorise(case, "Kebersihan", T0 + timedelta(hours=1), policy=POLICY)
    assert same.opd == "DLH" and same.timeline[-1].note == "Kategori diubah menjadi Kebersihan"
    assert recategorise(case, "Sampah", T0, policy=POLICY) is None


def test_an_anonymous_report_keeps_no_identity_and_a_confidential_one_hides_it_from_the_opd():
    anonymous = submitted(confidentiality="anonim")
    assert reporter_of(anonymous, IDENTITY) is None
    assert open_case(anonymous, policy=POLICY).confidentiality == "anonymous"
    confidential = submitted(confidentiality="rahasia")
    case, who = open_case(confidential, policy=POLICY), reporter_of(confidential, IDENTITY)
    assert case.confidentiality == "confidential" and who.name == "Siti Aminah"
    assert open_case(submitted(confidentiality="whatever"), policy=POLICY).confidentiality == "confidential"
    for role in (Role.PUBLIC, Role.OPD):
        text = repr(case_view(case, role, who))
        assert not any(v in text for v in ("Siti Aminah", "3576", "0812", "siti@")), role
    assert "description" not in case_view(case, Role.PUBLIC) and case_view(case, Role.OPD)["description"]
    assert case_view(case, Role.DESK, who)["reporter"]["phone"] == "081234567890"


def test_a_case_near_an_open_one_of_the_same_category_is_flagged_not_merged():
    first = open_case(submitted("PORTAL-1", latitude=-7.4706, longitude=112.4401), policy=POLICY)
    near = open_case(submitted("PORTAL-2", at=T0 + timedelta(hours=5), latitude=-7.4712, longitude=112.4405),
                     policy=POLICY)
    far = open_case(submitted("PORTAL-3", at=T0 + timedelta(hours=5), latitude=-7.4806, longitude=112.4401),
                    policy=POLICY)
    other = open_case(submitted("PORTAL-4", category="Jalan Rusak", latitude=-7.4706, longitude=112.4401),
                      policy=POLICY)
    late = open_case(submitted("PORTAL-5", at=T0 + timedelta(days=4), latitude=-7.4706, longitude=112.4401),
                     policy=POLICY)
    assert 70 < metres(-7.4706, 112.4401, -7.4712, 112.4405) < 90
    assert original_of(near, [first]) == "PORTAL-1"
    assert [original_of(c, [first]) for c in (far, other, late)] == [None, None, None]
    same_kelurahan = open_case(submitted("PORTAL-6", kelurahan="Gedongan"), policy=POLICY)
    again = open_case(submitted("PORTAL-7", at=T0 + timedelta(hours=1), kelurahan="GEDONGAN"), policy=POLICY)
    assert original_of(again, [same_kelurahan]) == "PORTAL-6"


def test_per_opd_figures_and_their_page():
    d = datetime(2026, 11, 1, tzinfo=UTC)
    rows = [("DLH", "resolved", d, d + timedelta(days=7), d + timedelta(hours=10), 5),
            ("DLH", "closed", d, d + timedelta(days=7), d + timedelta(days=9), 2),
            ("DLH", "received", d, d + timedelta(days=7), None, None),
            ("DPUPR", "in_progress", d, d + timedelta(days=7), None, None)]
    dlh, dpupr = figures(rows)
    assert (dlh.cases, dlh.resolved, dlh.on_time_rate, dlh.median_hours_to_resolve, dlh.average_rating) == (
        3, 2, 0.5, 113.0, 3.5)
    assert (dpupr.resolved, dpupr.on_time_rate, dpupr.average_rating) == (0, None, None)
    html = page([dlh, dpupr], d)
    assert "<svg" in html and "Persentase selesai tepat waktu" in html and "<script" not in html
    assert "http" not in html.replace("http://www.w3.org/2000/svg", "")

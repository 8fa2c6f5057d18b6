"""The staff workspace's on-time chart (pure geometry), its pages rendered from complaint-svc's shapes (no style
attribute or script the CSP would refuse), and what a session's roles let the pages offer."""

import re

from palapa.gate.staff import chart
from palapa.gate.staff.sessions import Sessions
from palapa.gate.staff.web import page
from palapa.kit.auth import Permission, Principal, Role

ON_TIME = {"until": "2026-12-07T12:00:00+00:00",
           "weeks": ["2026-11-09T12:00:00+00:00", "2026-11-16T12:00:00+00:00", "2026-11-23T12:00:00+00:00",
                     "2026-11-30T12:00:00+00:00"],
           "items": [{"opd": "DISHUB", "closed": 4, "on_time": 4, "rate": 1.0, "weeks": [
                         {"starts": "2026-11-30T12:00:00+00:00", "closed": 4, "on_time": 4, "rate": 1.0}]},
                     {"opd": "DLH", "closed": 3, "on_time": 2, "rate": 0.667, "weeks": [
                         {"starts": "2026-11-30T12:00:00+00:00", "closed": 3, "on_time": 2, "rate": 0.667}]},
                     {"opd": "<b>X</b>", "closed": 0, "on_time": 0, "rate": None, "weeks": []}]}


def session(*roles: Role):
    who = Principal("orang", frozenset(roles), claims={"name": "Orang"})
    return Sessions(idle_s=60, max_s=3600).open("token", {}, who, now=0, token_exp=3600)


def test_each_opd_gets_a_bar_as_long_as_its_rate_one_row_below_the_other():
    drawn = chart.layout(ON_TIME["items"])
    dishub, dlh, unknown = drawn.bars
    assert (dishub.length, dlh.length, unknown.length) == (chart.SCALE, round(chart.SCALE * 0.667), 0)
    assert [b.y for b in drawn.bars] == [chart.TOP, chart.TOP + chart.ROW, chart.TOP + 2 * chart.ROW]
    assert (dishub.text, dlh.text, unknown.text) == ("100% (4/4)", "66,7% (2/3)", "belum ada")
    assert (dishub.low, dlh.low, unknown.low) == (False, True, False)
    assert dlh.text_x == chart.LEFT + dlh.length + 6 and dishub.text_x + 100 < drawn.width
    assert [t.x for t in drawn.ticks] == [chart.LEFT + chart.SCALE * p // 100 for p in (0, 25, 50, 75, 100)]
    assert drawn.height >= chart.TOP + 3 * chart.ROW


def test_a_rate_outside_zero_to_one_or_not_a_number_never_draws_outside_the_chart():
    bars = chart.layout([{"opd": "A", "rate": 7}, {"opd": "B", "rate": -1}, {"opd": "C", "rate": "50%"}]).bars
    assert [b.length for b in bars] == [chart.SCALE, 0, 0]
    assert chart.layout([]).bars == () and chart.layout([]).height > chart.TOP


def test_the_kinerja_page_is_inline_svg_with_classes_only_and_a_table_escaping_what_it_shows():
    html = page("petugas_kinerja.html", who=session(Role.SEKDA), items=ON_TIME["items"], weeks=ON_TIME["weeks"],
                chart=chart.layout(ON_TIME["items"]), percent=chart.percent).body.decode()
    assert "<svg" in html and 'role="img"' in html and "<table>" in html
    assert not re.search(r"\sstyle=", html) and "<script" not in html
    assert "&lt;b&gt;X&lt;/b&gt;" in html and "<b>X</b>" not in html
    assert "66,7% (2/3)" in html and "Minggu mulai 30 November 2026" in html


def test_the_pages_offer_re_routing_to_the_desk_and_escalations_to_leaders_only():
    desk, sekda, officer = session(Role.DESK), session(Role.SEKDA), session(Role.OPD_OFFICER)
    assert desk.may(Permission.CASES_REROUTE) and not desk.may(Permission.ESCALATIONS_ACT)
    assert sekda.may(Permission.ESCALATIONS_ACT) and not sekda.may(Permission.CASES_REROUTE)
    assert not officer.may(Permission.CASES_REROUTE) and not officer.may(Permission.ESCALATIONS_ACT)
    case = {"ticket": "PORTAL-1", "status_kind": "open", "next_moves": [], "timeline": [], "escalation_level": 2}
    for who, reroute, instruct in ((desk, True, False), (sekda, False, True), (officer, False, False)):
        html = page("petugas_kasus.html", who=who, case=case, notice=None, may_reroute=who.may(
            Permission.CASES_REROUTE), may_instruct=who.may(Permission.ESCALATIONS_ACT)).body.decode()
        assert ("/alihkan" in html, "/arahan" in html) == (reroute, instruct)
        assert ('href="/petugas/eskalasi"' in html) == (who is not officer)


def test_the_queue_links_its_next_page_with_the_same_filters_and_the_cursor_complaint_svc_gave():
    filters = {"opd": "DLH", "status": "", "category": "", "kelurahan": "Kranggan", "overdue": ""}
    items = [{"ticket": "PORTAL-1", "due_at": None, "status_label": "Diterima"}]
    html = page("petugas.html", who=session(Role.DESK), filters=filters, items=items, refusal=None,
                following={"opd": "DLH", "kelurahan": "Kranggan", "cursor": "eyJ=x&y"}, paged=True).body.decode()
    assert 'href="/petugas?opd=DLH&amp;kelurahan=Kranggan&amp;cursor=eyJ%3Dx%26y" rel="next"' in html
    assert 'href="/petugas?kelurahan=Kranggan&amp;opd=DLH">Halaman pertama' in html
    last = page("petugas.html", who=session(Role.DESK), filters=filters, items=items, refusal=None, following=None,
                paged=False).body.decode()
    assert "Halaman berikutnya" not in last and "Halaman pertama" not in last

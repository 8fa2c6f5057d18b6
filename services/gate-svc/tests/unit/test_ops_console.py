"""The console's pure parts: the services' outbox addresses from the one list's link, times as the pages show
them; without a sign-in configured, /ops says so (503) and shows nothing."""

from datetime import UTC, datetime

import httpx

from palapa.gate.domain import bucket_for, waktu
from palapa.gate.main import create_app
from palapa.gate.ops.console import outbox_addresses
from palapa.gate.settings import GateSettings


def test_outbox_addresses_are_read_from_the_link_and_odd_parts_skipped():
    found = outbox_addresses("complaint-svc=http://complaint-svc:8101/ ops-svc=http://127.0.0.1:8113 bad=ftp://x =x")
    assert found == {"complaint-svc": "http://complaint-svc:8101", "ops-svc": "http://127.0.0.1:8113"}
    assert outbox_addresses("") == {}


def test_times_show_date_and_utc_clock():
    assert waktu("2026-12-07T14:05:03+07:00") == "7 Desember 2026 07:05:03 UTC"
    assert waktu(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2 Januari 2026 03:04:05 UTC"
    assert waktu(None) == waktu("kemarin") == "-"


def test_the_consoles_sign_in_is_limited_as_a_sign_in():
    assert bucket_for("GET", "/ops/masuk") == bucket_for("GET", "/ops/callback?code=x") == "signin"
    assert bucket_for("GET", "/ops") is None and bucket_for("POST", "/ops/dead-letters/1/discard") == "form"


async def test_without_a_sign_in_configured_the_console_is_closed():
    app = create_app(GateSettings(OIDC_ISSUER=None))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gate") as http:
        for path in ("/ops", "/ops/outbox", "/ops/masuk"):
            page = await http.get(path)
            assert page.status_code == 503 and "belum dikonfigurasi" in page.text


def test_the_lag_chart_draws_the_longest_lag_first_on_one_scale():
    from palapa.gate.ops.charts import lag_chart

    rows = [{"service": "a", "group": "g", "topic": "t", "partition": 0, "lag": 5, "stuck": False},
            {"service": "a", "group": "g", "topic": "t", "partition": 1, "lag": 20, "stuck": True},
            {"service": "b", "group": "h", "topic": "u", "partition": 0, "lag": 0, "stuck": False}]
    chart = lag_chart(rows)
    assert [b.value for b in chart.bars] == [20, 5, 0] and chart.top == 20
    assert chart.bars[0].width == chart.span and chart.bars[1].width == round(chart.span / 4)
    assert chart.bars[2].width == 0 and chart.bars[0].stuck and chart.bars[1].y > chart.bars[0].y
    assert lag_chart([]).bars == [] and lag_chart([{**rows[2]}]).bars[0].width == 0


def test_the_columns_chart_keeps_time_order_on_one_scale():
    from palapa.gate.ops.charts import columns_chart

    chart = columns_chart([("15", 2), ("16", 0), ("17", 8)])
    assert [c.value for c in chart.columns] == [2, 0, 8] and chart.top == 8
    assert chart.columns[2].height == chart.span and chart.columns[0].height == round(chart.span / 4)
    assert chart.columns[1].height == 0 and chart.columns[0].x < chart.columns[1].x < chart.columns[2].x
    assert columns_chart([]).columns == [] and columns_chart([("x", -3)]).columns[0].height == 0


def test_the_service_level_page_shows_breaches_escalations_and_the_rate_or_what_is_missing():
    from palapa.gate.ops.charts import columns_chart
    from palapa.gate.pages import TEMPLATES

    level = {"since": "2026-11-30T17:00:00+00:00", "breaches": [
        {"opd": "DLH", "cases": 2, "breaches": 5, "level_1": 2, "level_2": 2, "level_3": 1}],
        "escalations": [{"level": 3, "to": "WALIKOTA", "waiting": 1, "oldest_at": "2026-12-01T01:00:00+00:00"}]}
    html = TEMPLATES.get_template("ops_layanan.html").render(
        who=None, level=level, rate={"hours": []}, chart=columns_chart([("17", 3)]), last_hour=3, day=3,
        offsets={"topic": "dl", "listed_end": 283, "high_watermark": 286, "position": 286, "letters": 286,
                 "announcements": 286, "repeats": 0, "agrees": False, "differences": ["Tansu menjawab ListOffsets"]})
    assert "<td>283</td>" in html and "<li>Tansu menjawab ListOffsets</li>" in html and "berbeda" in html
    assert "DLH" in html and "WALIKOTA" in html and "1 Desember 2026 01:00:00 UTC" in html and "<rect" in html
    down = TEMPLATES.get_template("ops_layanan.html").render(
        who=None, level={"error": "complaint-svc tidak terjangkau"}, rate={"error": "HTTP 403"},
        chart=columns_chart([]), last_hour=None, day=0, offsets={"error": "HTTP 503"})
    assert "complaint-svc tidak terjangkau" in down and "ops-svc: HTTP 403" in down


def test_the_bridges_page_shows_each_bridges_last_reconcile_sweep():
    from palapa.gate.pages import TEMPLATES

    app = {"name": "Curhat Ning Ita", "bridge": "bridge-curhat", "liveness": "hidup", "last_heartbeat_at": None,
           "lag_seconds": 0.0, "rows_translated": 4, "quarantined": 0}
    html = TEMPLATES.get_template("ops_bridges.html").render(who=None, apps=[
        {**app, "legacy_mismatches": 3, "last_sweep_at": "2026-12-07T10:00:00+00:00"},
        {**app, "name": "PSC 119", "legacy_mismatches": None, "last_sweep_at": None}])
    assert "3 selisih dengan aplikasi legacy, 7 Desember 2026 10:00:00 UTC" in html and "belum ada sweep" in html


def test_lag_over_time_is_one_line_per_group_on_a_shared_time_axis_highest_peak_first():
    from palapa.gate.ops.charts import LINE_HEIGHT, lines_chart

    series = [{"group": "a", "topic": "t", "points": [
        {"at": "2026-12-07T10:00:00+00:00", "lag": 0}, {"at": "2026-12-07T11:00:00+00:00", "lag": 4}]},
        {"group": "b", "topic": "u", "points": [
            {"at": "2026-12-07T10:30:00+00:00", "lag": 10, "stuck": True}, {"at": "x", "lag": 3},
            {"at": "2026-12-07T11:00:00+00:00", "lag": "9"}]},
        {"group": "c", "topic": "v", "points": "nonsense"}]
    [b, a] = lines_chart(series)
    assert (b.label, b.top, b.last, b.stuck) == ("b u", 10, 10, True) and b.points == "300,4"
    assert a.points == f"0,{LINE_HEIGHT} 600,4" and (a.top, a.last, a.stuck) == (4, 4, False)
    assert lines_chart([]) == []


def test_the_consumers_page_says_when_lag_is_not_sampled_or_draws_its_lines():
    from palapa.gate.ops.charts import Line, lag_chart
    from palapa.gate.pages import TEMPLATES

    page = TEMPLATES.get_template("ops_consumers.html")
    off = page.render(who=None, services=[], chart=lag_chart([]), history={"sampling": False, "series": []}, lines=[])
    assert "sampler ops-svc tidak berjalan" in off
    drawn = page.render(who=None, services=[], chart=lag_chart([]), lines=[Line("g t", "0,60 600,4", 4, 4, False)],
                        history={"sampling": True, "every_s": 30.0, "series": []})
    assert '<polyline points="0,60 600,4"' in drawn and "g t: puncak 4, sekarang 4" in drawn

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

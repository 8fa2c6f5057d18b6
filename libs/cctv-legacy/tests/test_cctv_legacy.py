"""The simulated Dishub app keeps its cameras and serves them the legacy way."""

from datetime import datetime, timedelta

import httpx

from palapa.cctv_legacy.api import create_app
from palapa.cctv_legacy.cameras import Camera, Dishub, registry_entry


def cam(**kw) -> Camera:
    return Camera(id="CCTV-001", location="Alun-alun", lat=-7.47, lng=112.43, stream_url="http://a/1", **kw)


def test_registry_quirks_are_rendered_as_the_legacy_screens_type_them():
    assert registry_entry(cam(quirk="comma"))[0]["latitude"] == "-7,470000"
    swapped = registry_entry(cam(quirk="swapped"))[0]
    assert (swapped["latitude"], swapped["longitude"]) == ("112.430000", "-7.470000")
    assert len(registry_entry(cam(quirk="duplicate"))) == 2
    assert registry_entry(cam(quirk="dash_stream"))[0]["link_stream"] == "-"


def test_cameras_flip_and_their_check_time_is_on_the_skewed_clock():
    now = datetime(2026, 11, 26, 10, 0)
    dishub = Dishub(3, seed=1, quirk_ratio=0, clock_skew=timedelta(minutes=-4), now=lambda: now)
    flipped = dishub.set_online("CCTV-002", False)
    assert flipped.online is False and flipped.checked_at == datetime(2026, 11, 26, 9, 56)
    status = {r["kode_kamera"]: r for r in dishub.status()}
    assert status["CCTV-002"]["kondisi"] in ("OFFLINE", "0", "mati", "Offline", "OFF")
    assert status["CCTV-002"]["terakhir_cek"] == "26/11/2026 09:56:00"


async def test_the_api_serves_both_lists_and_answers_503_when_down():
    dishub = Dishub(2, seed=1, quirk_ratio=0)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(dishub)), base_url="http://dishub"
    ) as http:
        assert len((await http.get("/api/kamera")).json()["data"]) == 2
        assert "waktu_server" in (await http.get("/api/kamera/status")).json()
        dishub.down = True
        assert (await http.get("/api/kamera")).status_code == 503

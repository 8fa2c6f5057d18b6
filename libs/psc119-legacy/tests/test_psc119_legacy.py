"""The simulated PSC 119 app: its change feed pages with a cursor, its statuses move forward, its webhooks misbehave."""

from __future__ import annotations

import random
from datetime import datetime

import httpx
import pytest

from palapa.psc119_legacy.generate import OPEN, IncidentGenerator
from palapa.psc119_legacy.push import Pusher, signed
from palapa.psc119_legacy.store import BadTokenError, Store, seq_of, token

NOW = datetime(2026, 11, 26, 9, 0)


def test_the_feed_lists_each_incident_once_at_its_newest_version_in_change_order():
    store = Store(last_seq=0)
    for key in (1, 2, 3):
        store.save(key, {"id_insiden": key, "v": 1})
    store.save(1, {"id_insiden": 1, "v": 2})
    first = store.page(None, 2)
    assert [i["id_insiden"] for i in first["data"]] == [2, 3] and first["ada_lagi"]
    second = store.page(first["berikutnya"], 2)
    assert second["data"] == [{"id_insiden": 1, "v": 2}] and not second["ada_lagi"]
    assert store.page(second["berikutnya"], 2) == {"data": [], "berikutnya": second["berikutnya"], "ada_lagi": False}


@pytest.mark.parametrize("bad", ["", "x", token(5)[:-2] + "!!", "cHNjMTE5Ong"])
def test_a_token_the_app_did_not_hand_out_is_refused(bad):
    with pytest.raises(BadTokenError):
        seq_of(bad)
    assert seq_of(token(42)) == 42


def test_incidents_move_forward_until_closed():
    gen = IncidentGenerator(seed=7, broken_ratio=0)
    item = gen.incident(1, NOW)
    assert item["kode_status"] == "1" and item["nama_penelepon"] and item["telp_penelepon"].startswith("08")
    seen = ["1"]
    while (code := gen.next_status(seen[-1])) is not None:
        item = gen.move(item, code, NOW)
        seen.append(code)
    assert seen[-1] in {"S", "B", "TD"} and all(c in OPEN for c in seen[:-1])


def test_some_incidents_are_broken_as_the_real_app_breaks_them():
    gen = IncidentGenerator(seed=3, broken_ratio=1.0)
    items = [gen.incident(i, NOW) for i in range(40)]
    assert any(i["kode_status"] not in {"1"} for i in items) and any(i["id_insiden"] == "-" for i in items)


async def test_webhooks_are_signed_and_sometimes_twice_late_or_lost():
    sent: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert (request.headers["X-PSC119-Signature"]
                == signed(b"k" * 16, request.content, 1_800_000_000)["X-PSC119-Signature"])
        sent.append(request.content)
        return httpx.Response(200)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        twice = Pusher(client, "http://bridge/hook", b"k" * 16, random.Random(1),
                       duplicate_ratio=1, out_of_order_ratio=0, lost_ratio=0, clock=lambda: 1_800_000_000)
        await twice.changed(1, {"v": 1})
        assert len(sent) == 2 and sent[0] == sent[1]
        sent.clear()
        late = Pusher(client, "http://bridge/hook", b"k" * 16, random.Random(1),
                      duplicate_ratio=0, out_of_order_ratio=1, lost_ratio=0, clock=lambda: 1_800_000_000)
        await late.changed(1, {"v": 1})
        await late.changed(1, {"v": 2})
        assert [b'"v": 2' in s for s in sent] == [True, False]  # the older one after the newer
        lost = Pusher(client, "http://bridge/hook", b"k" * 16, random.Random(1),
                      duplicate_ratio=0, out_of_order_ratio=0, lost_ratio=1, clock=lambda: 1_800_000_000)
        await lost.changed(1, {"v": 3})
        assert len(sent) == 2 and lost.lost == 1


async def test_the_api_pages_incidents_with_its_cursor_and_refuses_a_foreign_one():
    from palapa.psc119_legacy.app import create_app
    from palapa.psc119_legacy.settings import LegacyAppSettings
    from palapa.testkit import running

    settings = LegacyAppSettings(incidents_per_minute=0, moves_per_minute=0, broken_ratio=0)
    async with running(create_app(settings), name="psc119") as svc:
        keys = [(await svc.http.post("/api/v1/insiden")).json()["kunci"] for _ in range(3)]
        moved = await svc.http.post(f"/api/v1/insiden/{keys[0]}/status", json={"kode_status": "2"})
        assert (moved.json()["data"]["kode_status"] == "2"
                and moved.json()["data"]["unit_ambulans"].startswith(("AMB", "PSC")))
        first = (await svc.http.get("/api/v1/insiden", params={"per_halaman": 2})).json()
        rest = (await svc.http.get("/api/v1/insiden", params={"per_halaman": 2, "setelah": first["berikutnya"]})).json()
        assert first["ada_lagi"] and not rest["ada_lagi"]
        assert ([str(i["id_insiden"]) for i in first["data"] + rest["data"]]
                == [str(k) for k in (keys[1], keys[2], keys[0])])
        foreign = await svc.http.get("/api/v1/insiden", params={"setelah": "bukan-token"})
        assert foreign.status_code == 400 and "tidak dikenal" in foreign.json()["pesan"]
        assert (await svc.http.post("/api/v1/insiden/1/status", json={"kode_status": "2"})).status_code == 404

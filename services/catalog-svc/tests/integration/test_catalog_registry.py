"""The registry on the real broker and PostgreSQL: edits and retirements kept as history and published as events."""

import pytest

from palapa.contracts.topics import CATALOG_APPS
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

CENSUS = ("No;Nama Aplikasi;OPD Pengelola;Alamat URL;Jenis Aplikasi;Sasaran Pengguna;Bidang Layanan;Status;Keterangan\n"
          "1;Sapa Warga;Diskominfo;;Layanan Publik;Masyarakat;Pengaduan;{status};\n")


async def catalog_events(reader, app_id, n):
    async def got():
        found = [r.envelope for r in reader.of(CATALOG_APPS) if r.key == app_id]
        return found if len(found) >= n else None

    return await eventually(got, what=f"{n} catalog events of {app_id}")


async def test_an_edit_is_kept_with_who_when_what_and_why_and_published(catalog, topic_reader):
    res = await catalog.http.patch("/apps/cek-pbb", json={
        "actor": "kominfo.sari", "reason": "Cek PBB masuk Wargaku (rapat 20 November)",
        "changes": {"kind": "layanan publik", "field": "Perizinan", "super_app": "wargaku"}})
    assert res.status_code == 200, res.text
    assert res.json()["changes"]["cluster"] == {"before": None, "after": "perizinan"}  # the cluster follows the field
    entry = (await catalog.http.get("/apps/cek-pbb")).json()
    assert (entry["super_app"], entry["cluster"], entry["field"]) == ("wargaku", "perizinan", "perizinan")
    history = (await catalog.http.get("/apps/cek-pbb/history")).json()["items"]
    assert [(h["revision"], h["action"], h["actor"]) for h in history] == [
        (2, "changed", "kominfo.sari"), (1, "registered", "catalog-svc")]
    assert history[0]["reason"] == "Cek PBB masuk Wargaku (rapat 20 November)"
    assert history[0]["changes"]["super_app"] == {"before": None, "after": "wargaku"}
    registered, changed = await catalog_events(topic_reader, "cek-pbb", 2)
    assert (registered.type, changed.type) == ("palapa.catalog.app_registered.v1", "palapa.catalog.app_changed.v1")
    assert changed.data.revision == 2 and changed.data.actor == "kominfo.sari"
    assert changed.data.changes["field"].model_dump() == {"before": "pajak", "after": "perizinan"}


#: (app, body) → (status, reason)
REFUSED = [
    (("cek-pbb", {"actor": "kominfo.budi", "reason": "x", "changes": {"name": "A"}}), (403, "actor_mismatch")),
    (("cek-pbb", {"actor": "sari@kominfo.go.id", "reason": "x", "changes": {"name": "A"}}), (422, "invalid_actor")),
    (("cek-pbb", {"actor": "3576010101010001", "reason": "x", "changes": {"name": "A"}}), (422, "invalid_actor")),
    (("cek-pbb", {"actor": "sari", "reason": "  ", "changes": {"name": "A"}}), (422, "invalid_reason")),
    (("cek-pbb", {"actor": "sari", "reason": "x\x00", "changes": {"name": "A"}}), (422, "invalid_reason")),
    (("cek-pbb", {"actor": "sari", "reason": "x", "changes": {"lifecycle": "pensiun"}}), (422, "use_retire")),
    (("cek-pbb", {"actor": "sari", "reason": "x", "changes": {"lifecycle": "mati"}}), (422, "invalid_lifecycle")),
    (("cek-pbb", {"actor": "sari", "reason": "x", "changes": {"app_id": "y"}}), (422, "unknown_field")),
    (("cek-pbb", {"actor": "sari", "reason": "x", "changes": {}}), (422, "empty_change")),
    (("cek-pbb", {"actor": "sari", "reason": "x", "changes": ["name"]}), (422, "invalid_changes")),
    (("cek-pbb", {"actor": "sari", "reason": "x", "changes": {"name": "Cek PBB"}}), (422, "no_change")),
    (("cek-pbb", {"actor": "sari", "reason": "x", "changes": {"super_app": "kantorku"}}), (422, "invalid_super_app")),
    (("cek-pbb", {"actor": "sari", "reason": "x", "changes": {"url": "javascript:alert(1)"}}), (422, "invalid_url")),
    (("cek-pbb", {"actor": "sari", "reason": "x", "changes": {"name": "a" * 5000}}), (422, "invalid_name")),
    (("cek-pbb", {"actor": "sari", "reason": "x", "changes": {"cluster": "pajak"}}), (422, "invalid_cluster")),
    (("cek-pbb", {"actor": "sari", "reason": "x", "changes": {"bridge": "../x"}}), (422, "invalid_bridge")),
    (("cek-pbb", {"actor": "sari", "reason": "x", "changes": {"audience": ["warga"]}}), (422, "invalid_audience")),
    (("hilang", {"actor": "sari", "reason": "x", "changes": {"name": "A"}}), (404, "unknown_app")),
    (("BAD ID", {"actor": "sari", "reason": "x", "changes": {"name": "A"}}), (422, "malformed_app_id")),
]


async def test_every_bad_edit_is_refused_with_its_reason_and_changes_nothing(catalog, sign_in):
    await sign_in(catalog, "sari")
    wrong = []
    for (app_id, body), (status, reason) in REFUSED:
        res = await catalog.http.patch(f"/apps/{app_id}", json=body)
        if (res.status_code, res.json().get("reason")) != (status, reason) or not res.json().get("detail"):
            wrong.append(f"{app_id} {body}: {res.status_code} {res.text[:160]}")
    for raw in (b"not json", b"[1]", b"\xff\xfe", b"{" * 100_000):
        res = await catalog.http.patch("/apps/cek-pbb", content=raw)
        if res.status_code not in (413, 422) or not res.json().get("reason"):
            wrong.append(f"{raw[:20]!r}: {res.status_code} {res.text[:160]}")
    assert wrong == []
    history = (await catalog.http.get("/apps/cek-pbb/history")).json()["items"]
    assert [h["action"] for h in history] == ["registered"]


async def test_retiring_needs_a_person_and_a_reason_and_happens_once(catalog, topic_reader, sign_in):
    await sign_in(catalog, "bagpem.andi")
    refused = await catalog.http.post("/apps/si-makel/retire", json={"actor": "bagpem.andi"})
    assert (refused.status_code, refused.json()["reason"]) == (422, "invalid_reason")
    res = await catalog.http.post("/apps/si-makel/retire",
                                  json={"actor": "bagpem.andi", "reason": "Dilebur ke Kantorku"})
    assert res.status_code == 200, res.text
    assert res.json()["changes"]["lifecycle"] == {"before": "aktif", "after": "pensiun"}
    again = await catalog.http.post("/apps/si-makel/retire", json={"actor": "bagpem.andi", "reason": "lagi"})
    assert (again.status_code, again.json()["reason"]) == (409, "already_retired")
    entry = (await catalog.http.get("/apps/si-makel")).json()
    assert entry["lifecycle"] == "pensiun"
    events = await catalog_events(topic_reader, "si-makel", 2)
    retired = events[-1].data
    assert (retired.event_type, retired.previous_lifecycle, retired.actor, retired.revision) == (
        "palapa.catalog.app_retired.v1", "aktif", "bagpem.andi", 2)
    history = (await catalog.http.get("/apps/si-makel/history", params={"limit": 1})).json()
    assert [h["action"] for h in history["items"]] == ["retired"] and history["next_before"] == 2
    older = (await catalog.http.get("/apps/si-makel/history", params={"before": 2})).json()
    assert [h["action"] for h in older["items"]] == ["registered"] and older["next_before"] is None


async def test_the_census_import_keeps_history_and_a_reimport_never_unretires(catalog, topic_reader):
    first = (await catalog.http.post("/census", params={"actor": "kominfo.sari", "reason": "Sensus 2026"},
                                     content=CENSUS.format(status="Aktif").encode())).json()
    assert (first["inserted"], first["changed"]) == (1, 1)
    app_id = (await catalog.http.get("/apps", params={"q": "Sapa Warga"})).json()["items"][0]["app_id"]
    same = (await catalog.http.post("/census", content=CENSUS.format(status="Aktif").encode())).json()
    assert (same["updated"], same["changed"]) == (1, 0)  # nothing differs: no history row, no event
    dead = (await catalog.http.post("/census", content=CENSUS.format(status="Tidak Aktif").encode())).json()
    assert dead["changed"] == 1
    history = (await catalog.http.get(f"/apps/{app_id}/history")).json()["items"]
    # the import without ?actor= is recorded under the signed-in account too
    assert [(h["action"], h["actor"]) for h in history] == [("changed", "kominfo.sari"), ("registered", "kominfo.sari")]
    assert history[0]["changes"]["lifecycle"] == {"before": "aktif", "after": "dorman"}
    assert history[0]["changes"]["super_app"] == {"before": "wargaku", "after": None}
    res = await catalog.http.post(f"/apps/{app_id}/retire", json={"actor": "kominfo.sari", "reason": "Server mati"})
    assert res.status_code == 200
    await catalog.http.post("/census", content=CENSUS.format(status="Aktif").encode())
    assert (await catalog.http.get(f"/apps/{app_id}")).json()["lifecycle"] == "pensiun"
    await catalog_events(topic_reader, app_id, 3)
    bad = await catalog.http.post("/census", params={"actor": "a b"}, content=CENSUS.format(status="Aktif").encode())
    assert (bad.status_code, bad.json()["reason"]) == (422, "invalid_actor")


async def test_two_dormancy_checks_at_once_mark_a_silent_app_once(catalog):
    """Replicas checking together take turns under the registry lock; the second finds nothing left to do."""
    import asyncio
    from datetime import UTC, datetime, timedelta

    from palapa.catalog.liveness import dormancy

    # a check now begins watching curhat-ning-ita (the start's own check may not have run yet on a busy machine)
    assert await dormancy.check(catalog.runtime, timedelta(days=30), datetime.now(UTC)) == []
    later = datetime.now(UTC) + timedelta(days=31)
    marked = await asyncio.gather(*(dormancy.check(catalog.runtime, timedelta(days=30), later) for _ in range(3)))
    assert sorted(map(tuple, marked)) == [(), (), ("curhat-ning-ita",)]
    history = (await catalog.http.get("/apps/curhat-ning-ita/history")).json()["items"]
    assert [h["action"] for h in history] == ["marked_dormant", "registered"]
    assert history[0]["evidence"]["threshold_days"] == 30
    # a person declares it active: the dormancy clock starts again from now
    res = await catalog.http.patch("/apps/curhat-ning-ita", json={
        "actor": "kominfo.sari", "reason": "Masih dipakai warga", "changes": {"lifecycle": "aktif"}})
    assert res.json()["changes"] == {"lifecycle": {"before": "dorman", "after": "aktif"}}
    assert await dormancy.check(catalog.runtime, timedelta(days=30), datetime.now(UTC) + timedelta(days=29)) == []
    entry = (await catalog.http.get("/apps/curhat-ning-ita")).json()
    assert (entry["lifecycle"], entry["dormancy"]["candidate"], entry["dormancy"]["evidence"]) == ("aktif", False, None)

"""PSC 119 incidents in "Kasus saya": offered to the citizen signed in with the number the call came from, claimed
with a button (CSRF), then listed with status and what happens next, and opened on their own page; tracking-svc
answers in its shapes (a fake keyed by the citizen token's subject), so nobody else's incident is ever shown."""

import httpx
import pytest

from palapa.gate.main import create_app
from palapa.gate.settings import GateSettings

from .test_citizen_pages import Services, account, csrf_of, sign_in

INCIDENT = {"ticket": "PSC119-20461", "kind": "incident", "title": "Gawat darurat PSC 119: persalinan",
            "status": "dispatched", "status_label": "Ambulans berangkat", "place": "Kelurahan Kranggan",
            "source_app": "psc-119", "opened_at": "2026-12-07T03:00:00Z", "updated_at": "2026-12-07T03:05:00Z",
            "revision": 2, "timeline": [
                {"status": "reported", "label": "Laporan diterima", "at": "2026-12-07T03:00:00Z", "note": None},
                {"status": "dispatched", "label": "Ambulans berangkat", "at": "2026-12-07T03:05:00Z", "note": None}]}


class WithIncidents(Services):
    """Services plus tracking-svc's /citizen/incidents: the caller's account is offered the incident, once."""

    def __init__(self) -> None:
        super().__init__()
        self.called: dict[str, list[dict]] = {}  # account → incidents called in from its number, unclaimed
        self.incidents: dict[str, list[dict]] = {}  # account → its incidents
        self.taken: set[str] = set()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if not path.startswith("/citizen/incidents"):
            return super().__call__(request)
        who = self.subject(request)
        if path == "/citizen/incidents":
            return httpx.Response(200, json={"items": self.incidents.get(who, [])})
        if path == "/citizen/incidents/claimable":
            return httpx.Response(200, json={"items": self.called.get(who, [])})
        ticket = path.split("/")[3]
        if ticket in self.taken:
            return httpx.Response(409, json={"reason": "claimed_by_another", "detail": "sudah terhubung"})
        offered = self.called.get(who, [])
        if not any(i["ticket"] == ticket for i in offered):
            return httpx.Response(404, json={"reason": "not_claimable", "detail": "tidak tercatat"})
        offered[:] = [i for i in offered if i["ticket"] != ticket]
        self.incidents.setdefault(who, []).append(dict(INCIDENT))
        return httpx.Response(200, json={"ticket": ticket})


@pytest.fixture
async def gate():
    services = WithIncidents()
    app = create_app(GateSettings(notify_api_key="kunci-gerbang"), transport=httpx.MockTransport(services))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gate") as http:
            services.jwks = (await http.get("/.well-known/jwks.json")).json()
            yield http, services


async def test_an_incident_called_in_from_the_citizens_number_is_claimed_and_shows_its_status_and_next_step(gate):
    http, services = gate
    caller = account("+6281234567890")
    services.called[caller] = [dict(INCIDENT)]
    await sign_in(http, services)
    page = await http.get("/kasus")
    assert "Kejadian darurat dari nomor Anda di PSC 119" in page.text and 'data-claimable="PSC119-20461"' in page.text
    assert 'action="/kasus/klaim-darurat"' in page.text and "81234567890" not in page.text
    assert caller[6:] not in page.text
    forged = await http.post("/kasus/klaim-darurat", data={"tiket": "PSC119-20461"})  # no CSRF token
    assert forged.status_code == 403 and services.called[caller]
    claimed = await http.post("/kasus/klaim-darurat", data={"csrf": csrf_of(page), "tiket": "PSC119-20461"})
    assert claimed.status_code == 303 and claimed.headers["location"] == "/kasus?notice=klaim-darurat"
    listed = await http.get(claimed.headers["location"])
    assert "Kejadian darurat sudah ditambahkan" in listed.text and 'data-claimable=' not in listed.text
    assert 'data-live="darurat"' in listed.text and 'data-ticket="PSC119-20461"' in listed.text
    assert "Ambulans berangkat" in listed.text and "Ambulans dalam perjalanan ke lokasi kejadian." in listed.text
    one = await http.get("/kasus/PSC119-20461")
    assert one.status_code == 200 and 'data-tiket="PSC119-20461"' in one.text and "/aset/kasus.js" in one.text
    assert "Laporan diterima" in one.text and "Ambulans dalam perjalanan" in one.text and 'href="tel:119"' in one.text


async def test_another_citizen_sees_and_opens_nothing_and_cannot_claim_it(gate):
    http, services = gate
    services.called[account("+6281234567890")] = [dict(INCIDENT)]
    await sign_in(http, services, "0812 9999 7890")
    page = await http.get("/kasus")
    assert "PSC119-20461" not in page.text and "Kejadian darurat" not in page.text
    assert (await http.get("/kasus/PSC119-20461")).status_code == 404
    refused = await http.post("/kasus/klaim-darurat", data={"csrf": csrf_of(page), "tiket": "PSC119-20461"})
    assert refused.status_code == 404 and "tidak dilaporkan dari nomor HP Anda" in refused.text
    services.taken.add("PSC119-20461")
    taken = await http.post("/kasus/klaim-darurat", data={"csrf": csrf_of(page), "tiket": "PSC119-20461"})
    assert taken.status_code == 409 and "akun lain" in taken.text
    for bad in ("<script>", "CURHAT-1042"):  # not an incident's ticket: refused before asking anyone
        answer = await http.post("/kasus/klaim-darurat", data={"csrf": csrf_of(page), "tiket": bad})
        assert answer.status_code == 422 and "<script>" not in answer.text
    http.cookies.clear()
    stranger = await http.post("/kasus/klaim-darurat", data={"csrf": csrf_of(page), "tiket": "PSC119-20461"})
    assert stranger.status_code == 303 and stranger.headers["location"] == "/masuk"
    assert services.incidents == {}

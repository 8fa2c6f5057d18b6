"""A signed-in citizen requests a kelurahan letter at the gate and finds it in "Kasus saya"; tracking-svc answers in
its shapes (a fake keyed by the citizen token's subject), so nobody else's letter is ever shown."""

import asyncio
import json

import httpx
import pytest

from palapa.gate.main import create_app
from palapa.gate.settings import GateSettings

from .test_citizen_pages import Services, csrf_of, sign_in

FORM = {"jenis": "SKD", "kelurahan": "Kranggan", "nama": "Siti Aminah", "nik": "3576014101900001",
        "hp": "0812 3456 7890", "keperluan": "Membuka rekening"}


class WithLetters(Services):
    """Services plus tracking-svc's /citizen/letters."""

    def __init__(self) -> None:
        super().__init__()
        self.letters: dict[str, list[dict]] = {}
        self.bodies: list[dict] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if not path.startswith("/citizen/letters"):
            return super().__call__(request)
        mine = self.letters.setdefault(self.subject(request), [])
        if request.method == "POST":
            body = json.loads(request.content)
            self.bodies.append(body)
            if len(body["nik"]) != 16:
                return httpx.Response(422, json={"reason": "invalid_letter", "detail": "NIK harus 16 angka, sesuai "
                                                                                       "KTP-el."})
            letter = {"ticket": f"SURAT-{'A' * 19}{len(self.bodies)}", "title": body["letter_label"],
                      "status": "submitted", "status_label": "Diajukan", "place": "Kelurahan Kranggan",
                      "opened_at": "2026-12-07T03:00:00Z", "waiting_for_legacy": True, "legacy_ticket": None,
                      "timeline": [{"status": "submitted", "label": "Diajukan lewat Palapa",
                                    "at": "2026-12-07T03:00:00Z", "note": None}]}
            mine.append(letter)
            return httpx.Response(201, json=letter)
        if path == "/citizen/letters":
            return httpx.Response(200, json={"items": mine})
        found = [x for x in mine if x["ticket"] == path.rsplit("/", 1)[1]]
        return httpx.Response(200, json=found[0]) if found else httpx.Response(
            404, json={"reason": "unknown_ticket", "detail": "Surat ini tidak ada di akun Anda"})


@pytest.fixture
async def gate():
    services = WithLetters()
    app = create_app(GateSettings(notify_api_key="kunci-gerbang"), transport=httpx.MockTransport(services))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gate") as http:
            services.jwks = (await http.get("/.well-known/jwks.json")).json()
            yield http, services


async def test_a_signed_in_citizen_requests_a_letter_and_finds_it_in_kasus_saya(gate):
    http, services = gate
    signed_out = await http.get("/surat?layanan=surat-domisili")
    assert 'data-testid="perlu-masuk"' in signed_out.text and "<form" not in signed_out.text.split("</header>")[-1]
    await sign_in(http, services)
    page = await http.get("/surat?layanan=surat-domisili")
    assert '<option value="SKD" selected>' in page.text and page.headers["cache-control"] == "no-store"
    sent = await http.post("/surat", data={"csrf": csrf_of(page), **FORM})
    assert sent.status_code == 303 and sent.headers["location"].startswith("/kasus/SURAT-")
    assert services.bodies[-1] == {"letter_type": "SKD", "letter_label": "Surat Keterangan Domisili",
                                   "kelurahan": "Kranggan", "kecamatan": "Kranggan", "purpose": "Membuka rekening",
                                   "name": "Siti Aminah", "nik": "3576014101900001", "phone": "0812 3456 7890"}
    one = await http.get(sent.headers["location"])
    assert one.status_code == 200 and "Surat Keterangan Domisili" in one.text and "belum tercatat" in one.text
    assert "Sedang dicatat di Si Makel" in one.text and "3576014101900001" not in one.text
    listed = await http.get("/kasus")
    assert 'data-testid="surat"' in listed.text and sent.headers["location"].split("/")[-1] in listed.text


async def test_a_letter_form_without_csrf_or_with_bad_choices_sends_nothing_and_says_why(gate):
    http, services = gate
    await sign_in(http, services)
    page = await http.get("/surat")
    assert (await http.post("/surat", data=FORM)).status_code == 403
    bad = await http.post("/surat", data={"csrf": csrf_of(page), **FORM, "kelurahan": "Atlantis"})
    assert bad.status_code == 422 and "Pilih kelurahan" in bad.text
    short = await http.post("/surat", data={"csrf": csrf_of(page), **FORM, "nik": "123"})
    assert short.status_code == 422 and "NIK harus 16 angka" in short.text
    assert [b["nik"] for b in services.bodies] == ["123"]  # only the well-formed choices reached tracking-svc


async def test_another_citizens_letter_reads_as_not_in_your_account(gate):
    http, services = gate
    await sign_in(http, services)
    page = await http.get("/surat")
    ticket = (await http.post("/surat", data={"csrf": csrf_of(page), **FORM})).headers["location"].split("/")[-1]
    await http.post("/keluar", data={"csrf": csrf_of(await http.get("/kasus"))})
    await sign_in(http, services, "0812 9999 7890")  # another number (same mask)
    other = await http.get(f"/kasus/{ticket}")
    assert other.status_code == 404 and "tidak ada di akun Anda" in other.text


def kunci_of(page: httpx.Response) -> str:
    return page.text.split('name="kunci" value="', 1)[1].split('"', 1)[0]


async def test_a_double_clicked_letter_request_makes_one_letter_and_both_clicks_land_on_it(gate):
    http, services = gate
    await sign_in(http, services)
    page = await http.get("/surat?layanan=surat-domisili")
    sent = {"csrf": csrf_of(page), "kunci": kunci_of(page), **FORM}
    together = await asyncio.gather(http.post("/surat", data=sent), http.post("/surat", data=sent))
    again = await http.post("/surat", data=sent)  # a resend later: the same letter too
    places = {a.headers["location"] for a in (*together, again)}
    assert len(places) == 1 and len(services.bodies) == 1 and all(a.status_code == 303 for a in (*together, again))
    another = await http.get("/surat?layanan=surat-domisili")  # a new rendering of the form: a new letter
    assert kunci_of(another) != sent["kunci"]
    second = await http.post("/surat", data={**sent, "kunci": kunci_of(another)})
    assert second.headers["location"] not in places and len(services.bodies) == 2


async def test_a_refused_request_is_not_remembered_so_the_corrected_form_goes_through(gate):
    http, services = gate
    await sign_in(http, services)
    page = await http.get("/surat")
    sent = {"csrf": csrf_of(page), "kunci": kunci_of(page), **FORM}
    refused = await http.post("/surat", data={**sent, "nik": "123"})  # tracking-svc says why
    assert refused.status_code == 422
    fixed = await http.post("/surat", data=sent)
    assert fixed.status_code == 303 and len(services.bodies) == 2


async def test_a_form_key_is_remembered_by_its_session_only(gate):
    http, services = gate
    await sign_in(http, services)
    page = await http.get("/surat")
    sent = {"csrf": csrf_of(page), "kunci": kunci_of(page), **FORM}
    mine = (await http.post("/surat", data=sent)).headers["location"]
    http.cookies.clear()
    await sign_in(http, services)
    theirs = await http.post("/surat", data={**sent, "csrf": csrf_of(await http.get("/surat"))})
    assert theirs.status_code == 303 and theirs.headers["location"] != mine  # nothing of another session's


async def test_kasus_saya_loads_its_one_script_from_the_gate_and_says_changes_politely(gate):
    http, services = gate
    await sign_in(http, services)
    sent = await http.post("/surat", data={"csrf": csrf_of(await http.get("/surat")), **FORM})
    for path in ("/kasus", sent.headers["location"]):
        page = (await http.get(path)).text
        assert page.count("<script") == 1 and '<script src="/aset/kasus.js" defer></script>' in page  # no inline
        assert 'data-aliran="/kasus/aliran"' in page and 'aria-live="polite"' in page and 'data-live="' in page
    script = await http.get("/aset/kasus.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "script-src 'self'" in script.headers["content-security-policy"] and "EventSource" in script.text

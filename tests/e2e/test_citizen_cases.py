"""Citizens sign in at the gate and find their cases in "Kasus saya" (issue 20), on the shared platform: Caddy,
gate-svc, complaint-svc, notify-svc and the message providers' simulators as their own processes.

In Chromium, on a desktop and a 375-px phone: sign in by phone with the code read from the simulated WhatsApp (or
SMS), file a complaint, see it in "Kasus saya"; axe-core on the new pages. Over HTTP, as attackers: another
citizen, a stranger guessing PINs, a forged or expired citizen token, a form from elsewhere (CSRF)."""

from __future__ import annotations

import re
import secrets
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import pytest_asyncio
from joserfc import jwt
from playwright.async_api import expect

from palapa.kit.signing import generate
from palapa.testkit import eventually

from .browsing import chromium_page, needs_chromium
from .conftest import CITIZEN_KEY

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}
CODE = re.compile(r"\b(\d{6})\b")

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]


def new_number() -> str:
    return "0812" + f"{secrets.randbelow(10**8):08d}"


async def code_sent_to(platform, number: str) -> str:
    """The newest one-time code the simulated WhatsApp (or, after a fallback, SMS) received for `number`."""
    international = "+62" + number[1:]
    wa = f"http://127.0.0.1:{platform.ports['sim-whatsapp']}/_sim/messages"
    sms = f"http://127.0.0.1:{platform.ports['sim-sms']}/_sim/messages"

    async def found():
        async with httpx.AsyncClient(timeout=5) as http:
            texts = [" ".join([*(m.get("params") or []), m.get("text") or ""])
                     for m in (await http.get(wa, params={"to": international})).json()["messages"]]
            texts += [m.get("message") or "" for m in (await http.get(sms)).json()["messages"]
                      if m.get("msisdn") == international.lstrip("+")]
        codes = [m.group(1) for t in texts if (m := CODE.search(t))]
        return codes[-1] if codes else None

    return await eventually(found, timeout=60, interval=0.5, what=f"a one-time code sent to {number}")


def csrf_of(page: httpx.Response) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


async def signed_in(platform, http: httpx.AsyncClient) -> str:
    """Sign `http` in with a new number through the gate; the number."""
    number = new_number()
    form = await http.get("/masuk")
    sent = await http.post("/masuk", data={"csrf": csrf_of(form), "hp": number})
    assert sent.status_code == 303, sent.text
    code = await code_sent_to(platform, number)
    done = await http.post("/masuk/kode", data={"csrf": csrf_of(form), "kode": code})
    assert done.status_code == 303 and done.headers["location"] == "/kasus", done.text
    return number


async def file_complaint(http: httpx.AsyncClient) -> dict:
    answer = await http.post("/complaints", headers={"Idempotency-Key": secrets.token_hex(16)}, json={
        "kategori": "jalan-rusak", "uraian": "Lubang besar di depan SDN Kranggan 2, membahayakan pengendara",
        "kelurahan": "Kranggan", "anonim": True})
    assert answer.status_code == 201, answer.text
    return answer.json()


async def listed(http: httpx.AsyncClient, ticket: str) -> bool:
    return ticket in (await http.get("/kasus")).text


@pytest_asyncio.fixture(loop_scope="session")
async def citizen(platform):
    async with httpx.AsyncClient(base_url=platform.gate.url, timeout=15) as http:
        await signed_in(platform, http)
        yield http


@pytest_asyncio.fixture(loop_scope="session")
async def stranger(platform):
    async with httpx.AsyncClient(base_url=platform.gate.url, timeout=15) as http:
        await signed_in(platform, http)
        yield http


async def test_a_complaint_filed_while_signed_in_is_in_kasus_saya_and_no_one_elses(platform, citizen, stranger):
    receipt = await file_complaint(citizen)
    await eventually(lambda: listed(citizen, receipt["ticket"]), what="the complaint in Kasus saya")
    assert receipt["ticket"] not in (await stranger.get("/kasus")).text
    assert (await stranger.get(f"/kasus/{receipt['ticket']}")).status_code == 404

    async def opened():
        return "Lubang besar" in (await citizen.get(f"/kasus/{receipt['ticket']}")).text

    await eventually(opened, timeout=60, interval=0.5, what="the case's page, with what the citizen wrote")
    page = await stranger.get("/kasus")
    claim = await stranger.post("/kasus/klaim", data={"csrf": csrf_of(page), "tiket": receipt["ticket"],
                                                      "pin": receipt["pin"]})
    assert claim.status_code == 409 and "akun lain" in claim.text  # even with the PIN: it is someone's already
    assert receipt["ticket"] not in (await stranger.get("/kasus")).text


async def test_a_case_filed_anonymously_is_claimed_by_ticket_and_pin(platform, citizen):
    async with httpx.AsyncClient(base_url=platform.gate.url, timeout=15) as anonymous:
        receipt = await file_complaint(anonymous)
    page = await citizen.get("/kasus")
    assert receipt["ticket"] not in page.text
    claimed = await citizen.post("/kasus/klaim", data={"csrf": csrf_of(page), "tiket": receipt["ticket"],
                                                       "pin": receipt["pin"]})
    assert claimed.status_code == 303, claimed.text
    assert receipt["ticket"] in (await citizen.get(claimed.headers["location"])).text


async def test_five_wrong_pins_lock_a_claim_and_an_unknown_ticket_answers_the_same(platform, citizen):
    async with httpx.AsyncClient(base_url=platform.gate.url, timeout=15) as anonymous:
        receipt = await file_complaint(anonymous)
    wrong = f"{(int(receipt['pin']) + 1) % 1_000_000:06d}"
    csrf = csrf_of(await citizen.get("/kasus"))
    answers = [await citizen.post("/kasus/klaim", data={"csrf": csrf, "tiket": receipt["ticket"], "pin": wrong})
               for _ in range(4)]
    unknown = await citizen.post("/kasus/klaim", data={"csrf": csrf, "tiket": "LAPOR-AAAA-BBBB-CCCC-DDDD",
                                                       "pin": receipt["pin"]})
    assert {a.status_code for a in answers} == {403} and unknown.status_code == 403
    assert "PIN salah" in unknown.text
    locked = await citizen.post("/kasus/klaim", data={"csrf": csrf, "tiket": receipt["ticket"], "pin": wrong})
    assert locked.status_code == 429
    right = await citizen.post("/kasus/klaim", data={"csrf": csrf, "tiket": receipt["ticket"], "pin": receipt["pin"]})
    assert right.status_code == 429 and receipt["ticket"] not in (await citizen.get("/kasus")).text


async def test_a_tax_bill_followed_by_nop_is_in_kasus_saya_and_not_in_another_citizens(platform, citizen, stranger):
    csrf = csrf_of(await citizen.get("/kasus"))
    followed = await citizen.post("/kasus/pbb", data={"csrf": csrf, "nop": "35.76.010.001.000-0099.0"})
    assert followed.status_code == 303, followed.text
    assert 'data-nop="357601000100000990"' in (await citizen.get("/kasus")).text
    assert "data-nop=" not in (await stranger.get("/kasus")).text


async def test_a_claim_or_sign_out_from_another_site_is_refused(platform, citizen):
    page = await citizen.get("/kasus")
    forged = await citizen.post("/kasus/klaim", data={"tiket": "LAPOR-AAAA-BBBB-CCCC-DDDD", "pin": "123456"})
    assert forged.status_code == 403 and "CSRF" in forged.text
    assert (await citizen.post("/keluar", data={"csrf": "dipalsukan"})).status_code == 403
    assert (await citizen.get("/kasus")).status_code == 200 and csrf_of(page)


async def test_a_citizen_signs_in_through_the_inapas_shaped_provider(platform):
    """Level 3: the stack's OpenID Connect provider plays INApas (any seeded or new subject signs in there)."""
    async with httpx.AsyncClient(base_url=platform.gate.url, timeout=15) as http:
        start = await http.get("/masuk/inapas")
        assert start.status_code == 303
        query = parse_qs(urlsplit(start.headers["location"]).query)
        assert query["code_challenge_method"] == ["S256"] and query["client_id"] == ["palapa-warga"]
        async with httpx.AsyncClient() as browser:  # the provider's own form, as a person would submit it
            answer = await browser.post(start.headers["location"], data={"sub": "warga-inapas-3576"})
        back = urlsplit(answer.headers["location"])
        assert answer.status_code == 302 and back.path == "/masuk/inapas/kembali"
        replayed = f"{back.path}?{back.query}"
        done = await http.get(replayed)
        assert (done.status_code, done.headers["location"]) == (303, "/kasus")
        assert (await http.get("/kasus")).status_code == 200
        assert (await http.get(replayed)).status_code == 400  # a state is used once


async def test_citizen_tokens_forged_expired_or_for_another_audience_are_refused_by_complaint_svc(platform):
    complaint = f"http://127.0.0.1:{platform.ports['complaint-svc']}"
    issuer = f"http://127.0.0.1:{platform.ports['gate-svc']}"
    now = int(time.time())

    def token(key, **claims) -> str:
        body = {"iss": issuer, "aud": "palapa-citizen", "sub": "warga-penyusup", "iat": now, "exp": now + 300,
                **claims}
        return jwt.encode({"alg": "Ed25519", "kid": key.kid}, body, key, algorithms=["Ed25519"])

    cases = {
        "citizen_bad_signature": token(generate(CITIZEN_KEY.kid)),  # the right kid, another key
        "citizen_token_expired": token(CITIZEN_KEY, iat=now - 7200, exp=now - 3600),
        "citizen_wrong_audience": token(CITIZEN_KEY, aud="palapa"),
        "citizen_wrong_issuer": token(CITIZEN_KEY, iss="https://gerbang-palsu.example"),
        "citizen_token_malformed": "bukan.token.sah",
    }
    async with httpx.AsyncClient(base_url=complaint, timeout=15) as http:
        for reason, sent in cases.items():
            answer = await http.get("/citizen/complaints", headers={"X-Citizen-Token": sent})
            assert (answer.status_code, answer.json()["reason"]) == (401, reason), (reason, answer.text)
        missing = await http.get("/citizen/complaints")
        assert (missing.status_code, missing.json()["reason"]) == (401, "citizen_required")
        genuine = await http.get("/citizen/complaints", headers={"X-Citizen-Token": token(CITIZEN_KEY)})
        assert genuine.status_code == 200 and genuine.json() == {"items": []}


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
async def test_a_citizen_signs_in_by_phone_files_a_complaint_and_finds_it_in_kasus_saya(platform, viewport):
    gate, number = platform.gate.url, new_number()
    async with chromium_page(VIEWPORTS[viewport]) as (page, findings):
        check_axe = findings.check

        await page.goto(gate + "/")
        await page.get_by_role("link", name="Masuk", exact=True).click()
        await check_axe("/masuk")
        await page.get_by_label("Nomor HP").fill(number)
        await page.get_by_role("button", name="Kirim kode").click()
        await expect(page.get_by_test_id("dikirim")).to_contain_text(f"+62 {number[1:4]}****{number[-4:]}")
        await check_axe("/masuk/kode")
        await page.get_by_label("Kode masuk").fill(await code_sent_to(platform, number))
        await page.get_by_role("button", name="Masuk", exact=True).click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Kasus saya")
        await expect(page.get_by_test_id("kosong")).to_be_visible()
        await check_axe("/kasus (kosong)")

        await page.goto(gate + "/lapor")
        await page.get_by_label("Kategori").select_option(index=1)
        await page.get_by_label("Uraian keluhan").fill("Lampu jalan di depan pasar padam sejak tiga hari lalu.")
        await page.get_by_label("Kelurahan").select_option("Kranggan")
        await page.get_by_role("button", name="Kirim pengaduan").click()
        await expect(page.get_by_test_id("ticket")).to_have_text(re.compile(r"^LAPOR-"))
        ticket = await page.get_by_test_id("ticket").inner_text()

        await page.goto(gate + "/kasus")
        await expect(page.locator(f'[data-ticket="{ticket}"]')).to_be_visible()
        await check_axe("/kasus")
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORTS[viewport]["width"], f"the page scrolls sideways at {viewport}: {width}px"

        await page.get_by_role("button", name="Keluar", exact=True).click()
        await expect(page.get_by_test_id("pesan")).to_contain_text("telah keluar")
        await page.goto(gate + "/kasus")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Masuk dengan nomor HP")
        findings.assert_clean()


"""The citizen's sign-in pages and "Kasus saya", with notify-svc and complaint-svc answering in their shapes."""

import json
import re

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from palapa.contracts.phone import account_of
from palapa.gate.main import create_app
from palapa.gate.settings import GateSettings

CASE = {"ticket": "LAPOR-ABCD-EFGH-JKLM-NPQR", "status": "dispositioned", "category": "Jalan rusak",
        "opd": "DPUPR", "deadline": "2026-12-14T09:00:00+07:00"}

LEGACY = {"ticket": "CURHAT-1042", "status": "received", "status_label": "Diterima", "category": "Jalan Rusak",
          "opd": None, "deadline": None, "source_app": "curhat-ning-ita", "submitted_at": "2026-11-20T01:30:00Z"}


class Services:
    """notify-svc (keeps the codes it was asked to send) and complaint-svc's citizen routes (by token subject)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []  # (number, code, authorization)
        self.owned: dict[str, list[dict]] = {}
        self.nops: dict[str, list[str]] = {}
        self.failures = 0  # notify-svc answers 503 this many times first
        self.keys: list[str] = []
        self.jwks: dict | None = None
        self.legacy: dict[str, list[dict]] = {}  # account → the legacy cases recorded with its number, unclaimed
        self.taken: set[str] = set()  # legacy tickets another account claimed

    def subject(self, request: httpx.Request) -> str | None:
        token = request.headers.get("x-citizen-token")
        if not token or self.jwks is None:
            return None
        return jwt.decode(token, KeySet.import_key_set(self.jwks).keys[0], algorithms=["Ed25519"]).claims["sub"]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.startswith("/citizen/complaints/") and path.endswith(("/claimable", "/claim-by-phone")):
            return self.legacy_claims(request)
        if path == "/v2/notifications/whatsapp":
            self.keys.append(request.headers["idempotency-key"])
            if self.failures:
                self.failures -= 1
                return httpx.Response(503, text="sibuk")
            body = json.loads(request.content)
            assert body["template_id"] == "one-time-code"
            self.sent.append((body["phone_number"], body["personalisation"]["code"],
                              request.headers["authorization"]))
            return httpx.Response(201, json={"id": "n-1"})
        if path == "/citizen/complaints":
            return httpx.Response(200, json={"items": self.owned.get(self.subject(request), [])})
        if path.startswith("/citizen/tax-bills"):
            mine = self.nops.setdefault(self.subject(request), [])
            if request.method == "POST":
                nop = json.loads(request.content)["nop"].replace(".", "").replace("-", "")
                if not (nop.isdigit() and len(nop) == 18):
                    return httpx.Response(400, json={"reason": "malformed_nop", "detail": "NOP tidak valid"})
                mine.append(nop)
                return httpx.Response(201, json={"nop": nop})
            if request.method == "DELETE":
                mine.remove(path.rsplit("/", 1)[1])
                return httpx.Response(200, json={})
            return httpx.Response(200, json={"items": [
                {"nop": n, "nop_formatted": "35.76.010.001.000-0000.0", "bill": {
                    "year": 2026, "amount_due": 1250000, "due_date": "2026-08-31", "paid": False,
                    "status_label": "Belum dibayar"}} for n in mine]})
        if path.startswith("/complaints/"):
            if CASE not in self.owned.get(self.subject(request), []):
                return httpx.Response(403, json={"reason": "wrong_key", "detail": "Kunci bukan untuk pengaduan ini"})
            return httpx.Response(200, json={**CASE, "status_label": "Diteruskan ke OPD", "current_due_at":
                                             CASE["deadline"], "description": "Lubang di Jl. Benteng Pancasila",
                                             "timeline": [{"status": "received", "label": "Diterima",
                                                           "at": "2026-12-07T09:00:00+07:00", "note": None}]})
        if path.endswith("/claim"):
            pin = json.loads(request.content)["pin"]
            if pin != "135790":
                return httpx.Response(403, json={"reason": "wrong_pin", "detail": "Nomor tiket atau PIN salah"})
            self.owned.setdefault(self.subject(request), []).append(CASE)
            return httpx.Response(200, json={"ticket": CASE["ticket"]})
        return httpx.Response(404, json={"reason": "not_found", "detail": "?"})

    def legacy_claims(self, request: httpx.Request) -> httpx.Response:
        """complaint-svc's phone claims: the list of the token's account, a claim that matches it or is refused."""
        mine = self.legacy.get(self.subject(request), [])
        if request.method == "GET":
            return httpx.Response(200, json={"items": mine})
        ticket = request.url.path.split("/")[3]
        if ticket in self.taken:
            return httpx.Response(409, json={"reason": "claimed_by_another", "detail": "sudah terhubung"})
        if not any(c["ticket"] == ticket for c in mine):
            return httpx.Response(404, json={"reason": "not_claimable", "detail": "tidak tercatat"})
        mine[:] = [c for c in mine if c["ticket"] != ticket]
        self.owned.setdefault(self.subject(request), []).append({**LEGACY, "ticket": ticket})
        return httpx.Response(200, json={"ticket": ticket})


@pytest.fixture
async def gate():
    services = Services()
    app = create_app(GateSettings(notify_api_key="kunci-gerbang"), transport=httpx.MockTransport(services))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gate") as http:
            services.jwks = (await http.get("/.well-known/jwks.json")).json()
            yield http, services


def csrf_of(page: httpx.Response) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


async def sign_in(http: httpx.AsyncClient, services: Services, number: str = "0812 3456 7890") -> httpx.Response:
    form = await http.get("/masuk")
    sent = await http.post("/masuk", data={"csrf": csrf_of(form), "hp": number})
    assert sent.status_code == 303 and sent.headers["location"] == "/masuk/kode"
    page = await http.get("/masuk/kode")
    assert "+62 812****7890" in page.text and "81234567890" not in page.text
    return await http.post("/masuk/kode", data={"csrf": csrf_of(page), "kode": services.sent[-1][1]})


async def test_a_citizen_signs_in_with_the_code_sent_to_their_phone(gate):
    http, services = gate
    assert 'href="/masuk"' in (await http.get("/")).text
    done = await sign_in(http, services)
    assert done.status_code == 303 and done.headers["location"] == "/kasus"
    cookie = done.headers["set-cookie"]
    assert "warga_sesi=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert services.sent[-1][0] == "+6281234567890" and services.sent[-1][2] == "ApiKey-v1 kunci-gerbang"
    home = await http.get("/")
    assert 'href="/kasus"' in home.text and 'action="/keluar"' in home.text and 'href="/masuk"' not in home.text
    assert home.headers["cache-control"] == "no-store"
    mine = await http.get("/kasus")
    assert mine.status_code == 200 and "+62 812****7890" in mine.text and 'data-testid="kosong"' in mine.text


async def test_a_claimed_case_is_listed_with_its_status_next_step_and_deadline(gate):
    http, services = gate
    await sign_in(http, services)
    page = await http.get("/kasus")
    wrong = await http.post("/kasus/klaim", data={"csrf": csrf_of(page), "tiket": CASE["ticket"], "pin": "000000"})
    assert wrong.status_code == 403 and "PIN salah" in wrong.text
    claimed = await http.post("/kasus/klaim", data={"csrf": csrf_of(page), "tiket": CASE["ticket"], "pin": "135790"})
    assert claimed.status_code == 303
    listed = await http.get(claimed.headers["location"])
    assert CASE["ticket"] in listed.text and "diteruskan ke OPD" in listed.text
    assert "14 Desember 2026" in listed.text and "sudah ditambahkan" in listed.text


async def test_a_wrong_code_says_the_tries_left_and_the_fifth_locks(gate):
    http, services = gate
    form = await http.get("/masuk")
    await http.post("/masuk", data={"csrf": csrf_of(form), "hp": "081234567890"})
    code = services.sent[-1][1]
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        page = await http.post("/masuk/kode", data={"csrf": csrf_of(form), "kode": wrong})
        assert page.status_code == 400 and f"Sisa percobaan: {left}" in page.text
    locked = await http.post("/masuk/kode", data={"csrf": csrf_of(form), "kode": wrong})
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) == 900
    again = await http.post("/masuk/kode", data={"csrf": csrf_of(form), "kode": code})
    assert again.status_code == 400  # the right code no longer works
    refused = await http.post("/masuk", data={"csrf": csrf_of(form), "hp": "0812-3456-7890"})
    assert refused.status_code == 429 and "dikunci" in refused.text


async def test_forms_without_their_csrf_token_are_refused(gate):
    http, services = gate
    await http.get("/masuk")
    assert (await http.post("/masuk", data={"hp": "081234567890"})).status_code == 403
    assert (await http.post("/masuk", data={"csrf": "dipalsukan", "hp": "081234567890"})).status_code == 403
    assert services.sent == []
    await sign_in(http, services)
    assert (await http.post("/kasus/klaim", data={"tiket": CASE["ticket"], "pin": "135790"})).status_code == 403
    assert (await http.post("/keluar", data={"csrf": "dipalsukan"})).status_code == 403
    assert (await http.get("/kasus")).status_code == 200  # still signed in


async def test_sign_out_ends_the_session_and_a_stolen_cookie_with_it(gate):
    http, services = gate
    await sign_in(http, services)
    sid = http.cookies.get("warga_sesi")
    out = await http.post("/keluar", data={"csrf": csrf_of(await http.get("/kasus"))})
    assert out.status_code == 200 and "telah keluar" in out.text
    http.cookies.set("warga_sesi", sid)
    assert (await http.get("/kasus")).headers["location"] == "/masuk"


async def test_no_session_or_a_forged_one_is_sent_to_sign_in(gate):
    http, _ = gate
    assert (await http.get("/kasus")).status_code == 303
    http.cookies.set("warga_sesi", "dipalsukan")
    assert (await http.get("/kasus")).headers["location"] == "/masuk"
    assert (await http.post("/kasus/klaim", data={"csrf": "x"})).status_code == 303


async def test_a_bad_number_is_refused_with_a_reason_and_nothing_is_sent(gate):
    http, services = gate
    form = await http.get("/masuk")
    page = await http.post("/masuk", data={"csrf": csrf_of(form), "hp": "+1 415 555 0100"})
    assert page.status_code == 422 and "Nomor HP tidak valid" in page.text and services.sent == []


async def test_the_limiter_hands_caddy_a_citizen_token_for_a_signed_in_request_only(gate):
    http, services = gate
    asked = {"x-forwarded-method": "POST", "x-forwarded-uri": "/complaints", "x-forwarded-for": "10.0.0.1"}
    assert "x-citizen-token" not in (await http.get("/_gate/limit", headers=asked)).headers
    await sign_in(http, services)
    answer = await http.get("/_gate/limit", headers=asked)
    assert answer.status_code == 204 and services.subject(
        httpx.Request("GET", "/", headers={"x-citizen-token": answer.headers["x-citizen-token"]})).startswith("warga-")


async def test_the_issuer_publishes_its_discovery_document_and_public_key(gate):
    http, _ = gate
    found = (await http.get("/.well-known/openid-configuration")).json()
    assert found["jwks_uri"] == found["issuer"] + "/.well-known/jwks.json"
    keys = (await http.get("/.well-known/jwks.json")).json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "OKP" and "d" not in keys[0]


async def test_one_case_opens_for_its_owner_with_its_timeline_and_reads_as_missing_for_anyone_else(gate):
    http, services = gate
    await sign_in(http, services)
    assert (await http.get(f"/kasus/{CASE['ticket']}")).status_code == 404  # not theirs (yet)
    page = await http.get("/kasus")
    await http.post("/kasus/klaim", data={"csrf": csrf_of(page), "tiket": CASE["ticket"], "pin": "135790"})
    assert f'href="/kasus/{CASE["ticket"]}"' in (await http.get("/kasus")).text
    case = await http.get(f"/kasus/{CASE['ticket']}")
    assert case.status_code == 200 and "Jl. Benteng Pancasila" in case.text and "Diterima" in case.text
    assert (await http.get("/kasus/bukan-tiket")).status_code == 404


async def test_a_citizen_follows_a_tax_bill_by_nop_and_stops_following_it(gate):
    http, services = gate
    await sign_in(http, services)
    csrf = csrf_of(await http.get("/kasus"))
    bad = await http.post("/kasus/pbb", data={"csrf": csrf, "nop": "abc"})
    assert bad.status_code == 400 and "NOP tidak valid" in bad.text
    assert (await http.post("/kasus/pbb", data={"nop": "357601000100000000"})).status_code == 403  # no CSRF token
    followed = await http.post("/kasus/pbb", data={"csrf": csrf, "nop": "35.76.010.001.000-0000.0"})
    assert followed.status_code == 303
    page = await http.get(followed.headers["location"])
    assert 'data-nop="357601000100000000"' in page.text and "Belum dibayar" in page.text
    assert 'data-live="pbb"' in page.text  # the bills' region kasus.js swaps on a `bill.updated` of the stream
    assert "Rp1.250.000" in page.text or "1.250.000" in page.text
    dropped = await http.post("/kasus/pbb/hapus", data={"csrf": csrf, "nop": "357601000100000000"})
    assert dropped.status_code == 303
    assert "data-nop=" not in (await http.get("/kasus")).text


async def test_inapas_is_offered_and_says_so_when_no_provider_is_configured(gate):
    http, _ = gate
    assert 'href="/masuk/inapas"' in (await http.get("/masuk")).text
    assert (await http.get("/masuk/inapas")).status_code == 503
    assert (await http.get("/masuk/inapas/kembali", params={"code": "x", "state": "dipalsukan"})).status_code == 400


async def test_a_lost_answer_from_notify_is_asked_again_once_under_the_same_idempotency_key(gate):
    http, services = gate
    services.failures = 1
    form = await http.get("/masuk")
    sent = await http.post("/masuk", data={"csrf": csrf_of(form), "hp": "081234567890"})
    assert sent.status_code == 303 and len(services.sent) == 1
    assert len(services.keys) == 2 and services.keys[0] == services.keys[1]
    services.failures = 2
    failed = await http.post("/masuk", data={"csrf": csrf_of(form), "hp": "081234567891"})
    assert failed.status_code == 503 and "belum dapat dikirim" in failed.text


def account(number: str) -> str:
    return account_of(number, b"palapa-dev-gate-accounts")  # GateSettings' development default


async def test_a_case_filed_in_curhat_with_the_citizens_number_is_offered_and_claimed_with_a_button(gate):
    http, services = gate
    services.legacy[account("+6281234567890")] = [dict(LEGACY)]
    await sign_in(http, services)
    page = await http.get("/kasus")
    assert "Aduan dengan nomor Anda di Curhat Ning Ita" in page.text and 'data-claimable="CURHAT-1042"' in page.text
    assert 'action="/kasus/klaim-hp"' in page.text and "20 November 2026" in page.text
    assert "81234567890" not in page.text and account("+6281234567890")[6:] not in page.text
    forged = await http.post("/kasus/klaim-hp", data={"tiket": "CURHAT-1042"})  # no CSRF token: nothing happens
    assert forged.status_code == 403 and services.legacy[account("+6281234567890")]
    claimed = await http.post("/kasus/klaim-hp", data={"csrf": csrf_of(page), "tiket": "CURHAT-1042"})
    assert claimed.status_code == 303 and claimed.headers["location"] == "/kasus?notice=klaim-hp"
    listed = await http.get(claimed.headers["location"])
    assert 'data-ticket="CURHAT-1042"' in listed.text and 'data-claimable=' not in listed.text
    assert "Aduan sudah ditambahkan" in listed.text and "Aduan dengan nomor Anda" not in listed.text


async def test_another_citizen_is_offered_nothing_and_a_claim_of_someone_elses_case_is_refused(gate):
    http, services = gate
    services.legacy[account("+6281234567890")] = [dict(LEGACY)]
    await sign_in(http, services, "0812 9999 7890")
    page = await http.get("/kasus")
    assert "Aduan dengan nomor Anda" not in page.text and "CURHAT-1042" not in page.text
    refused = await http.post("/kasus/klaim-hp", data={"csrf": csrf_of(page), "tiket": "CURHAT-1042"})
    assert refused.status_code == 404 and "tidak tercatat dengan nomor HP Anda" in refused.text
    services.taken.add("CURHAT-1042")
    taken = await http.post("/kasus/klaim-hp", data={"csrf": csrf_of(page), "tiket": "CURHAT-1042"})
    assert taken.status_code == 409 and "akun lain" in taken.text
    bad = await http.post("/kasus/klaim-hp", data={"csrf": csrf_of(page), "tiket": "<script>"})
    assert bad.status_code == 422 and "<script>" not in bad.text
    http.cookies.clear()  # a stranger without a session is sent to sign in
    stranger = await http.post("/kasus/klaim-hp", data={"csrf": csrf_of(page), "tiket": "CURHAT-1042"})
    assert stranger.status_code == 303 and stranger.headers["location"] == "/masuk"
    assert services.owned.get(account("+6281234567890")) is None  # nobody claimed it for its owner

"""The attacker's table of read routes on the shared platform (issue 20): every route tests/security/reads.py marks
as attacked is attacked here, by its kind, through the gate where Caddy routes it and on its service's port where
it does not. Every attempt is a 4xx with a reason (or, for a page, the way to its sign-in) and carries nothing of
another citizen: no description, no place, no ticket of theirs. A control read by the rightful holder keeps each
attack from passing by accident.

Kinds (reads.py): enumeration and stolen keys on a case, its stream and its Open311 view; forged, expired and
wrong-audience citizen tokens and another citizen's on their data; public listings; the citizen's and staff's pages
without, with a forged or with a signed-out session; sign-in steps without their state; CSRF on every form POST of
the gate (generated from its routes) and brute force of a one-time code. A PIN's brute force is
test_citizen_cases.py's and tests/security/test_case_capabilities.py's."""

from __future__ import annotations

import secrets
import time
import uuid

import httpx
import pytest
import pytest_asyncio

from palapa.kit.signing import generate
from palapa.testkit import eventually
from palapa.testkit.identity import Identity
from tests.security.reads import (
    API_KEY,
    CASE_KEY,
    CITIZEN_PAGE,
    CITIZEN_TOKEN,
    LISTING,
    READS,
    SIGN_IN,
    STAFF_PAGE,
    gate_forms,
    of_kind,
)

from .attacking import KEY, LETTER, Victim, file, peek, reason
from .browsing import csrf_of, staff_sign_in
from .conftest import CITIZEN_KEY
from .test_citizen_cases import code_sent_to, new_number, signed_in

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def victim(platform) -> Victim:
    v = Victim(platform)
    mine = {"X-Citizen-Token": v.token(v.account)}
    async with httpx.AsyncClient(timeout=15) as http, \
            httpx.AsyncClient(base_url=platform.running["complaint-svc"].url, timeout=15) as complaint, \
            httpx.AsyncClient(base_url=platform.gate.url, timeout=15) as gate:
        v.owned = (await file(complaint, v.marker, mine))["ticket"]  # as the gate files it for a signed-in citizen
        receipt = await file(gate, v.marker)
        v.anonymous, v.key = receipt["ticket"], receipt["link"].split("&kunci=")[1]
        tracking = platform.running["tracking-svc"].url
        letter = await http.post(f"{tracking}/citizen/letters", json=LETTER, headers=mine)
        assert letter.status_code == 201, letter.text
        v.letter = letter.json()["ticket"]
        taxbill = platform.running["taxbill-svc"].url
        assert (await http.post(f"{taxbill}/citizen/tax-bills", json={"nop": "357601000100000777"},
                                headers=mine)).status_code == 201
        notify = platform.running["notify-svc"].url

        async def followable():  # notify-svc knows the anonymous case's key digest once its first view arrives
            return (await http.get(f"{notify}/tickets/{v.anonymous}", headers={KEY: v.key})).status_code == 200

        await eventually(followable, what="the anonymous case at notify-svc")
    return v


async def test_a_case_its_stream_and_its_open311_view_refuse_guesses_and_stolen_keys_alike(victim):
    routes = of_kind(CASE_KEY)
    assert len(routes) == 4
    guessed = [victim.anonymous, victim.anonymous[:-1] + ("A" if victim.anonymous[-1] != "A" else "B"),
               "LAPOR-" + "-".join(secrets.token_hex(2).upper() for _ in range(4))]
    wrong = []
    async with httpx.AsyncClient(timeout=15) as http:
        for service, path in routes:
            base = victim.url(service)
            # enumeration: the real ticket, its neighbour and a random one, without a key: one answer for all
            answers = set()
            for ticket in guessed:
                res = await http.get(base + victim.concrete(service, path, ticket))
                answers.add((reason(res), res.text.replace(ticket, "{t}")))
                wrong += [f"{path} {ticket}: leaks"] if victim.leaks(res.text) else []
            if len(answers) != 1 or not 400 <= next(iter(answers))[0][0] < 500:
                wrong.append(f"{service} {path}: the guesses are told apart: {answers}")
            # another case's key (the anonymous one's) on the signed-in citizen's case; a bad staff token beside it
            for headers in ({KEY: victim.key}, {KEY: victim.key, "Authorization": "Bearer palsu"}):
                res = await http.get(base + victim.concrete(service, path), headers=headers)
                if not 400 <= res.status_code < 500 or victim.leaks(res.text) or not reason(res)[1]:
                    wrong.append(f"{service} {path} with another case's key: {res.status_code} {res.text[:120]}")
            # another citizen's genuine token (straight to the service: the gate never hands one to a browser)
            direct = victim.platform.running[service].url + victim.concrete(service, path)
            res = await http.get(direct, headers={"X-Citizen-Token": victim.token(victim.stranger)})
            if not 400 <= res.status_code < 500 or victim.leaks(res.text):
                wrong.append(f"{service} {path} with a stranger's token: {res.status_code} {res.text[:120]}")
            if path.endswith("/events"):
                continue  # a stream: its holder's read is test_case_capabilities.py's
            holder = await http.get(base + victim.concrete(service, path, victim.anonymous), headers={KEY: victim.key})
            if holder.status_code != 200 or victim.marker not in holder.text and service == "complaint-svc":
                wrong.append(f"{service} {path}: the key's holder does not read it: {holder.status_code}")
    assert wrong == []


async def test_citizen_data_refuses_forged_expired_or_foreign_tokens_with_a_reason_and_another_citizens(victim):
    other_key = generate(CITIZEN_KEY.kid)  # the right kid, another key
    bad = {"citizen_bad_signature": victim.token(victim.account, key=other_key),
           "citizen_token_expired": victim.token(victim.account, iat=int(time.time()) - 7200,
                                                 exp=int(time.time()) - 3600),
           "citizen_wrong_audience": victim.token(victim.account, aud="palapa"),
           "citizen_wrong_issuer": victim.token(victim.account, iss="https://gerbang-palsu.example"),
           "citizen_token_malformed": "bukan.token.sah"}
    routes = of_kind(CITIZEN_TOKEN)
    assert len(routes) >= 6
    wrong = []
    async with httpx.AsyncClient(timeout=15) as http:
        for service, path in routes:
            url = victim.platform.running[service].url + victim.concrete(service, path)
            for why, token in bad.items():
                res = await http.get(url, headers={"X-Citizen-Token": token})
                if reason(res) != (401, why) or victim.leaks(res.text) or victim.owned in res.text:
                    wrong.append(f"{service} {path} ({why}): {res.status_code} {res.text[:120]}")
            for headers in ({}, {"X-Citizen-Token": victim.token(victim.stranger)}):
                status, found = await peek(http, url, headers)  # a stranger's own stream: what it sent at once
                found = found.replace(victim.letter, "{t}") if "{ticket}" in path else found  # echoes it
                if victim.leaks(found) or any(t in found for t in (victim.owned, victim.letter, "357601000100000777")):
                    wrong.append(f"{service} {path} ({'stranger' if headers else 'nobody'}): leaks {found[:120]}")
                if not headers and not 400 <= status < 500:
                    wrong.append(f"{service} {path} without a token: {status}")
            status, found = await peek(http, url, {"X-Citizen-Token": victim.token(victim.account)})
            if status != 200:
                wrong.append(f"{service} {path}: its owner does not read it: {status} {found[:120]}")
    assert wrong == []


async def test_public_listings_carry_no_description_or_place_of_an_anonymous_case(victim):
    async with httpx.AsyncClient(base_url=victim.platform.gate.url, timeout=15) as gate:
        async def listed():
            return victim.anonymous in (await gate.get("/complaints")).text

        await eventually(listed, what="the anonymous case in the public listing")
        for service, path in of_kind(LISTING):
            for params in ({}, {"service_request_id": victim.anonymous}, {"q": victim.marker}):
                res = await gate.get(victim.concrete(service, path), params=params)
                assert res.status_code in (200, 400, 422) and not victim.leaks(res.text), (path, params, res.text)
        # nor does a filter on what is hidden answer for it: no kelurahan finds the anonymous case
        by_place = await gate.get("/complaints", params={"kelurahan": "Kranggan", "limit": "100"})
        assert by_place.status_code == 200 and victim.anonymous not in by_place.text


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def sessions(platform):
    """(a signed-in citizen's gate client, its complaint's ticket; the Cookie of a citizen who signed out)."""
    async with httpx.AsyncClient(base_url=platform.gate.url, timeout=15) as owner, \
            httpx.AsyncClient(base_url=platform.gate.url, timeout=15) as leaving:
        await signed_in(platform, owner)
        ticket = (await file(owner, "RAHASIAKASUS"))["ticket"]
        await signed_in(platform, leaving)
        stolen = {"Cookie": f"warga_sesi={leaving.cookies['warga_sesi']}"}
        out = await leaving.post("/keluar", data={"csrf": csrf_of((await leaving.get("/kasus")).text)})
        assert out.status_code == 200, out.text
        yield owner, ticket, stolen


async def test_citizen_pages_send_no_forged_or_signed_out_session_anywhere_but_the_sign_in(platform, sessions):
    owner, ticket, stolen = sessions
    wrong = []
    async with httpx.AsyncClient(base_url=platform.gate.url, timeout=15) as attacker:
        for _, path in of_kind(CITIZEN_PAGE):
            for headers in ({}, {"Cookie": "warga_sesi=dipalsukan"}, stolen):
                res = await attacker.get(path.replace("{ticket}", ticket), headers=headers)
                if (res.status_code, res.headers.get("location")) != (303, "/masuk") or "RAHASIAKASUS" in res.text:
                    wrong.append(f"{path} {list(headers)}: {res.status_code} {res.text[:120]}")
        await signed_in(platform, attacker)  # another citizen: the case is not in their account
        other = await attacker.get(f"/kasus/{ticket}")
        assert other.status_code == 404 and "RAHASIAKASUS" not in other.text and ticket not in (
            await attacker.get("/kasus")).text
    assert (await owner.get(f"/kasus/{ticket}")).status_code == 200
    assert wrong == []


async def test_staff_pages_send_no_session_a_forged_one_a_citizens_or_a_signed_out_one_to_a_page(platform):
    wrong = []
    async with httpx.AsyncClient(base_url=platform.gate.url, timeout=30) as gate:
        signed_out = {}
        for area, cookie, who in (("/petugas", "petugas_sesi", "desk"), ("/ops", "ops_sesi", "sre")):
            signed = await staff_sign_in(gate, area, cookie, who)
            page = await gate.get(area, headers=signed)
            assert (await gate.post(f"{area}/keluar", headers=signed, data={"csrf": csrf_of(page.text)})).is_success
            signed_out[area] = signed
        for _, path in of_kind(STAFF_PAGE):
            area = "/ops" if path.startswith("/ops") else "/petugas"
            concrete = path.replace("{ticket}", "LAPOR-AAAA-BBBB-CCCC-DDDD").replace("{letter_id}", "1").replace(
                "{app_id}", "curhat-ning-ita")
            for headers in ({}, {"Cookie": "petugas_sesi=palsu; ops_sesi=palsu; warga_sesi=palsu"},
                            signed_out[area]):
                res = await gate.get(concrete, headers=headers)
                if (res.status_code, res.headers.get("location")) != (303, f"{area}/masuk"):
                    wrong.append(f"{concrete} {list(headers)}: {res.status_code} {res.text[:120]}")
    assert wrong == []


async def test_the_gates_own_routes_for_caddy_are_no_door(platform):
    """gate-svc's /_gate/… routes answer Caddy (the limiter, a session's check): through the gate, 404 for all."""
    inner = [path for service, routes in READS.items() if service == "gate-svc" for path in routes
             if path.startswith("/_gate/")]
    assert inner
    async with httpx.AsyncClient(base_url=platform.gate.url, timeout=15) as gate:
        for path in inner:
            res = await gate.get(path, headers={"Cookie": "warga_sesi=dipalsukan"})
            assert res.status_code == 404 and "x-citizen-token" not in res.headers, (path, res.text)


async def test_a_sign_in_step_without_its_state_signs_no_one_in(platform):
    async with httpx.AsyncClient(base_url=platform.gate.url, timeout=15) as gate:
        for _, path in of_kind(SIGN_IN):
            res = await gate.get(path, params={"code": "tebakan", "state": "tebakan"})
            assert res.status_code in (303, 400) and "sesi=" not in res.headers.get("set-cookie", ""), (path, res.text)
            if res.status_code == 303:
                assert res.headers["location"] == "/masuk", path


async def test_every_form_of_the_gate_refuses_a_post_without_its_csrf_token(platform, sessions):
    owner, ticket, _ = sessions
    staff = {}
    async with httpx.AsyncClient(base_url=platform.gate.url, timeout=30) as gate:
        for area, cookie, who in (("/petugas", "petugas_sesi", "desk"), ("/ops", "ops_sesi", "sre")):
            staff[area] = await staff_sign_in(gate, area, cookie, who)
        forms = gate_forms()
        assert len(forms) >= 15
        wrong = []
        for path in forms:
            concrete = path.replace("{ticket}", ticket).replace("{letter_id}", "1").replace("{action}", "discard") \
                .replace("{service}", "complaint-svc").replace("{row_id}", "1").replace("{app_id}", "curhat-ning-ita")
            area = next((a for a in staff if path.startswith(a + "/")), None)
            for form in ({}, {"csrf": "dipalsukan"}):
                if area is not None:
                    res = await gate.post(concrete, headers=staff[area], data=form)
                else:  # the citizen's forms, and the sign-in's (whose token is a cookie of its own)
                    res = await owner.post(concrete, data={**form, "tiket": ticket, "pin": "000000"})
                if res.status_code != 403 or "bukan dari halaman ini" not in res.text:
                    wrong.append(f"POST {concrete} {form}: {res.status_code} {res.text[:120]}")
    assert wrong == []
    assert (await owner.get(f"/kasus/{ticket}")).status_code == 200  # still signed in: /keluar was refused too


async def test_a_one_time_code_cannot_be_brute_forced(platform):
    async with httpx.AsyncClient(base_url=platform.gate.url, timeout=15) as http:
        number = new_number()
        form = await http.get("/masuk")
        assert (await http.post("/masuk", data={"csrf": csrf_of(form.text), "hp": number})).status_code == 303
        code = await code_sent_to(platform, number)
        wrong = [f"{(int(code) + n) % 1_000_000:06d}" for n in range(1, 6)]
        answers = [(await http.post("/masuk/kode", data={"csrf": csrf_of(form.text), "kode": c})) for c in wrong]
        assert [a.status_code for a in answers] == [400] * 4 + [429] and answers[-1].headers["Retry-After"]
        # the lock voided the code: even the right one now opens nothing, and the number gets no new code
        right = await http.post("/masuk/kode", data={"csrf": csrf_of(form.text), "kode": code})
        assert right.status_code in (400, 429) and "warga_sesi" not in right.headers.get("set-cookie", "")
        again = await http.post("/masuk", data={"csrf": csrf_of(form.text), "hp": number})
        assert again.status_code == 429 and again.headers["Retry-After"]
        assert (await http.get("/kasus")).headers.get("location") == "/masuk"


async def test_an_opd_clients_record_refuses_no_key_a_guessed_a_revoked_one_or_a_token_without_the_role(platform):
    identity, notify = Identity(platform.issuer), platform.running["notify-svc"].url
    sre = {"Authorization": f"Bearer {await identity.token('sre')}"}
    async with httpx.AsyncClient(timeout=15) as http:
        issued = (await http.post(f"{notify}/v2/api-keys", headers=sre, json={"name": "penyerang", "opd": "DISHUB",
                                                                              "test": True})).json()
        revoked = (await http.post(f"{notify}/v2/api-keys", headers=sre, json={"name": "dicabut", "opd": "DISHUB",
                                                                               "test": True})).json()
        assert (await http.delete(f"{notify}/v2/api-keys/{revoked['id']}", headers=sre)).is_success
        expected = {None: (401, "credentials_missing"), "ApiKey-v1 tebakan": (401, "api_key_invalid"),
                    f"ApiKey-v1 {revoked['secret']}": (401, "api_key_invalid"),
                    "Bearer dipalsukan": (401, "credentials_missing"),
                    f"Bearer {await identity.token('desk')}": (403, "role_missing"),
                    # a client of its own: another client's record, or none, is one 404
                    f"ApiKey-v1 {issued['secret']}": (404, "unknown_notification")}
        routes = of_kind(API_KEY)
        assert routes == [("notify-svc", "/v2/notifications/{notification_id}")]
        for service, path in routes:
            url = platform.running[service].url + path.replace("{notification_id}", str(uuid.uuid4()))
            found = {auth: reason(await http.get(url, headers={"Authorization": auth} if auth else {}))
                     for auth in expected}
            assert found == expected


async def test_staff_tokens_read_what_the_table_allows_them(platform, victim):
    """The control of tracking-svc's change: a desk officer reads a letter's record; nobody else (above) does."""
    desk = {"Authorization": f"Bearer {await Identity(platform.issuer).token('desk')}"}
    async with httpx.AsyncClient(base_url=platform.running["tracking-svc"].url, timeout=15) as http:
        assert (await http.get(f"/tickets/{victim.letter}", headers=desk)).status_code == 200

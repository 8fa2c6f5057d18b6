"""What the attacker's table of read routes (test_attackers_reads.py) attacks with: a victim with a case of each
kind, tokens as the gate mints them (and as an attacker forges them)."""

from __future__ import annotations

import asyncio
import secrets
import time
import uuid

import httpx
from joserfc import jwt

from .conftest import CITIZEN_KEY

THROUGH_THE_GATE = {"complaint-svc", "notify-svc", "gate-svc"}  # the others' routes here are internal (Caddyfile)
KEY = "X-Case-Key"
LETTER = {"letter_type": "SKD", "letter_label": "Surat Keterangan Domisili", "kelurahan": "Kranggan",
          "kecamatan": "Kranggan", "purpose": "Syarat membuka rekening", "name": "Siti Penyintas",
          "nik": "3576014101900001", "phone": "0812 3456 7890"}


def reason(res: httpx.Response) -> tuple[int, str]:
    """(status, reason) of a refusal; Open311's error list has its status as reason."""
    body = res.json()
    if isinstance(body, list):
        return res.status_code, f"open311:{res.status_code}:{bool(body[0]['description'])}"
    assert body.get("detail"), body
    return res.status_code, body["reason"]


class Victim:
    """A citizen the attackers go after: a complaint of theirs filed while signed in (its marker in the
    description), an anonymous complaint with its key, a letter, a followed NOP; and a stranger's token."""

    def __init__(self, platform) -> None:
        self.platform = platform
        self.marker = "RAHASIA" + secrets.token_hex(4).upper()
        self.account, self.stranger = f"warga-korban-{uuid.uuid4().hex[:12]}", f"warga-asing-{uuid.uuid4().hex[:12]}"
        self.owned = self.anonymous = self.key = self.letter = ""

    def token(self, sub: str, key=CITIZEN_KEY, **claims) -> str:
        now = int(time.time())
        body = {"iss": f"http://127.0.0.1:{self.platform.ports['gate-svc']}", "aud": "palapa-citizen", "sub": sub,
                "iat": now, "exp": now + 300, "acr": "palapa-2", **claims}
        return jwt.encode({"alg": "Ed25519", "kid": key.kid}, body, key, algorithms=["Ed25519"])

    def url(self, service: str) -> str:
        return self.platform.gate.url if service in THROUGH_THE_GATE else self.platform.running[service].url

    def concrete(self, service: str, path: str, ticket: str | None = None) -> str:
        ticket = ticket or (self.letter if service == "tracking-svc" else self.owned)
        return path.replace("{ticket}", ticket).replace("{name}", f"{ticket}.json").replace("{fmt}", "json")

    def leaks(self, text: str) -> bool:
        return self.marker in text or "Melati" in text or "Penyintas" in text


async def file(http: httpx.AsyncClient, marker: str, headers: dict | None = None) -> dict:
    answer = await http.post("/complaints", headers={"Idempotency-Key": str(uuid.uuid4()), **(headers or {})}, json={
        "kategori": "jalan-rusak", "uraian": f"Lubang di depan rumah saya {marker}, Jl. Melati 9",
        "kelurahan": "Kranggan", "anonim": True})
    assert answer.status_code == 201, answer.text
    return answer.json()


async def peek(http: httpx.AsyncClient, url: str, headers: dict, wait_s: float = 3.0) -> tuple[int, str]:
    """(status, body) of a read; of a stream (text/event-stream), what it sent within `wait_s`, then closed: a
    route the table attacks may be a citizen's live stream, which never ends by itself."""
    async with http.stream("GET", url, headers=headers) as res:
        if not res.headers.get("content-type", "").startswith("text/event-stream"):
            return res.status_code, (await res.aread()).decode()
        seen: list[str] = []

        async def read() -> None:
            async for chunk in res.aiter_text():
                seen.append(chunk)

        try:
            await asyncio.wait_for(read(), wait_s)
        except TimeoutError:
            pass
        return res.status_code, "".join(seen)

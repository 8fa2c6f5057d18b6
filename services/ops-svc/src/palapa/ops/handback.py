"""A dead letter handed back to the service that refused it (`POST /ops/redeliver` of palapa.kit.redeliver), with the
SRE's own token: the service checks the role again and applies the record through its consumer of the topic only."""

from __future__ import annotations

import base64

import httpx

from palapa.kit.audit import redact_text

#: the service applies one record in one transaction; a signing key to fetch first can add a round trip
HANDBACK_SECONDS = 30.0


class HandbackError(Exception):
    """The service could not be asked, or did not answer as the kit's route does (the detail is for the operator)."""


async def hand_back(http: httpx.AsyncClient, base_url: str, authorization: str, row, why: str | None) -> dict:
    """The service's answer: `{"outcome": "done" | "duplicate" | "dead_lettered", "reason"}`."""
    body = {
        "letter": str(row.id), "topic": row.topic, "partition": row.partition, "offset": row.offset,
        "key": None if row.key is None else base64.b64encode(row.key).decode("ascii"),
        "value": base64.b64encode(row.value).decode("ascii"), "headers": dict(row.headers), "why": why,
    }
    try:
        reply = await http.post(f"{base_url}/ops/redeliver", json=body, headers={"Authorization": authorization},
                                timeout=HANDBACK_SECONDS)
    except httpx.HTTPError as exc:
        raise HandbackError(f"{row.consumer} tidak terjangkau ({type(exc).__name__})") from exc
    try:
        answer = reply.json()
    except ValueError:
        answer = {}
    if not isinstance(answer, dict):
        answer = {}
    if reply.status_code != 200 or answer.get("outcome") not in ("done", "duplicate", "dead_lettered"):
        detail = answer.get("detail") if isinstance(answer.get("detail"), str) else f"HTTP {reply.status_code}"
        raise HandbackError(f"{row.consumer} menolak atau gagal: {redact_text(detail)[:300]}")
    reason = answer.get("reason")
    return {"outcome": answer["outcome"], "reason": redact_text(reason)[:500] if isinstance(reason, str) else None}

"""The simulated WhatsApp Business account: its templates, the citizens' 24-hour windows, what was sent (no I/O).

Errors follow the Cloud API's shape and codes (developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes):
190 bad token, 100 bad parameter, 130429 rate limit, 131000 something went wrong (temporary), 131026 undeliverable
(here: not on WhatsApp), 131047 re-engagement (free text outside the 24-hour window), 132000 parameter count,
132001 template missing or not approved, 132018 a parameter with a line break, tab or 5 spaces.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from .testnumbers import refused_at_attempt

WINDOW_S = 24 * 3600
ALLOWED_CATEGORIES = ("utility", "authentication")
DEFAULT_TEMPLATES: dict[str, dict[str, Any]] = {
    "kode_otp": {"category": "authentication", "params": 1},
    "pengaduan_diterima": {"category": "utility", "params": 2},
    "status_pengaduan": {"category": "utility", "params": 2},
    "pengaduan_selesai": {"category": "utility", "params": 2},
    "surat_siap_diambil": {"category": "utility", "params": 1},
    "ambulans_berangkat": {"category": "utility", "params": 1},
    "tagihan_pbb_jatuh_tempo": {"category": "utility", "params": 2},
    "peringatan_sla": {"category": "utility", "params": 2},
    # the templates notify-svc's catalogue sends (notify/messages/catalogue.py), as the city had them approved: the
    # parameters are the template's fields in order
    "complaint_received": {"category": "utility", "params": 2},
    "complaint_forwarded": {"category": "utility", "params": 3},
    "complaint_in_progress": {"category": "utility", "params": 2},
    "complaint_resolved": {"category": "utility", "params": 2},
    "complaint_rejected": {"category": "utility", "params": 3},
    "letter_ready": {"category": "utility", "params": 3},
    "ambulance_dispatched": {"category": "utility", "params": 2},
    "one_time_code": {"category": "authentication", "params": 1},
    "sla_warning": {"category": "utility", "params": 3},
    "sla_breached": {"category": "utility", "params": 4},
    "promo_kota": {"category": "marketing", "params": 0},  # approved by Meta, but not a category we may send
    "pengumuman_draf": {"category": "utility", "params": 0, "status": "PENDING"},  # not approved yet
}


class ApiError(Exception):
    """An answer in the Cloud API's error shape."""

    def __init__(self, http: int, code: int, message: str, details: str, retry_after_s: int | None = None) -> None:
        super().__init__(message)
        self.http, self.code, self.message, self.details = http, code, message, details
        self.retry_after_s = retry_after_s

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": "OAuthException", "code": self.code,
                          "error_data": {"messaging_product": "whatsapp", "details": self.details},
                          "fbtrace_id": secrets.token_urlsafe(12)}}


@dataclass
class Sent:
    id: str
    to: str  # wa_id: digits only, as the API gives it back
    kind: str  # template | text
    at: float
    template: str | None = None
    language: str | None = None
    params: list[str] = field(default_factory=list)
    text: str | None = None
    reference: str | None = None  # biz_opaque_callback_data, echoed in status callbacks
    statuses: list[dict[str, Any]] = field(default_factory=list)

    def view(self) -> dict[str, Any]:
        return {"id": self.id, "to": "+" + self.to, "type": self.kind, "template": self.template,
                "language": self.language, "params": self.params, "text": self.text, "reference": self.reference,
                "at": self.at, "statuses": self.statuses}


def wa_id(number: Any) -> str:
    """The recipient as digits only (the API takes +62…, 62… or with spaces and dashes); refuses odd ones."""
    if not isinstance(number, str) or len(number) > 32:
        raise ApiError(400, 100, "Invalid parameter", "Parameter 'to' is not a valid phone number")
    digits = number.strip().lstrip("+").replace(" ", "").replace("-", "")
    if not digits.isascii() or not digits.isdigit() or not 8 <= len(digits) <= 15:
        raise ApiError(400, 100, "Invalid parameter", "Parameter 'to' is not a valid phone number")
    return digits


@dataclass
class Account:
    templates: dict[str, dict[str, Any]]
    clock: Any = time.time
    windows: dict[str, float] = field(default_factory=dict)  # wa_id → time of the citizen's last message
    attempts: dict[str, int] = field(default_factory=dict)
    sent: dict[str, Sent] = field(default_factory=dict)

    def accept(self, request: dict[str, Any]) -> Sent:
        """Check one send request as the Cloud API does; the accepted message, or ApiError."""
        if request.get("messaging_product") != "whatsapp":
            raise ApiError(400, 100, "Invalid parameter", "messaging_product must be 'whatsapp'")
        to = wa_id(request.get("to"))
        kind = request.get("type", "text")
        message = Sent(id="wamid." + secrets.token_urlsafe(24), to=to, kind=kind, at=self.clock(),
                       reference=_text(request.get("biz_opaque_callback_data"), 512, "biz_opaque_callback_data"))
        if kind == "template":
            self._template(request.get("template"), message)
        elif kind == "text":
            body = (request.get("text") or {}).get("body") if isinstance(request.get("text"), dict) else None
            message.text = _text(body, 4096, "text.body")
            if not message.text:
                raise ApiError(400, 100, "Invalid parameter", "text.body is required")
            if self.clock() - self.windows.get(to, float("-inf")) > WINDOW_S:
                raise ApiError(400, 131047, "Re-engagement message",
                               "Message failed to send because more than 24 hours have passed since the customer "
                               "last replied to this number.")
        else:
            raise ApiError(400, 100, "Invalid parameter", f"type must be 'template' or 'text', not {kind!r}"[:120])
        self._quirks(to)
        self.sent[message.id] = message
        return message

    def _template(self, spec: Any, message: Sent) -> None:
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            raise ApiError(400, 100, "Invalid parameter", "template.name is required")
        language = spec.get("language")
        name, language = spec["name"][:512], language.get("code") if isinstance(language, dict) else None
        known = self.templates.get(name)
        if known is None or known.get("status", "APPROVED") != "APPROVED" or language not in known.get(
                "languages", ("id", "en")):
            raise ApiError(404, 132001, "Template name does not exist in the translation",
                           "template name or language does not exist, or the template is not approved")
        if known["category"] not in ALLOWED_CATEGORIES:
            raise ApiError(400, 132001, "Template name does not exist in the translation",
                           f"category {known['category']} may not be sent from this number")
        params = [p.get("text") for c in spec.get("components") or () if isinstance(c, dict) and c.get("type") == "body"
                  for p in c.get("parameters") or () if isinstance(p, dict)]
        if len(params) != known["params"] or not all(isinstance(p, str) and 0 < len(p) <= 1024 for p in params):
            raise ApiError(400, 132000, "Number of parameters does not match the expected number of params",
                           f"body: number of localizable_params ({len(params)}) does not match the expected "
                           f"number of params ({known['params']})")
        if any("\n" in p or "\t" in p or "     " in p for p in params):
            raise ApiError(400, 132018, "There was an issue with the parameters in your template",
                           "Param text cannot have new-line/tab characters or more than 4 consecutive spaces")
        message.template, message.language, message.params = name, language, params

    def _quirks(self, to: str) -> None:
        self.attempts[to] = attempt = self.attempts.get(to, 0) + 1
        refused = refused_at_attempt("+" + to, attempt)
        if refused == "rate_limited":
            raise ApiError(429, 130429, "Rate limit hit", "Cloud API message throughput has been reached.",
                           retry_after_s=1)
        if refused == "temporary":
            raise ApiError(500, 131000, "Something went wrong", "Something went wrong. Please retry.")
        if refused == "not_on_whatsapp":
            raise ApiError(400, 131026, "Message undeliverable", "Receiver is incapable of receiving this message")
        if refused == "refused":
            raise ApiError(400, 131021, "Recipient cannot be sender", "The recipient may not receive messages")

    def inbound(self, sender: Any, at: float) -> str:
        """A citizen wrote to us: their 24-hour window opens at `at`."""
        who = wa_id(sender)
        self.windows[who] = max(at, self.windows.get(who, at))
        return who


def _text(value: Any, limit: int, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise ApiError(400, 100, "Invalid parameter", f"{name} must be a string of at most {limit} characters")
    return value

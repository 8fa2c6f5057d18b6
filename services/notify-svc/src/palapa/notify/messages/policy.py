"""Who may be sent what, and when (pure): kinds of message, preferences and opt-out, quiet hours, caps.

Critical messages (one-time codes, emergencies) skip preferences and quiet hours, as Novu's critical workflows do;
caps apply to every message, so nobody can flood a number with codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from enum import StrEnum

WIB = timezone(timedelta(hours=7), "WIB")  # no DST in Indonesia since 1964
CHANNELS = ("whatsapp", "sms", "email")
ANY_KIND = "*"


class Kind(StrEnum):
    """What a message is about: a citizen sets preferences per kind and per channel."""

    COMPLAINT_RECEIVED = "complaint_received"
    COMPLAINT_FORWARDED = "complaint_forwarded"
    COMPLAINT_IN_PROGRESS = "complaint_in_progress"
    COMPLAINT_RESOLVED = "complaint_resolved"
    COMPLAINT_REJECTED = "complaint_rejected"
    LETTER_READY = "letter_ready"
    AMBULANCE_DISPATCHED = "ambulance_dispatched"
    TAX_DUE = "tax_due"
    ONE_TIME_CODE = "one_time_code"
    SLA_WARNING = "sla_warning"
    SLA_BREACHED = "sla_breached"
    OPD_MESSAGE = "opd_message"  # sent by another app through the API


CRITICAL_KINDS = frozenset({Kind.ONE_TIME_CODE, Kind.AMBULANCE_DISPATCHED})
# words that opt out of a channel, and back in (WhatsApp and SMS replies, any case)
STOP_WORDS = frozenset({"stop", "berhenti", "unreg", "stop semua", "unsubscribe"})
START_WORDS = frozenset({"start", "mulai", "reg", "berlangganan"})


@dataclass(frozen=True)
class Preference:
    """One choice of a citizen: `kind` (or ANY_KIND) on `channel` allowed or not."""

    kind: str
    channel: str
    allowed: bool


@dataclass(frozen=True)
class Refusal:
    """Why a message is not sent; `reason` is stored as the message's failure."""

    reason: str
    detail: str


def is_critical(kind: str, critical: bool = False) -> bool:
    return critical or kind in CRITICAL_KINDS


def critical_values_refused(kind: str, personalisation: Mapping[str, object]) -> Refusal | None:
    """A one-time code skips STOP and quiet hours, so its code must be a code (4–8 digits), never a text that
    turns it into a way round a citizen's opt-out."""
    if kind == Kind.ONE_TIME_CODE:
        code = str(personalisation.get("code", ""))
        if not (code.isascii() and code.isdigit() and 4 <= len(code) <= 8):
            return Refusal("bad_code", "Kode sekali pakai harus 4–8 angka")
    return None


def reply_intent(text: str) -> bool | None:
    """A citizen's reply read as an opt-out (False), an opt-in (True) or neither (None)."""
    word = " ".join(text.strip().lower().split())
    if word in STOP_WORDS:
        return False
    if word in START_WORDS:
        return True
    return None


def permitted(preferences: Iterable[Preference], kind: str, channel: str, *, critical: bool = False) -> Refusal | None:
    """None when the citizen's preferences allow `kind` on `channel`; a channel-wide choice (a STOP) beats a
    per-kind one. Critical messages are always permitted."""
    if is_critical(kind, critical):
        return None
    allowed = {(p.kind, p.channel): p.allowed for p in preferences}
    if allowed.get((ANY_KIND, channel)) is False:
        return Refusal("opted_out", f"Penerima berhenti berlangganan pesan lewat {channel}")
    if allowed.get((kind, channel)) is False:
        return Refusal("preference", f"Penerima tidak ingin menerima pesan {kind} lewat {channel}")
    return None


@dataclass(frozen=True)
class QuietHours:
    """No ordinary message between `start` and `end` WIB (the window may cross midnight)."""

    start: time = time(21, 0)
    end: time = time(6, 0)

    def quiet(self, at: datetime) -> bool:
        local = at.astimezone(WIB).time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def not_before(self, at: datetime, *, critical: bool = False) -> datetime:
        """When a message requested `at` may go: at once, or at the end of the quiet hours (UTC)."""
        if critical or not self.quiet(at):
            return at
        local = at.astimezone(WIB)
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(at.tzinfo)


@dataclass(frozen=True)
class Caps:
    """At most `identical` equal messages and `total` messages per recipient in `window`."""

    identical: int = 20
    total: int = 100
    window: timedelta = timedelta(hours=1)

    def check(self, sent_identical: int, sent_total: int) -> Refusal | None:
        """None while the recipient is under both caps, counting what was already sent in the window."""
        if sent_identical >= self.identical:
            return Refusal("cap_identical", f"Penerima sudah menerima {self.identical} pesan yang sama dalam "
                                            f"{_span(self.window)}")
        if sent_total >= self.total:
            return Refusal("cap_total", f"Penerima sudah menerima {self.total} pesan dalam {_span(self.window)}")
        return None


def _span(window: timedelta) -> str:
    minutes = int(window.total_seconds() // 60)
    return f"{minutes // 60} jam" if minutes % 60 == 0 else f"{minutes} menit"

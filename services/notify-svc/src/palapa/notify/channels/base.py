"""What every message channel offers notify-svc's dispatcher (pure: no I/O here).

A channel adapter is thin: it turns an `Outgoing` into the provider's request, and the provider's answer into
`Accepted`, `TemporaryFailure` or `PermanentFailure`; callbacks become `StatusReport`s. The dispatcher owns
retries, fallback (WhatsApp → SMS), caps and idempotency.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

ChannelName = Literal["whatsapp", "sms", "email"]
DeliveryStatus = Literal["sent", "delivered", "read", "failed"]


@dataclass(frozen=True)
class Outgoing:
    """One message to one recipient, already rendered; `message_id` is the idempotency key at the provider."""

    message_id: str
    channel: ChannelName
    to: str  # E.164 phone (+62…) or an e-mail address; never logged
    body: str  # the rendered text (SMS, e-mail body, WhatsApp free-form text or the template's preview)
    subject: str | None = None  # e-mail only
    # WhatsApp template messages: the approved template's name, its language and the body parameters in order.
    template: str | None = None
    language: str = "id"
    params: tuple[str, ...] = ()
    critical: bool = False  # one-time codes and emergencies


@dataclass(frozen=True)
class Accepted:
    """The provider took the message; its id links later status callbacks to it."""

    provider_id: str


class ChannelError(Exception):
    """A send the provider did not accept; `reason` is safe to store and show (no recipient in it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TemporaryFailure(ChannelError):
    """Try again later (429, 5xx, timeouts); `retry_after_s` when the provider said when."""

    def __init__(self, reason: str, retry_after_s: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after_s = retry_after_s


class PermanentFailure(ChannelError):
    """Never retry on this channel; `not_on_channel` (e.g. a number not on WhatsApp) lets the dispatcher fall back."""

    def __init__(self, reason: str, *, not_on_channel: bool = False) -> None:
        super().__init__(reason)
        self.not_on_channel = not_on_channel


@dataclass(frozen=True)
class StatusReport:
    """One provider callback (or polled status) about one message."""

    provider_id: str
    status: DeliveryStatus
    at: datetime  # aware, UTC
    error: str | None = None
    # our message id as the provider echoes it (WhatsApp's biz_opaque_callback_data, the SMS ref_id): a report
    # for a message whose sender died before it recorded the provider's id still finds its message
    reference: str | None = None


@dataclass(frozen=True)
class InboundText:
    """A citizen's own message (e.g. "STOP"), which also opens WhatsApp's 24-hour window."""

    channel: ChannelName
    sender: str
    text: str
    at: datetime


@dataclass(frozen=True)
class Callback:
    """What one verified provider callback carried."""

    statuses: tuple[StatusReport, ...] = ()
    inbound: tuple[InboundText, ...] = field(default_factory=tuple)
    #: what the adapter's replay guard remembers it by: forgotten again when the callback could not be applied, so
    #: the provider's retry of it is taken, not refused as a replay
    seen_as: str | None = None


class CallbackRefusedError(Exception):
    """A callback that is unsigned, wrongly signed, too old or replayed: answered 4xx with this reason."""


class Channel(Protocol):
    """A provider adapter. Base URL and credentials are settings: the real provider is configuration, not code."""

    name: ChannelName

    async def send(self, message: Outgoing) -> Accepted:
        """Hand one message to the provider; raises TemporaryFailure or PermanentFailure."""
        ...

    def verify_callback(self, headers: Mapping[str, str], body: bytes) -> Callback:
        """Check the provider's signature and parse its callback; raises CallbackRefusedError."""
        ...

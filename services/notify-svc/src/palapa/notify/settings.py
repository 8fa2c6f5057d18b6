"""notify-svc settings (env prefix NOTIFY_; shared names such as DATABASE_URL come from the base)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from palapa.kit.settings import ServiceSettings

#: the development key for contacts at rest (base64 of 32 bytes); refused when PALAPA_ENV=production
DEV_MESSAGES_KEY = "ZGV2ZWxvcG1lbnQtb25seS1wYWxhcGEtbWVzc2FnZXM="


# --- Message providers (the channel adapters in channels/): where they are and their credentials. The URLs default
# to the local simulators; a channel whose secrets are not given is not built (its messages fail visibly). The real
# providers are configuration. A plain model: NotifySettings, the one settings class, reads it.
class ProviderSettings(BaseModel):
    whatsapp_base_url: str = Field("http://127.0.0.1:8122", pattern=r"^https?://\S+$")  # https://graph.facebook.com
    whatsapp_api_version: str = Field("v21.0", pattern=r"^v\d+(\.\d+)?$")
    whatsapp_phone_number_id: str = Field("106540352242922", pattern=r"^\d{6,20}$")
    whatsapp_access_token: SecretStr | None = None
    whatsapp_app_secret: SecretStr | None = None  # signs the webhooks
    sms_base_url: str = Field("http://127.0.0.1:8123", pattern=r"^https?://\S+$")
    sms_api_key: str = Field("sim-sms-key", min_length=1)
    sms_api_secret: SecretStr | None = None  # signs requests and delivery reports
    smtp_host: str | None = None  # the e-mail channel is built when this is given (sim-mail: 127.0.0.1, 8125)
    smtp_port: int = Field(8125, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    mail_from: str = Field("Pemerintah Kota <noreply@palapa.go.id>", max_length=200)
    provider_timeout_seconds: float = Field(10, gt=0, le=120)
    # a callback stamped further than this from now is refused; the same one twice within it is a replay
    callback_window_seconds: int = Field(300, ge=10, le=7 * 24 * 3600)


# --- end of the message providers' settings


class NotifySettings(ServiceSettings, ProviderSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore", populate_by_name=True)

    http_port: int = Field(8103, ge=1, le=65535)
    # Comment lines on an idle stream, so proxies and browsers keep it open.
    heartbeat_seconds: float = Field(15, gt=0, le=300)
    # Origins allowed to read the SSE/JSON routes from another site; NOTIFY_CORS_ORIGINS as JSON or a,b,c.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Updates buffered per live client before that client is dropped (it reconnects and replays).
    client_queue_size: int = Field(64, ge=1, le=10_000)
    # A client whose socket does not take a frame in this time is dropped.
    send_timeout_seconds: float = Field(30, gt=0)
    # A citizen's one stream (GET /citizen/events) ends after this long and the browser reconnects with
    # Last-Event-ID: the gate checks the session again then (a signed-out session's stream ends within it).
    # The gate's citizen tokens live 300 s.
    citizen_stream_max_seconds: float = Field(300, gt=0, le=3600)
    # Opened without Last-Event-ID, a citizen's stream first replays this many newest entries of the feed: what
    # changed between the page's rendering and the stream's opening is not lost (views are whole, so a replay
    # ends on each case's newest).
    citizen_replay: int = Field(20, ge=0, le=1000)
    # The citizens' directory search page (catalog-svc), linked from the citizen page through GET /layanan.
    directory_url: str = Field("http://127.0.0.1:8102/directory/", pattern=r"^https?://\S+$")

    # --- messages (issue 19): contacts at rest, caps, quiet hours, the dispatcher -----------------------------
    # AES-256-GCM key for phone numbers and e-mails at rest, base64 of 32 bytes (NOTIFY_MESSAGES_KEY)
    messages_key: str = Field(DEV_MESSAGES_KEY, repr=False)
    # opens the reporter ComplaintSubmitted v2 carries sealed (phone, e-mail, the citizen's private link): the
    # secret complaint-svc and bridge-curhat hold as COMPLAINT_REPORTER_KEY / BRIDGE_CURHAT_REPORTER_KEY
    reporter_key: SecretStr = Field(SecretStr("palapa-dev-reporters"), repr=False)
    # the gate's account secret (GATE_ACCOUNT_SECRET there): a phone contact is found by the account the gate makes
    # of its number, so a tax-bill reminder for a follower's account reaches that phone (none: no reminders)
    account_secret: SecretStr | None = Field(None, repr=False)
    # the gate's API key (GATE_NOTIFY_API_KEY there): registered at start, for the citizens' one-time codes
    gate_api_key: SecretStr | None = Field(None, repr=False)
    # where a citizen's private link to a ticket points (the citizen page)
    public_url: str = Field("http://127.0.0.1:8103", pattern=r"^https?://\S+$")
    quiet_start_hour: int = Field(21, ge=0, le=23)  # WIB
    quiet_end_hour: int = Field(6, ge=0, le=23)
    cap_identical: int = Field(20, ge=1)
    cap_total: int = Field(100, ge=1)
    cap_window_minutes: int = Field(60, ge=1, le=24 * 60)
    dispatch_batch: int = Field(50, ge=1, le=1000)
    dispatch_idle_seconds: float = Field(0.5, gt=0, le=60)
    # a claimed message not finished in this time (its worker died) is claimed again, and sent with the same id
    dispatch_lease_seconds: float = Field(60, gt=0, le=3600)
    retry_attempts: int = Field(6, ge=1, le=50)
    retry_first_seconds: float = Field(30, ge=0, le=3600)
    idempotency_hours: int = Field(24, ge=1, le=24 * 7)

    @field_validator("messages_key")
    @classmethod
    def _key_is_32_bytes(cls, value: str) -> str:
        import base64
        import binascii

        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 32:
            raise ValueError("NOTIFY_MESSAGES_KEY must be base64 of 32 random bytes")
        return value

    @model_validator(mode="after")
    def _real_messages_key_in_production(self):
        if self.environment == "production" and self.messages_key == DEV_MESSAGES_KEY:
            raise ValueError("NOTIFY_MESSAGES_KEY must be a real key when PALAPA_ENV=production")
        return self

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value):
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                import json

                return json.loads(text)
            return [o.strip() for o in text.split(",") if o.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins_are_origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            if origin != "*" and not origin.startswith(("http://", "https://")):
                raise ValueError(f"NOTIFY_CORS_ORIGINS: {origin!r} is not an origin like https://example.go.id")
        return [o.rstrip("/") for o in value]

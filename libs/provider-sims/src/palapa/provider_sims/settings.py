"""The simulators' settings (plain programs with an HTTP API: no Kafka, no platform database)."""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import SettingsConfigDict

from palapa.kit.settings import FromFiles


class _Quirky(FromFiles):  # FromFiles: each setting also from NAME_FILE (compose's secrets)
    http_host: str = "127.0.0.1"
    # where status callbacks (and WhatsApp's inbound messages) are POSTed; None: nowhere (SMS can still be polled)
    webhook_url: str | None = None
    # how long a callback the receiver does not take (down, 5xx) is retried, with backoff up to 5 s
    webhook_retry_seconds: float = Field(120, ge=0, le=24 * 3600)
    # how long a send takes to be answered, after the provider took the message (a real API's latency: a sender
    # killed meanwhile never learns that it was taken)
    send_delay_seconds: float = Field(0, ge=0, le=30)
    # seconds between one status and the next
    status_delay_seconds: float = Field(0.3, ge=0, le=60)
    duplicate_ratio: float = Field(0.05, ge=0, le=1)
    out_of_order_ratio: float = Field(0.05, ge=0, le=1)
    seed: int | None = None


class WhatsAppSimSettings(_Quirky):
    """SIM_WHATSAPP_*: the WhatsApp Business Cloud API's access token, app secret and phone number id."""

    model_config = SettingsConfigDict(env_prefix="SIM_WHATSAPP_", extra="ignore", populate_by_name=True)

    http_port: int = Field(8122, ge=1, le=65535)
    access_token: SecretStr = SecretStr("sim-whatsapp-token")
    app_secret: SecretStr = SecretStr("sim-whatsapp-app-secret")
    phone_number_id: str = Field("106540352242922", pattern=r"^\d{6,20}$")
    # more approved templates, as JSON: {"name": {"category": "utility", "params": 2, "status": "APPROVED"}}
    templates: dict[str, dict] = Field(default_factory=dict)
    log_level: str = Field("INFO", validation_alias=AliasChoices("SIM_WHATSAPP_LOG_LEVEL", "LOG_LEVEL"))


class SmsSimSettings(_Quirky):
    """SIM_SMS_*: the gateway's API key and secret (requests are signed with both and the time)."""

    model_config = SettingsConfigDict(env_prefix="SIM_SMS_", extra="ignore", populate_by_name=True)

    http_port: int = Field(8123, ge=1, le=65535)
    api_key: str = "sim-sms-key"
    api_secret: SecretStr = SecretStr("sim-sms-secret")
    # how far a request's signing time may be from the gateway's clock
    time_window_seconds: int = Field(300, ge=1, le=3600)
    log_level: str = Field("INFO", validation_alias=AliasChoices("SIM_SMS_LOG_LEVEL", "LOG_LEVEL"))


class MailSimSettings(FromFiles):
    """SIM_MAIL_*: an SMTP server and the HTTP listing of what arrived."""

    model_config = SettingsConfigDict(env_prefix="SIM_MAIL_", extra="ignore", populate_by_name=True)

    http_host: str = "127.0.0.1"
    http_port: int = Field(8124, ge=1, le=65535)
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(8125, ge=0, le=65535)  # 0: any free port (tests)
    max_message_bytes: int = Field(1_000_000, ge=1_000, le=50_000_000)
    keep_messages: int = Field(10_000, ge=1)
    log_level: str = Field("INFO", validation_alias=AliasChoices("SIM_MAIL_LOG_LEVEL", "LOG_LEVEL"))

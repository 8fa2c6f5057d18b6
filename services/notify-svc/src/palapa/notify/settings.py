"""notify-svc settings (env prefix NOTIFY_; shared names such as DATABASE_URL come from the base)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from palapa.kit.settings import ServiceSettings


# --- Message providers (the channel adapters in channels/): where they are and their credentials. The defaults
# reach the local simulators under `./palapa up`; the real providers are configuration. Refused in production
# while a secret is still the simulators' placeholder. A plain model: NotifySettings, the one settings class, reads it.
class ProviderSettings(BaseModel):
    whatsapp_base_url: str = Field("http://127.0.0.1:8122", pattern=r"^https?://\S+$")  # https://graph.facebook.com
    whatsapp_api_version: str = Field("v21.0", pattern=r"^v\d+(\.\d+)?$")
    whatsapp_phone_number_id: str = Field("106540352242922", pattern=r"^\d{6,20}$")
    whatsapp_access_token: SecretStr = SecretStr("sim-whatsapp-token")
    whatsapp_app_secret: SecretStr = SecretStr("sim-whatsapp-app-secret")  # signs the webhooks
    sms_base_url: str = Field("http://127.0.0.1:8123", pattern=r"^https?://\S+$")
    sms_api_key: str = Field("sim-sms-key", min_length=1)
    sms_api_secret: SecretStr = SecretStr("sim-sms-secret")  # signs requests and delivery reports
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(8125, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    mail_from: str = Field("Pemerintah Kota <noreply@palapa.go.id>", max_length=200)
    provider_timeout_seconds: float = Field(10, gt=0, le=120)
    # a callback stamped further than this from now is refused; the same one twice within it is a replay
    callback_window_seconds: int = Field(300, ge=10, le=7 * 24 * 3600)

    @model_validator(mode="after")
    def _no_simulator_secrets_in_production(self):
        placeholders = {"sim-whatsapp-token", "sim-whatsapp-app-secret", "sim-sms-secret"}
        given = {s.get_secret_value() for s in (self.whatsapp_access_token, self.whatsapp_app_secret,
                                                 self.sms_api_secret)}
        if getattr(self, "environment", "development") == "production" and given & placeholders:
            raise ValueError("NOTIFY_WHATSAPP_*/NOTIFY_SMS_* secrets are the simulators' placeholders")
        return self
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
    # The citizens' directory search page (catalog-svc), linked from the citizen page through GET /layanan.
    directory_url: str = Field("http://127.0.0.1:8102/directory/", pattern=r"^https?://\S+$")

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

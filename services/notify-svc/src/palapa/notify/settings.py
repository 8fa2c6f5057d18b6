"""notify-svc settings (env prefix NOTIFY_; shared names such as DATABASE_URL come from the base)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from palapa.kit.settings import ServiceSettings


class NotifySettings(ServiceSettings):
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

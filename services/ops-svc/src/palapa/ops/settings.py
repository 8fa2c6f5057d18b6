"""ops-svc settings (env prefix OPS_; shared names such as DATABASE_URL come from the base)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from palapa.kit.settings import ServiceSettings


class OpsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="OPS_", extra="ignore", populate_by_name=True)

    http_port: int = Field(8113, ge=1, le=65535)
    # the lag sampler (lagsampler.py): every process's GET /ops/consumers (`name=url` pairs, the one list's link)
    consumers_urls: str = Field("", max_length=10_000)
    lag_sample_seconds: float = Field(30.0, ge=1, le=3600)
    lag_keep_hours: float = Field(24.0, gt=0, le=24 * 14)
    # ops-svc's own client (client-credentials grant, its service account holds the `sre` role); without it the
    # sampler does not run (the local identity provider has no client-credentials grant: docs/operations.md)
    client_id: str | None = Field(None, max_length=200)
    client_secret: SecretStr | None = Field(None, repr=False)

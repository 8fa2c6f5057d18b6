"""complaint-svc settings (env prefix COMPLAINT_; shared names such as DATABASE_URL come from the base)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from palapa.kit.settings import ServiceSettings

from .sla.workdays import parse_closures


class ComplaintSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="COMPLAINT_", extra="ignore", populate_by_name=True)

    http_port: int = Field(8101, ge=1, le=65535)
    # Working days an OPD has to follow a complaint up (SP4N-LAPOR!: 5), COMPLAINT_DUE_WORKING_DAYS.
    due_working_days: int = Field(5, ge=1, le=260)
    # Working days to verify a complaint and forward it to an OPD (SP4N-LAPOR!: 3), COMPLAINT_FORWARD_WORKING_DAYS;
    # both defaults can be overridden per category in the routing table.
    forward_working_days: int = Field(3, ge=1, le=60)
    # How often the deadline checker looks for warnings and breaches due (seconds).
    sla_check_seconds: float = Field(30.0, gt=0, le=3600)
    # The old shared staff token, read only to refuse it: staff sign in at OIDC_ISSUER now (docs/access.md).
    staff_token: str | None = None
    # The city's own closures on top of national holidays and cuti bersama: COMPLAINT_CLOSURES=2026-06-10,2026-06-11
    closures: Annotated[tuple[date, ...], NoDecode] = ()
    # The citizen page where a ticket is followed live (notify-svc), for the link the form gives back.
    # OPDs whose complaints a legacy app keeps as the system of record: a portal or Open311 complaint routed to
    # one is sent to Curhat Ning Ita's bridge as a command (COMPLAINT_WRITE_BACK_OPDS=DPUPR,DLH; "*" = every OPD,
    # "" = none). Mojokerto's complaints to the mayor all live in Curhat Ning Ita.
    write_back_opds: Annotated[tuple[str, ...], NoDecode] = ("*",)
    track_url: str = Field("http://127.0.0.1:8103/", pattern=r"^https?://")
    # seals the reporter on ComplaintSubmitted v2 for notify-svc and opens a bridge's (the same secret as
    # NOTIFY_REPORTER_KEY and BRIDGE_CURHAT_REPORTER_KEY), and on RecordComplaint v2 for bridge-curhat (identity.py)
    reporter_key: SecretStr = Field(SecretStr("palapa-dev-reporters"), repr=False)
    # seals the reporter's name, phone and e-mail in complaint-svc's own tables (its alone)
    contacts_key: SecretStr = Field(SecretStr("palapa-dev-complaint-contacts"), repr=False)
    # The old calendar-day setting, read only to refuse it: a silently ignored deadline is worse than a failed start.
    due_days: int | None = None

    @field_validator("write_back_opds", mode="before")
    @classmethod
    def _opds_from_a_list(cls, value):
        if isinstance(value, str):
            return tuple(o.strip().upper() for o in value.split(",") if o.strip())
        return value

    @field_validator("closures", mode="before")
    @classmethod
    def _closures_from_a_list(cls, value):
        return parse_closures(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _no_shared_staff_token(self):
        if self.staff_token is not None:
            raise ValueError("COMPLAINT_STAFF_TOKEN is gone: staff sign in at the identity provider (OIDC_ISSUER) and "
                             "send their own token; see docs/access.md")
        return self

    @model_validator(mode="after")
    def _no_calendar_days(self):
        if self.due_days is not None:
            raise ValueError(
                "COMPLAINT_DUE_DAYS (calendar days) is gone: set COMPLAINT_DUE_WORKING_DAYS (working days) instead"
            )
        return self

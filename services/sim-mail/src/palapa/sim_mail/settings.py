"""sim-mail's settings (SIM_MAIL_*), read from the environment of this program."""

from __future__ import annotations

from palapa.provider_sims.settings import MailSimSettings


class SimMailSettings(MailSimSettings):
    """SIM_MAIL_* (see palapa.provider_sims.settings)."""

"""sim-sms's settings (SIM_SMS_*), read from the environment of this program."""

from __future__ import annotations

from palapa.provider_sims.settings import SmsSimSettings


class SimSmsSettings(SmsSimSettings):
    """SIM_SMS_* (see palapa.provider_sims.settings)."""

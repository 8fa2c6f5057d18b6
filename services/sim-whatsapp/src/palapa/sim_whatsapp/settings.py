"""sim-whatsapp's settings (SIM_WHATSAPP_*), read from the environment of this program."""

from __future__ import annotations

from palapa.provider_sims.settings import WhatsAppSimSettings


class SimWhatsAppSettings(WhatsAppSimSettings):
    """SIM_WHATSAPP_* (see palapa.provider_sims.settings)."""

"""sim-psc119's settings: the simulated app's (SIM_PSC119_*), read from the environment of this program."""

from __future__ import annotations

from palapa.psc119_legacy.settings import LegacyAppSettings


class SimPsc119Settings(LegacyAppSettings):
    """SIM_PSC119_* (see palapa.psc119_legacy.settings)."""

"""sim-psc119's settings: the simulated app's (SIM_PSC119_*), read from the environment of this program."""

from __future__ import annotations

from palapa.kit.settings import FromFiles
from palapa.psc119_legacy.settings import LegacyAppSettings


class SimPsc119Settings(FromFiles, LegacyAppSettings):  # FromFiles: each also from NAME_FILE (compose's secrets)
    """SIM_PSC119_* (see palapa.psc119_legacy.settings)."""

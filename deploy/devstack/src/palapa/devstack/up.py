"""`palapa-up`: run the whole platform on this machine until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import time

from palapa.kit.loops import pause

from . import platform_env, startup
from .settings import DevstackSettings
from .stack import Stack, StackError


def _progress(started: float):
    def line(text: str) -> None:
        print(f"[{time.monotonic() - started:6.1f}s] {text}", flush=True)

    return line


async def run(args: argparse.Namespace) -> int:
    settings = DevstackSettings()
    # counted from `./palapa up` itself (uv's check and this process's imports included), else from now
    began = time.monotonic() - startup.since_invoked(settings.invoked_at, time.time())
    stack = Stack(settings, fixed_ports=not args.free_ports, simulate=not args.no_sim, progress=_progress(began))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stack.start()
        platform_env.write(settings.data_dir, platform_env.of(stack))
        took = time.monotonic() - began
        runs = stack.running.items()
        print("\n" + "\n".join(startup.summary(took, [(n, r.ready_after) for n, r in runs],
                                                cpu=[r.cpu_to_ready for _, r in runs],
                                                shared_cpu=stack.forks.cpu_seconds() if stack.forks else None,
                                                launcher_cpu=startup.cpu_seconds(os.getpid()))))
        if stack.gate:
            print(f"\nCitizens: {stack.gate.url}/  (every page and API, through the gate)")
        print("\nPalapa is running:")
        for name, where in stack.endpoints():
            print(f"  {name:<28} {where}")
        print("\nCtrl-C stops everything.", flush=True)
        while not await pause(stop, 1.0):
            await stack.restart_crashed()
        return 0
    except StackError as exc:
        print(f"\nPalapa could not run: {exc}", file=sys.stderr)
        return 1
    finally:
        platform_env.remove(settings.data_dir)
        print("\nstopping…", flush=True)
        await asyncio.to_thread(stack.stop)
        print("stopped.", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="palapa-up", description=__doc__)
    parser.add_argument("--no-sim", action="store_true", help="do not run the legacy apps' simulators")
    parser.add_argument("--free-ports", action="store_true", help="pick free ports instead of 8101-8104/19092/15432")
    sys.exit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()

"""The whole platform as separate processes on the test session's own broker and database, with an
OTLP/HTTP receiver standing in for Jaeger so the test can read the spans every service exports."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import pytest_asyncio
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from palapa.devstack.services import CURHAT_FLOW
from palapa.devstack.settings import DevstackSettings
from palapa.devstack.stack import Stack
from palapa.kit.signing import generate, private_jwk


class Spans:
    """Spans received over OTLP: (service, name, trace id, span id, parent id)."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str]] = []
        self.lock = threading.Lock()

    def add(self, body: bytes) -> None:
        req = ExportTraceServiceRequest.FromString(body)
        with self.lock:
            for rs in req.resource_spans:
                service = next(
                    (a.value.string_value for a in rs.resource.attributes if a.key == "service.name"), "?"
                )
                for ss in rs.scope_spans:
                    for s in ss.spans:
                        self.rows.append((service, s.name, s.trace_id.hex(), s.span_id.hex(), s.parent_span_id.hex()))

    def by_trace(self) -> dict[str, list[tuple[str, str]]]:
        with self.lock:
            out = defaultdict(list)
            for service, name, trace_id, *_ in self.rows:
                out[trace_id].append((service, name))
            return out


@pytest.fixture(scope="session")
def otlp():
    spans = Spans()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path == "/v1/traces":
                spans.add(body)
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield spans, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


# Every e2e test shares this one platform: the processes it starts cost ~5 s of CPU each, so a second stack in the
# same run (or the same stack on every xdist worker) is what made the suite slow. The tests are marked `e2e` and
# `./palapa test` runs them in one process after the parallel part. (xdist's `--dist loadgroup` would keep them on one
# worker, but it does not group under pytest 9.2: it renames `item._nodeid`, which pytest 9 no longer reads.)
E2E_PROCESSES = (*CURHAT_FLOW, "tracking-svc", "taxbill-svc", "gate-svc", "sim-whatsapp", "sim-sms",
                 "ops-svc", "sim-simakel", "bridge-simakel")
#: the gate's citizen-token key, known to the tests so they can make an expired token it signed
CITIZEN_KEY = generate("e2e-gate-citizen")


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marks
def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    ours = [item for item in items if here in Path(item.path).parents]
    for item in ours:
        item.add_marker(pytest.mark.e2e)
    # last: the platform is session-scoped and stays up until the session ends, so nothing should run beside it
    mine = set(map(id, ours))
    items[:] = [item for item in items if id(item) not in mine] + ours


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def platform(otlp, kafka_session, pg_server_url):
    """Every process the e2e tests need, tracing to the test's OTLP receiver, Caddy in front (no legacy app's
    simulator but Si Makel's, still: the tests write the legacy rows themselves; the message providers' simulators,
    for sign-in codes; Si Makel's, where the gate files letters)."""
    folder = Path(tempfile.mkdtemp(prefix="palapa-e2e-"))
    os.chmod(folder, 0o755)
    settings = DevstackSettings(
        PALAPA_DATA_DIR=folder, KAFKA_BOOTSTRAP_SERVERS=kafka_session, DATABASE_URL=pg_server_url,
        OTEL_EXPORTER_OTLP_ENDPOINT=otlp[1], LOG_LEVEL="INFO", KAFKA_PROFILE="tansu",
    )
    # tool_key: the tests inject events as a bridge would, signed by the stack's tool key; the sign-in and form
    # limits raised for the staff workspace's many sign-ins from one address
    stack = Stack(settings, durable=False, simulate=False, only=E2E_PROCESSES, tool_key=True,
                  extra_env={"notify-svc": {"NOTIFY_HEARTBEAT_SECONDS": "1"},
                             # Si Makel changes only when a test says (letters filed through the gate, a staff move)
                             "sim-simakel": {"SIM_SIMAKEL_SUBMISSIONS_PER_MINUTE": "0",
                                             "SIM_SIMAKEL_MOVES_PER_MINUTE": "0", "SIM_SIMAKEL_QUIRK_RATIO": "0"},
                             "gate-svc": {"GATE_SIGNIN_BURST": "200", "GATE_FORM_BURST": "200",
                                          "GATE_CITIZEN_KEY": private_jwk(CITIZEN_KEY)}})
    try:
        await stack.start()
        assert stack.gate is not None
        yield stack
    finally:
        stack.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def kafka_session():
    from palapa.localstack import LocalTansu

    with LocalTansu() as tansu:
        yield tansu.bootstrap

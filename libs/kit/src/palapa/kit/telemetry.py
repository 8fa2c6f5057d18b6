"""OpenTelemetry setup: one TracerProvider per process, OTLP/HTTP export when an endpoint is set."""

from __future__ import annotations

import logging

from opentelemetry.context import attach, detach
from opentelemetry.propagate import extract, inject
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON

log = logging.getLogger(__name__)


def configure_logging(level: str) -> None:
    """The one log format of every process."""
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    from .lognoise import quiet_repeats

    quiet_repeats()  # a broker outage: a few lines, not thousands


def setup_tracing(service_name: str, otlp_endpoint: str | None, exporter: SpanExporter | None = None) -> TracerProvider:
    """Build the process's TracerProvider; spans go to OTLP when otlp_endpoint is set.

    With nowhere to send spans, none is recorded (ALWAYS_OFF): trace context still travels in the record
    headers, so a downstream service that exports still joins the trace, but no CPU goes into spans
    nobody can see (a span per record and per relayed row, ~15% of a consumer's time, profiled)."""
    if exporter is None and otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=otlp_endpoint.rstrip("/") + "/v1/traces")
    provider = TracerProvider(
        resource=Resource.create({"service.name": service_name}), sampler=ALWAYS_ON if exporter else ALWAYS_OFF
    )
    if exporter is not None:
        provider.add_span_processor(BatchSpanProcessor(exporter, schedule_delay_millis=500))
    return provider


def current_traceparent() -> dict[str, str]:
    """The W3C trace context of the current span, to store beside an outbox row."""
    carrier: dict[str, str] = {}
    inject(carrier)
    return carrier


def context_from(carrier: dict[str, str] | None):
    return extract(carrier or {})


def records(provider: TracerProvider) -> bool:
    """Whether the provider records spans (setup_tracing: only when they have somewhere to go)."""
    return provider.sampler is not ALWAYS_OFF


def instrument_engine(engine, provider: TracerProvider) -> None:
    """Database spans for this engine with this provider (none when it records nothing: the hooks cost CPU on
    every statement).

    SQLAlchemyInstrumentor is a process-wide singleton that ignores a second `instrument()` call, and
    tests run several services in one process: so trace the engine directly, as the instrumentor does.
    """
    if not records(provider):
        return
    from opentelemetry.instrumentation.sqlalchemy import __version__ as version
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
    from opentelemetry.metrics import NoOpMeterProvider

    tracer = provider.get_tracer("opentelemetry.instrumentation.sqlalchemy", version)
    usage = NoOpMeterProvider().get_meter("palapa").create_up_down_counter("db.client.connections.usage")
    EngineTracer(tracer, engine.sync_engine, usage)


def instrument_app(app, provider: TracerProvider) -> None:
    """Server spans for every request; when the provider records nothing, only the caller's trace context is
    carried (to the outbox rows a request writes): the instrumentation's five middlewares cost ~5 % of a
    request's CPU for spans nobody sees (profiled under `./palapa bench notify`)."""
    if not records(provider):
        app.add_middleware(CallerTraceContext)
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider, excluded_urls="healthz,readyz,metrics")


class CallerTraceContext:
    """Plain ASGI: a request's `traceparent` (and `tracestate`) become its current context, so what it causes
    downstream joins the caller's trace, as it does with the instrumentation on."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        carrier = {}
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name in (b"traceparent", b"tracestate"):
                    carrier[name.decode()] = value.decode("latin-1")
        if not carrier:
            await self.app(scope, receive, send)
            return
        token = attach(extract(carrier))
        try:
            await self.app(scope, receive, send)
        finally:
            detach(token)

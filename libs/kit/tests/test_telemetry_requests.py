"""A request's trace: with spans exported, a server span per request; with nowhere to send spans, none is made
(the instrumentation's middlewares cost CPU for nothing), but the caller's trace context is still carried to
what the request writes (its outbox rows), so downstream services join the caller's trace."""

import httpx
from fastapi import FastAPI
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from palapa.kit.telemetry import CallerTraceContext, current_traceparent, instrument_app, setup_tracing

CALLER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def app_with(provider) -> FastAPI:
    app = FastAPI()

    @app.get("/carried")
    async def carried():
        return current_traceparent()

    instrument_app(app, provider)
    return app


async def ask(app: FastAPI, headers: dict[str, str]) -> dict:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as http:
        return (await http.get("/carried", headers=headers)).json()


async def test_without_export_the_callers_trace_context_is_carried_and_no_span_is_made():
    app = app_with(setup_tracing("svc", None))
    carried = await ask(app, {"traceparent": CALLER})
    assert carried["traceparent"].split("-")[1] == CALLER.split("-")[1]
    assert await ask(app, {}) == {}  # no caller's context: none made up
    assert [m.cls for m in app.user_middleware] == [CallerTraceContext]


async def test_with_export_each_request_has_a_server_span_in_the_callers_trace():
    exporter = InMemorySpanExporter()
    provider = setup_tracing("svc", None, exporter)
    carried = await ask(app_with(provider), {"traceparent": CALLER})
    provider.force_flush()
    assert carried["traceparent"].split("-")[1] == CALLER.split("-")[1]
    assert {s.context.trace_id for s in exporter.get_finished_spans()} == {int(CALLER.split("-")[1], 16)}

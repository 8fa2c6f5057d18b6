"""Palapa's test library (a pytest plugin through its entry point): real servers, waiting, service harnesses,
and the SSE reader (`palapa.testkit.sse`, also the benchmarks')."""

from .broker import BrokerProxy, EventProducer, Received, TopicReader, event_ids_on
from .harness import Service, asyncapi_document, migrated_session, running
from .waiting import eventually

__all__ = [
    "BrokerProxy", "EventProducer", "Received", "Service", "asyncapi_document", "TopicReader", "event_ids_on",
    "eventually", "migrated_session", "running",
]

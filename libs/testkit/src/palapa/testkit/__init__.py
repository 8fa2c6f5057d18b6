"""Palapa's test library (a pytest plugin through its entry point): real servers, waiting, service harnesses."""

from .broker import BrokerProxy, EventProducer, Received, TopicReader
from .harness import Service, migrated_session, running
from .waiting import eventually

__all__ = ["BrokerProxy", "EventProducer", "Received", "Service", "TopicReader", "eventually", "migrated_session", "running"]

"""The one place broker tuning lives, and the FastStream broker every service builds."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.helpers import create_ssl_context
from faststream.kafka import KafkaBroker
from faststream.kafka.security import parse_security
from faststream.security import SASLScram512
from opentelemetry import propagate

from .settings import PlatformSettings, ServiceSettings

# Measured (STACK-NOTES): Tansu answers a waiting fetch only when fetch_max_wait_ms runs out, so a low
# wait is the latency; group joins take ~session_timeout/2. Apache Kafka answers fetches on arrival.
CONSUMER_TUNING: dict[str, dict[str, Any]] = {
    "tansu": {"fetch_max_wait_ms": 10, "session_timeout_ms": 6000, "heartbeat_interval_ms": 1000},
    "kafka": {"fetch_max_wait_ms": 500, "session_timeout_ms": 10000, "heartbeat_interval_ms": 3000},
}
# A critical topic (emergencies) polls the broker more often: on Tansu the fetch wait is its latency. Apache Kafka
# answers a fetch as soon as a record arrives, so its wait costs no latency and stays as it is.
CRITICAL_CONSUMER_TUNING: dict[str, dict[str, Any]] = {
    "tansu": {"fetch_max_wait_ms": 2},
    "kafka": {},
}
# Tansu refuses idempotent and transactional producers from aiokafka: at-least-once + outbox instead.
PRODUCER_TUNING: dict[str, dict[str, Any]] = {
    "tansu": {"enable_idempotence": False, "acks": "all", "linger_ms": 0, "request_timeout_ms": 10000},
    "kafka": {"enable_idempotence": False, "acks": "all", "linger_ms": 5, "request_timeout_ms": 30000},
}


#: record batches of the relay (outbox_batch): big enough that a backlog goes in few requests, well under the
#: brokers' default message.max.bytes (1 MiB)
RELAY_BATCH_BYTES = 256 * 1024


def consumer_options(settings: ServiceSettings, group_id: str, *, critical: bool = False) -> dict[str, Any]:
    """Subscriber keyword arguments: a named group, earliest on first start, commits only by our code."""
    options = {
        "group_id": group_id,
        "auto_offset_reset": "earliest",
        **CONSUMER_TUNING[settings.kafka_profile],
        **(CRITICAL_CONSUMER_TUNING[settings.kafka_profile] if critical else {}),
    }
    if settings.kafka_fetch_max_wait_ms is not None:  # the tests' stacks trade latency for idle CPU
        options["fetch_max_wait_ms"] = settings.kafka_fetch_max_wait_ms
    if settings.kafka_session_timeout_ms is not None:
        options["session_timeout_ms"] = settings.kafka_session_timeout_ms
        options["heartbeat_interval_ms"] = settings.kafka_session_timeout_ms // 3
    return options


def broker_security(settings: PlatformSettings) -> SASLScram512 | None:
    """The process's own broker user (SASL/SCRAM-SHA-512), or None on a broker without authentication (Tansu)."""
    if settings.kafka_security_protocol == "PLAINTEXT":
        return None
    tls = settings.kafka_security_protocol == "SASL_SSL"
    return SASLScram512(settings.kafka_sasl_username or "", settings.kafka_sasl_password.get_secret_value(),
                        ssl_context=create_ssl_context() if tls else None, use_ssl=tls)


def client_security(settings: PlatformSettings) -> dict[str, Any]:
    """The same user as aiokafka keyword arguments, for the clients built without FastStream (producer, admin)."""
    security = broker_security(settings)
    return parse_security(security) if security else {}


def make_broker(settings: ServiceSettings, client_id: str) -> KafkaBroker:
    """A KafkaBroker. Trace context travels in record headers, set by the kit itself: the outbox relay injects
    the context of what caused each row, and the consumer starts one span per record from it (FastStream's
    telemetry middleware would make one orphan span per batch)."""
    return KafkaBroker(
        settings.kafka_bootstrap_servers.split(","),
        client_id=client_id,
        # Per-message logs at DEBUG (they halve throughput at INFO, STACK-NOTES); errors still logged.
        logger=logging.getLogger("palapa.broker"),
        log_level=logging.DEBUG,
        security=broker_security(settings),
        **PRODUCER_TUNING[settings.kafka_profile],
    )


def make_producer(settings: ServiceSettings, client_id: str) -> AIOKafkaProducer:
    """A plain producer for the outbox relay: FastStream's per-record middleware and spans cost ~2/3 of the
    relay's time (profiled), and the relay already has one span per row."""
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers.split(","), client_id=client_id,
        max_batch_size=RELAY_BATCH_BYTES, **PRODUCER_TUNING[settings.kafka_profile], **client_security(settings),
    )


async def send_traced(producer: AIOKafkaProducer, topic: str, key: bytes | None, value: bytes, headers: dict[str, str]):
    """Hand one record to the producer with the current span's W3C trace context in its headers; returns the
    delivery future (await it for the broker's acknowledgement)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    if not carrier:  # no current span (the relay without recording): the headers carry the cause's context
        return await producer.send(topic, value, key=key, headers=[(k, str(v).encode()) for k, v in headers.items()])
    pairs = [(k, str(v).encode()) for k, v in headers.items() if k not in carrier]
    return await producer.send(topic, value, key=key, headers=pairs + [(k, v.encode()) for k, v in carrier.items()])


async def start_broker(broker: KafkaBroker) -> None:
    """Start the broker with its subscribers joining their groups at once. FastStream's `start()` starts them one
    after another, and aiokafka's consumer start waits for its group's assignment (~session_timeout/2 on Tansu):
    notify-svc's three groups took 9 s to start instead of 3."""
    await broker.connect()
    await asyncio.gather(*(subscriber.start() for subscriber in broker.subscribers))
    for publisher in broker.publishers:
        await publisher.start()
    broker.running = True

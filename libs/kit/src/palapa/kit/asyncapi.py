"""A service's AsyncAPI 3.0 document: the topics it consumes and publishes, with the events' payload schemas.

FastStream writes the document from a broker. The service's own broker cannot say it all: its
subscribers take raw records (the inbox parses them), and it publishes through the outbox, not through
FastStream publishers. So the document comes from a broker built for it alone, never connected: one
subscriber per consumed topic (read off the runtime's broker) and one publisher per published topic,
each typed with the events the topic registry lists for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Union

from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI

from palapa.contracts.topics import ALL_TOPICS, DEAD_LETTERS, Topic

from .runtime import Runtime

_REGISTRY = {t.name: t for t in ALL_TOPICS}


def consumed_topics(broker: KafkaBroker) -> list[Topic]:
    """The registry's topics the broker's subscribers read, in the order they were registered."""
    names = dict.fromkeys(t.name for sub in broker.subscribers for t in sub.topics)
    return [_REGISTRY[name] for name in names if name in _REGISTRY]


def document(runtime: Runtime, publishes: Iterable[Topic], *, title: str, version: str) -> dict[str, Any]:
    """The AsyncAPI 3.0 document of a service as a JSON-ready dict."""
    consumes = consumed_topics(runtime.broker)
    published = list({t.name: t for t in publishes}.values())
    if consumes and DEAD_LETTERS not in published:
        published.append(DEAD_LETTERS)  # the inbox reports every record it cannot handle there
    docs = KafkaBroker(runtime.settings.kafka_bootstrap_servers, description=f"Kafka of {runtime.name}")
    for topic in consumes:
        docs.subscriber(topic.name, title=f"{topic.name}:receive", description=_describe(topic))(_reader(topic))
    for topic in published:
        docs.publisher(topic.name, title=f"{topic.name}:send", description=_describe(topic), schema=_payload(topic))
    spec = AsyncAPI(docs, title=title, version=version, schema_version="3.0.0", description=_ENVELOPE)
    doc = spec.to_specification().to_jsonable()
    for message in doc.get("components", {}).get("messages", {}).values():
        message.pop("correlationId", None)  # FastStream's own header; our records carry ce_id instead
    return doc


_ENVELOPE = (
    "Every record is a CloudEvents 1.0 event in the Kafka binding's binary mode: the ce_* headers "
    "(ce_id, ce_type, ce_source, ce_time, …), the event's JSON as the value, the key named per topic."
)


def _describe(topic: Topic) -> str:
    return f"ce_type: {', '.join(topic.event_types)}; key: {topic.key}; {topic.partitions} partition(s)"


def _payload(topic: Topic) -> Any:
    return Union[topic.events]  # noqa: UP007 - a union built from a tuple of models


def _reader(topic: Topic):
    """A handler typed with the topic's events, for the document only (it never runs)."""

    async def handler(event) -> None:  # pragma: no cover - never called
        raise NotImplementedError

    handler.__name__ = "on_" + topic.name.replace(".", "_")
    handler.__annotations__ = {"event": _payload(topic), "return": None}
    return handler


def summary(doc: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """What a document says, in brief: {"receive"/"send": {topic: [payload schema names]}}."""
    out: dict[str, dict[str, list[str]]] = {}
    for operation in doc.get("operations", {}).values():
        address = _resolve(doc, operation["channel"]["$ref"])["address"]
        names = []
        for ref in operation["messages"]:
            message = _resolve(doc, _resolve(doc, ref["$ref"])["$ref"])
            payload_ref = message["payload"]["$ref"]
            payload = _resolve(doc, payload_ref)
            alternatives = payload.get("anyOf") or payload.get("oneOf")
            names += ([a["$ref"].rsplit("/", 1)[1] for a in alternatives] if alternatives
                      else [payload_ref.rsplit("/", 1)[1]])
        out.setdefault(operation["action"], {})[address] = names
    return out


def _resolve(doc: dict[str, Any], ref: str) -> dict[str, Any]:
    node: Any = doc
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node

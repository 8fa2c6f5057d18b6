"""Which incarnation of each topic the broker holds now: its cluster id and topic id.

Kafka Metadata v10+ (KIP-516) answers a UUID per topic, new whenever a topic is created. A memory-only
Tansu restarted empty re-creates its topics with new ids (its cluster id is a fixed `tansu_cluster`), so
a changed id means the records published before are gone. Apache Kafka keeps topic ids across restarts.
aiokafka 0.14 speaks Metadata only up to v5 (no topic ids): the v10 request is defined here.
"""

from __future__ import annotations

import logging
import uuid
from io import BytesIO

from aiokafka.client import AIOKafkaClient
from aiokafka.errors import IncompatibleBrokerVersion, for_code
from aiokafka.protocol.api import Request, RequestStruct, Response
from aiokafka.protocol.types import (
    AbstractType,
    Boolean,
    CompactArray,
    CompactString,
    Int16,
    Int32,
    Schema,
    TaggedFields,
)

log = logging.getLogger(__name__)
_NO_ID = uuid.UUID(int=0)
_UNKNOWN_TOPIC = 3


class _Uuid(AbstractType[uuid.UUID]):
    @classmethod
    def encode(cls, value: uuid.UUID | None) -> bytes:
        return (value or _NO_ID).bytes

    @classmethod
    def decode(cls, data: BytesIO) -> uuid.UUID:
        return uuid.UUID(bytes=data.read(16))


_S = CompactString("utf-8")


class MetadataResponse_v10(Response):  # noqa: N801 (Kafka's naming)
    API_KEY = 3
    API_VERSION = 10
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        ("brokers", CompactArray(
            ("node_id", Int32), ("host", _S), ("port", Int32), ("rack", _S), ("tags", TaggedFields),
        )),
        ("cluster_id", _S),
        ("controller_id", Int32),
        ("topics", CompactArray(
            ("error_code", Int16), ("name", _S), ("topic_id", _Uuid), ("is_internal", Boolean),
            ("partitions", CompactArray(
                ("error_code", Int16), ("partition_index", Int32), ("leader_id", Int32), ("leader_epoch", Int32),
                ("replica_nodes", CompactArray(Int32)), ("isr_nodes", CompactArray(Int32)),
                ("offline_replicas", CompactArray(Int32)), ("tags", TaggedFields),
            )),
            ("topic_authorized_operations", Int32), ("tags", TaggedFields),
        )),
        ("cluster_authorized_operations", Int32),
        ("tags", TaggedFields),
    )


class MetadataRequest_v10(RequestStruct):  # noqa: N801
    FLEXIBLE_VERSION = True
    API_KEY = 3
    API_VERSION = 10
    RESPONSE_TYPE = MetadataResponse_v10
    SCHEMA = Schema(
        ("topics", CompactArray(("topic_id", _Uuid), ("name", _S), ("tags", TaggedFields))),
        ("allow_auto_topic_creation", Boolean),
        ("include_cluster_authorized_operations", Boolean),
        ("include_topic_authorized_operations", Boolean),
        ("tags", TaggedFields),
    )


class _TopicMetadata(Request[MetadataRequest_v10]):
    API_KEY = 3

    def __init__(self, topics: list[str]) -> None:
        self.topics = topics

    def build(self, request_struct_class: type[MetadataRequest_v10]) -> MetadataRequest_v10:
        # never auto-create: asking must not make a topic with the broker's default partitions
        return request_struct_class([(None, t, {}) for t in self.topics], False, False, False, {})


class BrokerIdentity:
    """Asks the broker for the incarnation of topics: 'cluster-id/topic-id', or None when it has no such topic."""

    def __init__(self, bootstrap: str, client_id: str = "palapa-incarnation", security: dict | None = None) -> None:
        self.bootstrap = bootstrap
        self.security = security or {}  # the process's broker user (kafka.client_security)
        self.client_id = client_id
        self._client: AIOKafkaClient | None = None
        self.unsupported = False

    async def incarnations(self, topics: list[str]) -> dict[str, str | None]:
        if self._client is None:
            client = AIOKafkaClient(bootstrap_servers=self.bootstrap.split(","), client_id=self.client_id,
                                    request_timeout_ms=10000, **self.security)
            try:
                await client.bootstrap()
            except BaseException:
                await client.close()
                raise
            self._client = client
        client = self._client
        if self.unsupported:
            return {}
        try:
            response = await client.send(client.get_random_node(), _TopicMetadata(sorted(topics)))
        except (IncompatibleBrokerVersion, NotImplementedError) as exc:
            # a broker older than Kafka 2.8 has no topic ids: never mistake that for a new incarnation
            log.warning("broker has no topic ids (Metadata v10): republishing after a broker loss is off: %s", exc)
            self.unsupported = True
            return {}
        except BaseException:
            # a broken connection is rebuilt at the next call (the broker may be a new process)
            await self.close()
            raise
        found: dict[str, str | None] = {}
        for error_code, name, topic_id, *_ in response.topics:
            if error_code == _UNKNOWN_TOPIC or topic_id == _NO_ID:
                found[name] = None
            elif error_code:
                raise for_code(error_code)(f"metadata of {name}")
            else:
                found[name] = f"{response.cluster_id}/{topic_id}"
        return found

    async def close(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.close()


class TopicWatch:
    """For a consumer: which of its topics became a new incarnation since the last look.

    A consumer whose fetch reaches a broker restarted empty before its group is rejoined keeps its old
    positions; on such a topic it should seek to the beginning (`consumer.seek_to_beginning(...)`) so the
    republished window is read from its first record (the inbox drops what was applied already).
    """

    def __init__(self, identity: BrokerIdentity) -> None:
        self.identity = identity
        self.seen: dict[str, str] = {}

    async def renewed(self, topics: list[str]) -> list[str]:
        """Topics whose incarnation differs from the one seen at the previous call (none at the first)."""
        now = await self.identity.incarnations(topics)
        renewed = [t for t, i in now.items() if i is not None and t in self.seen and self.seen[t] != i]
        self.seen.update({t: i for t, i in now.items() if i is not None})
        return renewed

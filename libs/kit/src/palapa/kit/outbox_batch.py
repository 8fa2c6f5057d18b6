"""The relay's bulk path: a batch of outbox rows handed to the producer as record batches, not record by record.

`AIOKafkaProducer.send` costs ~20–30 µs a record in Python (a future, the accumulator, the partitioner); a
BatchBuilder append costs a few. Rows are grouped by (topic, partition) in id order — the partition is the one
`send` would choose (aiokafka's DefaultPartitioner over the topic's partitions), so a key keeps its partition
whichever path relays it, and the producer keeps one batch per partition in flight, so order holds.

Used when no span would be recorded (a span per row needs the record-by-record path). A batch the broker
refuses for good is not parked whole: its rows stay unpublished and the next relay batch goes record by record,
which parks the poison row alone (outbox_relay.send).
"""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner

from .failures import check_record_size, is_transient
from .outbox_relay import Sent, _reason
from .signing import SIGNATURE_HEADER, Signer

_partitioner = DefaultPartitioner()


async def send_batched(rows, producer: AIOKafkaProducer, signer: Signer | None = None) -> tuple[Sent, bool]:
    """Send the rows as record batches, each signed by `signer` (unless signed already: a re-driven dead letter
    keeps its producer's signature); returns what happened and whether a batch was
    refused for good (then the caller relays the next batch record by record)."""
    sent, held, refused = Sent(), set(), False
    partitions: dict[str, list[int]] = {}
    open_batches: dict[tuple[str, int], tuple[object, list]] = {}
    issued: list[tuple[list, asyncio.Future]] = []
    for row in rows:
        if (row.topic, row.key) in held:
            continue
        headers = dict(row.headers)
        if signer is not None and SIGNATURE_HEADER not in headers:  # a re-driven record keeps its producer's
            headers[SIGNATURE_HEADER] = signer.sign(row.key, row.value, headers)
        headers.update(row.trace or {})  # the cause's trace context, as the record-by-record path sends it
        try:
            check_record_size(row.key, row.value, headers)
        except Exception as exc:  # too large: parked alone, its key waits behind it
            sent.parked.append((row, _reason(exc)))
            if row.key is not None:
                held.add((row.topic, row.key))
            continue
        if row.topic not in partitions:
            partitions[row.topic] = sorted(await producer.partitions_for(row.topic))
        every = partitions[row.topic]
        partition = _partitioner(row.key, every, every)
        pairs = [(k, str(v).encode()) for k, v in headers.items()]
        batch, members = open_batches.get((row.topic, partition), (None, None))
        if batch is None:
            batch, members = producer.create_batch(), []
            open_batches[(row.topic, partition)] = (batch, members)
        if batch.append(key=row.key, value=row.value, timestamp=None, headers=pairs) is None:  # full: send it
            issued.append((members, await producer.send_batch(batch, row.topic, partition=partition)))
            batch, members = producer.create_batch(), []
            open_batches[(row.topic, partition)] = (batch, members)
            batch.append(key=row.key, value=row.value, timestamp=None, headers=pairs)
        members.append(row)
    for (topic, partition), (batch, members) in open_batches.items():
        if members:
            issued.append((members, await producer.send_batch(batch, topic, partition=partition)))
    results = await asyncio.gather(*(future for _, future in issued), return_exceptions=True)
    for (members, _), result in zip(issued, results, strict=True):
        if not isinstance(result, BaseException):
            sent.published.extend(row.id for row in members)
        elif isinstance(result, asyncio.CancelledError):
            raise result
        elif is_transient(result):
            sent.transient = sent.transient or result
        else:
            refused = True  # left unpublished: the record-by-record path finds the poison row
    return sent, refused

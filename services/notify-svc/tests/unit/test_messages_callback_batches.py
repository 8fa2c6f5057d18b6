"""Callbacks are applied in batches: what arrives while one batch is written goes in the next, each callback is
answered with its own counts once its batch committed, and one bad callback does not fail its neighbours."""

import asyncio

import pytest

from palapa.notify.channels.base import Callback
from palapa.notify.messages.callback_batches import CallbackBatches


class Recorder:
    """Applies (channel, callback)s as the real transaction would, remembering each batch; `bad` ones raise."""

    def __init__(self, bad: set[str] = frozenset(), gate: asyncio.Event | None = None) -> None:
        self.batches: list[list[str]] = []
        self.bad, self.gate = bad, gate

    async def __call__(self, items):
        channels = [channel for channel, _ in items]
        self.batches.append(channels)
        if self.gate is not None:
            await self.gate.wait()
        if self.bad & set(channels):
            raise ValueError("cannot apply " + ",".join(sorted(self.bad & set(channels))))
        return [{"applied": 1, "channel": channel} for channel in channels]


async def first_then_while_written(bad: set[str], rest: tuple[str, ...]):
    """Callback "a" alone, then `rest` arriving while its batch is written; (recorder, a's task, rest's tasks)."""
    gate = asyncio.Event()
    recorder = Recorder(bad=bad, gate=gate)
    batches = CallbackBatches(recorder)
    first = asyncio.create_task(batches.apply("a", Callback()))
    await asyncio.sleep(0)
    later = [asyncio.create_task(batches.apply(name, Callback())) for name in rest]
    await asyncio.sleep(0)
    gate.set()
    return recorder, first, later


async def test_callbacks_that_arrive_while_a_batch_is_written_go_together_in_the_next():
    recorder, first, rest = await first_then_while_written(set(), ("b", "c", "d"))
    answers = await asyncio.gather(first, *rest)
    assert recorder.batches == [["a"], ["b", "c", "d"]]
    assert [a["channel"] for a in answers] == ["a", "b", "c", "d"]


async def test_a_lone_callback_waits_for_nothing():
    recorder = Recorder()
    assert await CallbackBatches(recorder).apply("a", Callback()) == {"applied": 1, "channel": "a"}
    assert recorder.batches == [["a"]]


async def test_a_failed_batch_is_applied_again_one_callback_at_a_time():
    recorder, first, rest = await first_then_while_written({"bad"}, ("b", "bad", "c"))
    assert (await first)["channel"] == "a"
    b, bad, c = await asyncio.gather(*rest, return_exceptions=True)
    assert b["channel"] == "b" and c["channel"] == "c"
    assert isinstance(bad, ValueError) and "bad" in str(bad)  # answered 5xx: its provider sends it again
    assert recorder.batches == [["a"], ["b", "bad", "c"], ["b"], ["bad"], ["c"]]


async def test_batches_are_bounded():
    gate = asyncio.Event()
    recorder = Recorder(gate=gate)
    batches = CallbackBatches(recorder, max_batch=2)
    tasks = [asyncio.create_task(batches.apply(str(n), Callback())) for n in range(5)]
    await asyncio.sleep(0)
    gate.set()
    await asyncio.gather(*tasks)
    assert [len(b) for b in recorder.batches] == [2, 2, 1]


async def test_stopping_answers_what_waits_with_a_transient_error():
    recorder = Recorder(gate=asyncio.Event())  # never opens: the batch is mid-write when the service stops
    batches = CallbackBatches(recorder)
    waiting = [asyncio.create_task(batches.apply(name, Callback())) for name in ("a", "b")]
    await asyncio.sleep(0)
    await batches.close()
    for task in waiting:
        with pytest.raises(ConnectionAbortedError):  # a 503: the provider sends it again
            await task

"""Provider callbacks applied together: a verified callback joins the next batch and is answered once that
batch's transaction committed (a callback that failed is answered 5xx, and the provider sends it again).

Why: each message brings ~2.5 callbacks, and a transaction each (begin, ping, lock, update, history, commit) was
most of a message's database work (docs/messages.md, "Throughput"). A batch takes whatever arrived while the
previous one was being written, so a lone callback waits for nothing. One callback that cannot be applied
must not fail its neighbours: a failed batch is applied again one callback per transaction.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..channels.base import Callback

log = logging.getLogger(__name__)

#: applies (channel, callback)s in one transaction of its own; each one's counts
ApplyAll = Callable[[Sequence[tuple[str, Callback]]], Awaitable[list[dict[str, int]]]]


@dataclass
class _Waiting:
    channel: str
    callback: Callback
    answer: asyncio.Future


class CallbackBatches:
    def __init__(self, apply_all: ApplyAll, max_batch: int = 200) -> None:
        self.apply_all, self.max_batch = apply_all, max_batch
        self._waiting: list[_Waiting] = []
        self._writer: asyncio.Task | None = None

    async def apply(self, channel: str, callback: Callback) -> dict[str, int]:
        """The callback's counts once its batch committed; the batch's error when it could not be applied."""
        answer = asyncio.get_running_loop().create_future()
        self._waiting.append(_Waiting(channel, callback, answer))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write(), name="notify-svc callback batches")
        return await answer

    async def close(self) -> None:
        """Stop writing: what waits is answered 503 (the provider sends it again)."""
        if self._writer is not None:
            self._writer.cancel()
            await asyncio.gather(self._writer, return_exceptions=True)
        for waiting in self._waiting:
            _settle(waiting.answer, error=ConnectionAbortedError("notify-svc is stopping"))
        self._waiting = []

    async def _write(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[:self.max_batch], self._waiting[self.max_batch:]
            try:
                await self._apply(batch)
            finally:  # stopped mid-batch: what is not answered yet is answered 503 (the provider sends it again)
                for waiting in batch:
                    _settle(waiting.answer, error=ConnectionAbortedError("notify-svc is stopping"))

    async def _apply(self, batch: list[_Waiting]) -> None:
        try:
            answers = await self.apply_all([(w.channel, w.callback) for w in batch])
        except Exception as exc:
            if len(batch) == 1:
                _settle(batch[0].answer, error=exc)
                return
            log.warning("a batch of %d callbacks failed (%s): applying each alone", len(batch), type(exc).__name__)
            for waiting in batch:
                try:
                    _settle(waiting.answer, (await self.apply_all([(waiting.channel, waiting.callback)]))[0])
                except Exception as one:  # this callback's own failure, answered to its provider
                    _settle(waiting.answer, error=one)
            return
        for waiting, counts in zip(batch, answers, strict=True):
            _settle(waiting.answer, counts)


def _settle(answer: asyncio.Future, result: Any = None, *, error: BaseException | None = None) -> None:
    if answer.done():  # its request is gone (the provider hung up): nothing waits for the answer
        return
    if error is not None:
        answer.set_exception(error)
    else:
        answer.set_result(result)

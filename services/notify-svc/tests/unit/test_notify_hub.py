"""The in-process fan-out and one client's stream logic (history injected as a plain function)."""

import asyncio

from palapa.notify.domain import Update
from palapa.notify.hub import Hub
from palapa.notify.stream import updates_for


def _u(revision: int, ticket: str = "CURHAT-1") -> Update:
    return Update(ticket, revision, {"ticket": ticket, "revision": revision})


async def test_an_update_reaches_every_subscriber_of_its_ticket_and_no_other():
    hub = Hub()
    a, b, other = hub.subscribe("CURHAT-1"), hub.subscribe("CURHAT-1"), hub.subscribe("CURHAT-2")
    assert hub.publish(_u(1)) == 2
    assert (await a.next()).revision == 1
    assert (await b.next()).revision == 1
    assert other._queue.empty()


async def test_a_slow_subscriber_is_dropped_when_its_queue_is_full_and_memory_stays_bounded():
    hub = Hub(queue_size=2)
    slow, fast = hub.subscribe("CURHAT-1"), hub.subscribe("CURHAT-1")
    for r in (1, 2):
        hub.publish(_u(r))
    assert (await fast.next()).revision == 1
    assert (await fast.next()).revision == 2
    hub.publish(_u(3))  # slow still holds 1 and 2: full
    assert slow.dropped and hub.dropped_total == 1
    assert hub.count("CURHAT-1") == 1
    assert await slow.next() is None  # its stream ends; the browser reconnects with Last-Event-ID
    assert (await fast.next()).revision == 3


async def test_closing_the_hub_ends_every_stream():
    hub = Hub()
    sub = hub.subscribe("CURHAT-1")
    hub.close()
    assert await sub.next() is None and hub.count() == 0


class _Store:
    """Updates committed so far, read the way store.history reads them."""

    def __init__(self, *revisions: int) -> None:
        self.rows = {r: _u(r) for r in revisions}
        self.on_read = None

    async def history(self, ticket, after, before):
        if self.on_read:
            hook, self.on_read = self.on_read, None
            hook()
        return [u for r, u in sorted(self.rows.items()) if r > after and (before is None or r < before)]


async def _take(stream, n):
    return [(await anext(stream)).revision for _ in range(n)]


async def test_a_new_client_gets_the_history_in_order_then_live_updates():
    hub, store = Hub(), _Store(1, 2)
    stream = updates_for("CURHAT-1", 0, hub, store.history)
    assert await _take(stream, 2) == [1, 2]
    store.rows[3] = _u(3)
    hub.publish(_u(3))
    assert await _take(stream, 1) == [3]
    await stream.aclose()
    assert hub.count() == 0


async def test_an_update_committed_during_the_replay_is_sent_once():
    hub, store = Hub(), _Store(1, 2, 3)

    def commit_4_while_replaying():
        store.rows[4] = _u(4)
        hub.publish(_u(4))  # after_commit fires while the replay query runs

    store.on_read = commit_4_while_replaying
    stream = updates_for("CURHAT-1", 1, hub, store.history)
    assert await _take(stream, 3) == [2, 3, 4]
    store.rows[5] = _u(5)
    hub.publish(_u(5))
    assert await _take(stream, 1) == [5]  # 4 came from the store and from the hub, but went out once
    await stream.aclose()


async def test_a_live_update_that_skips_revisions_is_preceded_by_the_missing_ones_from_the_store():
    hub, store = Hub(), _Store(1)
    stream = updates_for("CURHAT-1", 0, hub, store.history)
    assert await _take(stream, 1) == [1]
    store.rows.update({2: _u(2), 3: _u(3)})
    hub.publish(_u(3))  # revision 2 committed but its hub message never reached this client
    assert await _take(stream, 2) == [2, 3]
    await stream.aclose()


async def test_a_dropped_client_stream_ends():
    hub, store = Hub(queue_size=1), _Store()
    stream = updates_for("CURHAT-1", 0, hub, store.history)
    pending = asyncio.ensure_future(anext(stream))
    while hub.count("CURHAT-1") == 0:  # let the stream start and subscribe
        await asyncio.sleep(0)
    hub.publish(_u(1))
    hub.publish(_u(2))  # overflow before the client ran: dropped
    try:
        await pending
        raise AssertionError("the stream should have ended")
    except StopAsyncIteration:
        pass

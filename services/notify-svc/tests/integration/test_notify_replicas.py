"""notify-svc as two replicas (same database, broker and consumer groups): a client on either gets every update,
whichever replica consumed its partition."""

import asyncpg
import pytest

from palapa.localstack import free_port
from palapa.notify.fanout import listener_dsn
from palapa.testkit import eventually

pytestmark = pytest.mark.integration

TICKETS = [f"CURHAT-{n}" for n in range(7301, 7309)]  # keys spread over the topic's partitions


async def listening(*replicas) -> None:
    for svc in replicas:
        await eventually(lambda s=svc: s.app.state.fanout.listening.is_set(), what="the fan-out listening")


async def test_a_client_on_either_replica_gets_every_update_whichever_replica_consumed_it(
    settings_for, serve, producer, update
):
    settings = settings_for()
    async with serve(settings) as a, serve(settings.model_copy(update={"http_port": free_port()})) as b:
        await listening(a, b)
        for ticket in TICKETS:
            await producer.send(update(ticket, 1))
        for ticket in TICKETS:
            await a.stored(ticket, 1)
        opened = []
        for ticket in TICKETS:  # one reader per ticket on each replica: one of the two did not consume it
            for svc in (a, b):
                context = svc.events(ticket)
                opened.append((ticket, context, await context.__aenter__()))
        try:
            for _, _, stream in opened:
                assert await stream.revisions(1) == [1]  # replayed from the store
            for ticket in TICKETS:
                await producer.send(update(ticket, 2))
                await producer.send(update(ticket, 3))
            for ticket, _, stream in opened:
                assert await stream.revisions(2) == [2, 3], ticket
        finally:
            for _, context, _ in opened:
                await context.__aexit__(None, None, None)
        # both replicas pushed something they did not consume, or one consumed all (then the other heard all)
        assert a.app.state.fanout.heard + b.app.state.fanout.heard >= 2 * len(TICKETS)


async def test_after_its_listener_connection_drops_a_replica_reconnects_and_its_streams_resume_without_gap(
    settings_for, serve, producer, update, database_url
):
    ticket = TICKETS[0].replace("73", "74")
    settings = settings_for()
    async with serve(settings) as a, serve(settings.model_copy(update={"http_port": free_port()})) as b:
        await listening(a, b)
        await producer.send(update(ticket, 1))
        await b.stored(ticket, 1)
        async with b.events(ticket) as stream:
            assert await stream.revisions(1) == [1]
            conn = await asyncpg.connect(listener_dsn(database_url))
            try:  # the database drops b's listener, as a failover or a network cut would
                assert await conn.fetchval("SELECT pg_terminate_backend($1)", b.app.state.fanout.server_pid)
            finally:
                await conn.close()
            await producer.send(update(ticket, 2))  # possibly announced while b was not listening
            # b reconnects and ends its streams, so that each resumes from the store
            with pytest.raises(StopAsyncIteration):
                while True:
                    await stream.next_event()
        await listening(b)
        await a.stored(ticket, 2)
        async with b.events(ticket, headers={"Last-Event-ID": "1"}) as stream:
            assert await stream.revisions(1) == [2]
            await producer.send(update(ticket, 3))
            assert await stream.revisions(1) == [3]

"""A citizen's one live stream (GET /citizen/events) on the real broker and PostgreSQL: every view of every case the
account follows, numbered in one sequence, resumed with Last-Event-ID exactly, and readable by that citizen only."""

from datetime import UTC, datetime

import pytest

from palapa.contracts.envelope import Envelope
from palapa.contracts.events import CaseFollowed, FollowedHow
from palapa.contracts.topics import DEAD_LETTERS
from palapa.localstack import free_port
from palapa.notify.citizens import head as feed_head
from palapa.testkit import eventually
from palapa.testkit.citizens import CitizenIssuer
from palapa.testkit.sse import open_stream

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def followed(ticket: str, account: str, source: str = "/services/tracking-svc") -> Envelope:
    event = CaseFollowed(ticket=ticket, account=account, how=FollowedHow.REQUESTED, at=NOW)
    return Envelope(event, source=source, subject=ticket)


@pytest.fixture
def citizen_settings(settings_for, issuer):
    return lambda: settings_for(CITIZEN_ISSUER=issuer.url)


async def next_views(stream, n: int) -> list[tuple[int, str, int]]:
    """(stream id, ticket, the view's revision) of the next n events."""
    out = []
    for _ in range(n):
        event = await stream.next_event()
        out.append((int(event.id), event.json()["ticket"], event.json()["revision"]))
    return out


async def test_one_stream_carries_every_case_of_the_citizen_in_one_sequence_and_no_one_elses(
    citizen_settings, serve, producer, update, request_update, issuer
):
    siti, budi = "warga-siti-stream-1", "warga-budi-stream-1"
    letter, complaint, other = "SIMAKEL-881011", "CURHAT-88101", "SIMAKEL-881012"
    async with serve(citizen_settings()) as svc:
        await producer.send(followed(letter, siti))
        await producer.send(followed(other, budi))
        await producer.send(request_update(letter, 1))
        await producer.send(request_update(other, 1))
        await svc.stored(other, 1)
        await svc.stored(letter, 1)
        async with open_stream(svc.http, "/citizen/events", headers=issuer.headers(siti)) as stream:
            assert await next_views(stream, 1) == [(1, letter, 1)]  # the newest entries replayed at opening
            await producer.send(request_update(letter, 2))
            assert await next_views(stream, 1) == [(2, letter, 2)]
            # a complaint claimed while the stream is open: its newest view arrives, then its changes
            await producer.send(update(complaint, 1))
            await producer.send(update(complaint, 2))
            await svc.stored(complaint, 2)
            await producer.send(followed(complaint, siti, "/services/complaint-svc"))
            assert await next_views(stream, 1) == [(3, complaint, 2)]
            await producer.send(update(complaint, 3))
            await producer.send(request_update(other, 2))  # Budi's: never on Siti's stream
            await producer.send(request_update(letter, 3))
            got = await next_views(stream, 2)
            assert sorted(got) == [(4, complaint, 3), (5, letter, 3)] or sorted(got) == [(4, letter, 3),
                                                                                         (5, complaint, 3)]
        async with open_stream(svc.http, "/citizen/events", headers=issuer.headers(budi)) as stream:
            assert [t for _, t, _ in await next_views(stream, 2)] == [other, other]


async def test_a_stream_resumed_with_last_event_id_gets_exactly_what_followed_it(
    citizen_settings, serve, producer, request_update, issuer
):
    siti, letter = "warga-siti-stream-2", "SIMAKEL-881021"
    async with serve(citizen_settings()) as svc:
        await producer.send(followed(letter, siti))
        await producer.send(request_update(letter, 1))
        # the follow and the letter's views come on two topics, in no order between them: a follow taken after
        # revision 4 would put only the newest view on the feed (entry 1), so the feed starts before 2 is sent
        sessions = svc.app.state.runtime.sessions
        await eventually(lambda: feed_head(sessions, siti), what="the follow's first entry on the feed")
        for revision in (2, 3, 4):
            await producer.send(request_update(letter, revision))
        await svc.stored(letter, 4)
        async with open_stream(svc.http, "/citizen/events", headers=issuer.headers(siti), last_event_id="2") as s:
            assert await next_views(s, 2) == [(3, letter, 3), (4, letter, 4)]
            await producer.send(request_update(letter, 4))  # a redelivered revision is not a new entry
            await producer.send(request_update(letter, 5))
            assert await next_views(s, 1) == [(5, letter, 5)]
        async with open_stream(svc.http, "/citizen/events", headers=issuer.headers(siti), last_event_id="5") as s:
            await producer.send(request_update(letter, 6))
            assert await next_views(s, 1) == [(6, letter, 6)]
        # an id the feed never reached (made up): the stream goes on from the head instead of stalling
        async with open_stream(svc.http, "/citizen/events", headers=issuer.headers(siti), last_event_id="99") as s:
            await producer.send(request_update(letter, 7))
            assert await next_views(s, 1) == [(7, letter, 7)]


async def test_nobody_a_forged_token_or_a_bad_resume_is_refused_with_a_reason(
    citizen_settings, serve, issuer
):
    async with serve(citizen_settings()) as svc:
        res = await svc.http.get("/citizen/events")
        assert (res.status_code, res.json()["reason"]) == (401, "citizen_required")
        forged = issuer.headers("warga-siti", key=CitizenIssuer().key)
        res = await svc.http.get("/citizen/events", headers=forged)
        assert res.status_code == 401 and res.json()["reason"].startswith("citizen_")
        expired = issuer.headers("warga-siti", exp=int(datetime.now(UTC).timestamp()) - 3600)
        res = await svc.http.get("/citizen/events", headers=expired)
        assert (res.status_code, res.json()["reason"]) == (401, "citizen_token_expired")
        wrong_audience = issuer.headers("warga-siti", aud="palapa")
        res = await svc.http.get("/citizen/events", headers=wrong_audience)
        assert (res.status_code, res.json()["reason"]) == (401, "citizen_wrong_audience")
        res = await svc.http.get("/citizen/events", headers={**issuer.headers("warga-siti"), "Last-Event-ID": "x"})
        assert (res.status_code, res.json()["reason"]) == (422, "invalid_last_event_id")


async def test_a_bridge_cannot_say_who_follows_a_case(citizen_settings, serve, producer, request_update, issuer,
                                                      topic_reader):
    letter, mallory = "SIMAKEL-881031", "warga-mallory-stream-3"
    async with serve(citizen_settings()) as svc:
        await producer.send(followed(letter, mallory, source="/services/bridge-simakel"))
        await producer.send(request_update(letter, 1))
        await svc.stored(letter, 1)
        await eventually(lambda: _dead_lettered(topic_reader, letter), what="the bridge's CaseFollowed dead-lettered")
        async with open_stream(svc.http, "/citizen/events", headers=issuer.headers(mallory)) as stream:
            await producer.send(followed("SIMAKEL-881041", mallory))  # a real one, to see the stream's first
            await producer.send(request_update("SIMAKEL-881041", 1))
            assert [t for _, t, _ in await next_views(stream, 1)] == ["SIMAKEL-881041"]


def _dead_lettered(topic_reader, ticket: str) -> bool:
    return any(r.envelope.data.key == ticket and "say who follows a case" in r.envelope.data.reason
               for r in topic_reader.of(DEAD_LETTERS))


async def test_a_client_on_another_replica_gets_the_citizens_entries_live(
    citizen_settings, serve, producer, request_update, issuer
):
    siti = "warga-siti-stream-5"
    letters = [f"SIMAKEL-88105{n}" for n in range(6)]  # keys over both partitions
    settings = citizen_settings()
    async with serve(settings) as a, serve(settings.model_copy(update={"http_port": free_port()})) as b:
        for svc in (a, b):
            await eventually(lambda s=svc: s.app.state.fanout.listening.is_set(), what="the fan-out listening")
        streams = [open_stream(svc.http, "/citizen/events", headers=issuer.headers(siti)) for svc in (a, b)]
        opened = [await s.__aenter__() for s in streams]
        try:
            for letter in letters:
                await producer.send(followed(letter, siti))
                await producer.send(request_update(letter, 1))
            for stream in opened:
                got = await next_views(stream, len(letters))
                assert [i for i, _, _ in got] == list(range(1, len(letters) + 1))
                assert sorted(t for _, t, _ in got) == sorted(letters)
        finally:
            for s in streams:
                await s.__aexit__(None, None, None)


async def test_a_stream_ends_after_its_time_and_the_reconnection_resumes_where_it_ended(
    citizen_settings, serve, producer, request_update, issuer
):
    siti, letter = "warga-siti-stream-6", "SIMAKEL-881061"
    async with serve(citizen_settings().model_copy(update={"citizen_stream_max_seconds": 2})) as svc:
        await producer.send(followed(letter, siti))
        await producer.send(request_update(letter, 1))
        await svc.stored(letter, 1)
        async with open_stream(svc.http, "/citizen/events", headers=issuer.headers(siti)) as stream:
            assert await next_views(stream, 1) == [(1, letter, 1)]
            with pytest.raises(StopAsyncIteration):  # the server ends it: the browser comes back through the gate
                await stream.next_event(timeout=30)
        await producer.send(request_update(letter, 2))
        async with open_stream(svc.http, "/citizen/events", headers=issuer.headers(siti), last_event_id="1") as s:
            assert await next_views(s, 1) == [(2, letter, 2)]

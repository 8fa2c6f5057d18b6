"""tracking-svc in-process on the real broker and PostgreSQL, with what it published on the ticket updates topic."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from palapa.contracts.envelope import Envelope
from palapa.contracts.topics import TICKET_UPDATES
from palapa.testkit import Service, TopicReader, running
from palapa.tracking.main import create_app
from palapa.tracking.settings import TrackingSettings


@dataclass
class Tracking:
    """The running service, and the TicketUpdated records it published (read from the topic's start)."""

    svc: Service
    reader: TopicReader
    staff: dict[str, str] = field(default_factory=dict)  # a desk officer's bearer: reads any ticket

    @property
    def http(self):
        return self.svc.http

    @property
    def runtime(self):
        return self.svc.runtime

    @property
    def published(self) -> list[Envelope]:
        return [r.envelope for r in self.reader.of(TICKET_UPDATES)]

    def revisions(self, ticket: str) -> list[int]:
        return [e.data.revision for e in self.published if e.data.ticket == ticket]


@pytest.fixture
def settings(kafka_bootstrap, database_url, identity_provider) -> TrackingSettings:
    return TrackingSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url, KAFKA_PROFILE="tansu",
                            OIDC_ISSUER=identity_provider.issuer)


async def staff_of(identity_provider) -> dict[str, str]:
    return {"Authorization": f"Bearer {await identity_provider.token('desk')}"}


@pytest.fixture
async def service(settings, topic_reader, identity_provider):
    """The app with its lifespan (broker, database, outbox relay), reached through ASGI."""
    async with running(create_app(settings), name="tracking-svc") as svc:
        yield Tracking(svc, topic_reader, await staff_of(identity_provider))

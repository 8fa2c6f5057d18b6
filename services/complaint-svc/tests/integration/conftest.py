"""complaint-svc in-process on the real broker and PostgreSQL, with what it published on the updates topic."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from palapa.complaint.cases import keys
from palapa.complaint.main import create_app
from palapa.complaint.settings import ComplaintSettings
from palapa.contracts.envelope import Envelope
from palapa.contracts.topics import COMPLAINT_UPDATES
from palapa.testkit import Service, TopicReader, running


@dataclass
class Updates:
    """The ComplaintUpdated records on the updates topic so far (read from the beginning by the kit's reader)."""

    reader: TopicReader

    @property
    def seen(self) -> list[Envelope]:
        return [r.envelope for r in self.reader.of(COMPLAINT_UPDATES)]

    def revisions(self, ticket: str) -> list[int]:
        return [e.data.revision for e in self.seen if e.data.ticket == ticket]


@dataclass
class Complaint:
    """The running service and what it published."""

    svc: Service
    updates: Updates
    desk: dict[str, str] = field(default_factory=dict)  # the complaints desk's headers: staff read every case

    async def key_for(self, ticket: str) -> dict[str, str]:
        """Give `ticket` a capability as a filing would (events alone make none); its holder's headers."""
        async with self.runtime.transaction() as tx:
            receipt = await keys.issue(tx.session, ticket, datetime.now(UTC))
        return {"X-Case-Key": receipt.capability}

    @property
    def http(self):
        return self.svc.http

    @property
    def runtime(self):
        return self.svc.runtime


@pytest.fixture
def settings(kafka_bootstrap, database_url, identity_provider) -> ComplaintSettings:
    return ComplaintSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url, KAFKA_PROFILE="tansu",
                             OIDC_ISSUER=identity_provider.issuer)


@pytest.fixture
async def service(settings, topic_reader, identity_provider):
    """The app with its lifespan (broker, database, outbox relay), reached through ASGI."""
    desk = {"Authorization": f"Bearer {await identity_provider.token('desk')}"}
    async with running(create_app(settings), name="complaint-svc") as svc:
        yield Complaint(svc, Updates(topic_reader), desk)


@pytest.fixture
async def citizen_svc(settings, issuer, topic_reader):
    """The app trusting `issuer`'s citizen tokens (X-Citizen-Token), with its lifespan."""
    settings = settings.model_copy(update={"citizen_issuer": issuer.url})
    async with running(create_app(settings), name="complaint-svc") as svc:
        yield svc

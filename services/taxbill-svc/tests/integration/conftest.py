"""taxbill-svc's integration fixtures: the service on the real broker and PostgreSQL, trusting the testkit's
citizen-token issuer (the `issuer` fixture)."""

import pytest

from palapa.taxbill.main import create_app
from palapa.taxbill.settings import TaxBillSettings
from palapa.testkit import running


@pytest.fixture
async def http(kafka_bootstrap, database_url, issuer):
    settings = TaxBillSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, DATABASE_URL=database_url,
                               KAFKA_PROFILE="tansu", CITIZEN_ISSUER=issuer.url)
    async with running(create_app(settings), name="taxbill-svc") as svc:
        yield svc.http

"""The launcher watches the broker like the services: a killed Tansu comes back on its port with the topics."""

import os
import shutil
import signal
import tempfile
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from palapa.contracts.topics import ALL_TOPICS
from palapa.devstack.settings import DevstackSettings
from palapa.devstack.stack import Stack
from palapa.testkit import eventually

pytestmark = pytest.mark.integration


async def test_a_killed_broker_is_restarted_on_its_port_with_the_registry_topics(pg_server_url):
    folder = Path(tempfile.mkdtemp(prefix="palapa-stack-"))
    os.chmod(folder, 0o755)
    lines: list[str] = []
    settings = DevstackSettings(PALAPA_DATA_DIR=folder, DATABASE_URL=pg_server_url)
    stack = Stack(settings, only=(), simulate=False, progress=lines.append)
    try:
        await stack.start()
        bootstrap, first = stack.kafka, stack._tansu.proc
        assert await stack.restart_crashed() == []
        os.kill(first.pid, signal.SIGKILL)  # it stays a zombie until the launcher reaps it
        restarted: list[str] = []

        async def broker_restarted():  # what the run command does every second
            restarted.extend(await stack.restart_crashed())
            return restarted == ["broker"]

        await eventually(broker_restarted, what="the launcher to restart the broker")
        assert stack.kafka == bootstrap and stack._tansu.proc.pid != first.pid
        assert any("Tansu exited with code -9, restarting" in line for line in lines), lines
        assert any(f"topics re-created ({len(ALL_TOPICS)})" in line for line in lines), lines
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        await admin.start()
        try:
            topics = await admin.describe_topics([t.name for t in ALL_TOPICS])
            described = {t["topic"]: len(t["partitions"]) for t in topics}
        finally:
            await admin.close()
        assert described == {t.name: t.partitions for t in ALL_TOPICS}
    finally:
        stack.stop()
        shutil.rmtree(folder, ignore_errors=True)

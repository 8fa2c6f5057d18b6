"""Messages assembled from the settings: the sealer, the sending rules and the dispatcher of one process."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import time, timedelta

from palapa.kit.runtime import Runtime

from ..channels.base import Callback
from ..settings import NotifySettings
from . import keys, store
from .callback_batches import CallbackBatches
from .callbacks import apply_callbacks
from .catalogue import DEFAULT_TEMPLATES
from .delivery import Retry
from .dispatch import Channels, DispatchConfig, Dispatcher
from .outbound import Rules
from .policy import Caps, QuietHours
from .sealing import Sealer

#: the API key row of the gate (gate-svc), which sends citizens' sign-in codes
GATE_KEY_ID = "gate-svc"


@dataclass
class Messaging:
    runtime: Runtime
    settings: NotifySettings
    sealer: Sealer
    rules: Rules
    channels: Channels
    dispatcher: Dispatcher
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    callbacks: CallbackBatches = field(init=False)

    def __post_init__(self) -> None:
        self.callbacks = CallbackBatches(self._apply_callbacks)

    async def _apply_callbacks(self, callbacks: Sequence[tuple[str, Callback]]) -> list[dict[str, int]]:
        async with self.runtime.transaction() as tx:
            return await apply_callbacks(tx.session, self.sealer, callbacks, self.rules)

    @classmethod
    def build(cls, runtime: Runtime, settings: NotifySettings, channels: Channels) -> Messaging:
        account = settings.account_secret.get_secret_value().encode() if settings.account_secret else None
        sealer = Sealer(settings.messages_key, account)
        rules = Rules(
            quiet=QuietHours(time(settings.quiet_start_hour), time(settings.quiet_end_hour)),
            caps=Caps(settings.cap_identical, settings.cap_total, timedelta(minutes=settings.cap_window_minutes)),
        )
        config = DispatchConfig(
            batch=settings.dispatch_batch, idle_s=settings.dispatch_idle_seconds,
            lease=timedelta(seconds=settings.dispatch_lease_seconds),
            retry=Retry(settings.retry_attempts, timedelta(seconds=settings.retry_first_seconds)), rules=rules,
        )
        return cls(runtime, settings, sealer, rules, channels, Dispatcher(runtime.sessions, sealer, channels, config,
                                                                          runtime.metrics.messages))

    async def start(self) -> None:
        """Seed the default templates, then run the dispatcher for as long as the runtime lives."""
        async with self.runtime.transaction() as tx:
            await store.seed_templates(tx.session, DEFAULT_TEMPLATES, "notify-svc")
            if self.settings.gate_api_key is not None:  # the gate sends sign-in codes with it (docs/gate.md)
                await keys.register(tx.session, GATE_KEY_ID, "gate-svc", "DISKOMINFO",
                                    self.settings.gate_api_key.get_secret_value())
        self.stop.clear()
        self.runtime.spawn(self.dispatcher.run(self.stop), f"{self.runtime.name}-dispatcher")

    async def close(self) -> None:
        self.stop.set()
        await self.callbacks.close()

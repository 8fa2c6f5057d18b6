"""A form sent twice (a double click, a resend after a slow answer) does once what it asks: each rendering of the
form carries a random key, and the session remembers what each key made (pure, in the session's memory).

A second submission while the first is still in flight waits for it and gets its outcome; a key whose first
submission failed is not remembered, so sending the form again tries again.
"""

from __future__ import annotations

import asyncio
import re
from collections import OrderedDict
from dataclasses import dataclass, field

#: a key as `sessions.new_id` makes it (URL-safe base64 of 32 bytes); anything else is no key
KEY = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
#: outcomes a session remembers (the oldest go first): a citizen does not fill more forms than this in a session
REMEMBERED = 50


def form_key(raw: str | None) -> str | None:
    """The form's key, when it is one."""
    return raw if raw and KEY.fullmatch(raw) else None


@dataclass
class FormOnce:
    done: OrderedDict[str, str] = field(default_factory=OrderedDict)
    running: dict[str, asyncio.Future] = field(default_factory=dict)

    async def earlier(self, key: str | None) -> str | None:
        """What an earlier submission of this form made (waiting for one in flight), or None: go ahead."""
        if key is None:
            return None
        if key in self.done:
            return self.done[key]
        if key in self.running:
            return await asyncio.shield(self.running[key])
        return None

    def begin(self, key: str | None) -> None:
        if key is not None and key not in self.running:
            self.running[key] = asyncio.get_running_loop().create_future()

    def end(self, key: str | None, outcome: str | None) -> None:
        """The submission of `key` is over: it made `outcome` (None: nothing, a later one may try again)."""
        if key is None:
            return
        if outcome is not None:
            self.done[key] = outcome
            while len(self.done) > REMEMBERED:
                self.done.popitem(last=False)
        waiting = self.running.pop(key, None)
        if waiting is not None and not waiting.done():
            waiting.set_result(outcome)

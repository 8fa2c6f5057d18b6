"""A form's key makes its action once per session (pure: no HTTP)."""

import asyncio

from palapa.gate.citizen.once import REMEMBERED, FormOnce, form_key
from palapa.gate.sessions import new_id


def test_only_a_key_as_the_gate_makes_them_is_a_key():
    assert form_key(k := new_id()) == k
    assert form_key(None) is None and form_key("") is None and form_key("pendek") is None
    assert form_key("x" * 65) is None and form_key("a/b" * 10) is None


async def test_a_second_submission_in_flight_waits_for_the_first_and_gets_what_it_made():
    once, key = FormOnce(), new_id()
    assert await once.earlier(key) is None
    once.begin(key)
    second = asyncio.ensure_future(once.earlier(key))
    await asyncio.sleep(0)
    assert not second.done()
    once.end(key, "SURAT-A")
    assert await second == "SURAT-A" and await once.earlier(key) == "SURAT-A"


async def test_a_failed_submission_is_forgotten_so_the_form_can_be_sent_again():
    once, key = FormOnce(), new_id()
    once.begin(key)
    waiting = asyncio.ensure_future(once.earlier(key))
    await asyncio.sleep(0)
    once.end(key, None)
    assert await waiting is None and await once.earlier(key) is None


async def test_a_session_remembers_a_bounded_number_of_forms():
    once = FormOnce()
    keys = [new_id() for _ in range(REMEMBERED + 5)]
    for i, key in enumerate(keys):
        once.begin(key)
        once.end(key, f"SURAT-{i}")
    assert len(once.done) == REMEMBERED and await once.earlier(keys[0]) is None
    assert await once.earlier(keys[-1]) == f"SURAT-{REMEMBERED + 4}"

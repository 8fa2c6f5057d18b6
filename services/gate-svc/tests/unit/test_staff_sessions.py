"""The staff workspace's sessions and pending sign-ins (pure): timeouts, one-time state, CSRF, PKCE."""

import base64
import hashlib

from palapa.gate.domain import bucket_for
from palapa.gate.staff.sessions import PENDING_S, Sessions
from palapa.kit.auth import Principal


def officer() -> Principal:
    return Principal("petugas-dishub", opds=frozenset({"DISHUB"}), claims={"name": "Petugas Dishub"})


def test_a_pending_sign_in_is_taken_once_and_not_after_it_expired():
    sessions = Sessions(idle_s=60, max_s=3600)
    pending = sessions.begin(now=0)
    assert sessions.take_pending(pending.state, now=1) == pending
    assert sessions.take_pending(pending.state, now=2) is None  # a replayed callback finds nothing
    late = sessions.begin(now=0)
    assert sessions.take_pending(late.state, now=PENDING_S + 1) is None
    assert sessions.take_pending(None, now=0) is None


def test_the_pkce_challenge_is_the_s256_of_the_verifier():
    pending = Sessions(idle_s=60, max_s=3600).begin(now=0)
    digest = hashlib.sha256(pending.verifier.encode()).digest()
    assert pending.challenge == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert pending.nonce != pending.state


def test_a_session_ends_when_idle_too_long():
    sessions = Sessions(idle_s=60, max_s=3600)
    session = sessions.open("token", {}, officer(), now=0, token_exp=10_000)
    assert sessions.get(session.sid, now=59) is session  # each request restarts the idle clock
    assert sessions.get(session.sid, now=118) is session
    assert sessions.get(session.sid, now=179) is None
    assert sessions.get(session.sid, now=180) is None  # and it stays ended


def test_a_session_ends_at_its_absolute_limit_or_its_tokens_expiry_whichever_is_first():
    sessions = Sessions(idle_s=60, max_s=100)
    busy = sessions.open("token", {}, officer(), now=0, token_exp=10_000)
    for now in range(0, 100, 30):
        assert sessions.get(busy.sid, now=now) is busy
    assert sessions.get(busy.sid, now=100) is None
    short = sessions.open("token", {}, officer(), now=0, token_exp=50)
    assert sessions.get(short.sid, now=50) is None


def test_an_unknown_session_or_a_closed_one_is_none_and_csrf_must_match():
    sessions = Sessions(idle_s=60, max_s=100)
    session = sessions.open("token", {"name": "Petugas Dishub"}, officer(), now=0, token_exp=100)
    assert session.name == "Petugas Dishub" and session.opds == ("DISHUB",)
    assert session.csrf_ok(session.csrf) and not session.csrf_ok("") and not session.csrf_ok(None)
    assert not session.csrf_ok(session.csrf + "x")
    assert sessions.get("dipalsukan", now=1) is None and sessions.get(None, now=1) is None
    sessions.close(session.sid)
    assert sessions.get(session.sid, now=1) is None


def test_the_staff_sign_in_and_its_callback_are_rate_limited_as_sign_ins():
    assert bucket_for("GET", "/petugas/masuk") == "signin"
    assert bucket_for("GET", "/petugas/callback?code=a&state=b") == "signin"
    assert bucket_for("GET", "/petugas") is None
    assert bucket_for("POST", "/petugas/kasus/X-1/status") == "form"

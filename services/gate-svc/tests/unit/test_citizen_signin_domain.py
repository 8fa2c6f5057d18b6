"""Citizens' sign-in, pure: numbers and accounts, the one-time code's lifecycle and lockout, sessions, tokens."""

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from palapa.gate.citizen import phone
from palapa.gate.citizen.accounts import REMINT_S, Citizens
from palapa.gate.citizen.codes import CodeBook, Issued, Refused, Verified, Wrong
from palapa.gate.citizen.tokens import Minter, key_from
from palapa.gate.settings import GateSettings

SECRET = b"k" * 32


@pytest.mark.parametrize("typed", ["0812-3456-7890", "+62 812 3456 7890", "62812 3456 7890", "812.3456.7890",
                                   " (0812) 34567890 "])
def test_every_way_of_writing_a_number_is_one_number(typed):
    assert phone.normalise(typed) == "+6281234567890"


@pytest.mark.parametrize("typed", ["", None, "12345", "+1 415 555 0100", "0212345678", "0812abc34567",
                                   "08123", "0812345678901234", "+62+812345678", "０８１２３４５６７８９０"])
def test_what_is_no_indonesian_mobile_number_is_refused(typed):
    assert phone.normalise(typed) is None


def test_the_number_is_shown_masked_and_the_account_is_its_keyed_hash():
    number = "+6281234567890"
    assert phone.masked(number) == "+62 812****7890"
    account = phone.account_of(number, SECRET)
    assert account.startswith("warga-") and "81234567890" not in account
    assert account == phone.account_of(number, SECRET)  # the same account after a restart
    assert account != phone.account_of(number, b"another secret")
    assert account != phone.account_of("+6281234567891", SECRET)


def issue(book: CodeBook, now: float = 0, account: str = "warga-a") -> Issued:
    issued = book.issue(account, "+62 812****7890", now)
    assert isinstance(issued, Issued) and len(issued.code) == 6 and issued.code.isdigit()
    return issued


def test_a_code_signs_in_once_and_is_kept_only_as_an_hmac():
    book = CodeBook(SECRET)
    issued = issue(book)
    assert issued.code not in repr(book.challenges)
    assert book.verify(issued.challenge, issued.code, now=10) == Verified("warga-a", "+62 812****7890")
    assert book.verify(issued.challenge, issued.code, now=11) is None  # single use


def test_a_code_expires_after_five_minutes():
    book = CodeBook(SECRET)
    issued = issue(book)
    assert book.verify(issued.challenge, issued.code, now=300) is None


def test_a_new_code_voids_the_earlier_one():
    book = CodeBook(SECRET)
    first, second = issue(book, 0), issue(book, 1)
    assert book.verify(first.challenge, first.code, now=2) is None
    assert isinstance(book.verify(second.challenge, second.code, now=2), Verified)


def test_five_wrong_codes_lock_the_number_and_a_new_code_does_not_buy_new_tries():
    book = CodeBook(SECRET, sends=10)
    issued = issue(book)
    wrong = "000000" if issued.code != "000000" else "111111"
    for left in (4, 3):
        assert book.verify(issued.challenge, wrong, now=1) == Wrong(left)
    again = issue(book, 2)  # asking for another code keeps the count
    for left in (2, 1):
        assert book.verify(again.challenge, wrong, now=3) == Wrong(left)
    assert book.verify(again.challenge, wrong, now=4) == Refused("locked", 900)
    assert book.verify(again.challenge, again.code, now=5) is None  # the challenge is gone with the lock
    assert book.issue("warga-a", "m", now=600) == Refused("locked", 304)
    assert isinstance(book.issue("warga-b", "m", now=600), Issued)  # another number is not locked
    late = issue(book, 905)
    assert isinstance(book.verify(late.challenge, late.code, now=906), Verified)


def test_malformed_codes_are_wrong_not_errors():
    book = CodeBook(SECRET)
    issued = issue(book)
    for typed in ("12345", "1234567", "abcdef", "１２３４５６"):
        assert isinstance(book.verify(issued.challenge, typed, now=1), Wrong)
    assert book.verify(issued.challenge, "", now=1) == Refused("locked", 900)  # and they count


def test_codes_sent_to_one_number_are_limited_whoever_asks():
    book = CodeBook(SECRET, sends=3, window_s=900)
    for now in (0, 1, 2):
        issue(book, now)
    assert book.issue("warga-a", "m", now=3) == Refused("too_many", 897)
    assert isinstance(book.issue("warga-a", "m", now=900), Issued)


def test_an_unknown_challenge_finds_nothing():
    assert CodeBook(SECRET).verify("dipalsukan", "123456", now=0) is None
    assert CodeBook(SECRET).verify(None, "123456", now=0) is None


def citizens(**kw) -> Citizens:
    settings = GateSettings(citizen_idle_s=60, citizen_max_s=100, **kw)
    return Citizens(settings, Minter("http://gate", "palapa-citizen", key_from(None)))


def test_a_citizen_session_ends_idle_or_at_its_absolute_end_and_on_sign_out():
    book = citizens()
    session = book.open(Verified("warga-a", "+62 812****7890"), now=0)
    assert book.get(session.sid, now=59) is session and book.get(session.sid, now=99) is session
    assert book.get(session.sid, now=100) is None  # absolute end, however busy
    idle = book.open(Verified("warga-a", "m"), now=0)
    assert book.get(idle.sid, now=61) is None
    closed = book.open(Verified("warga-a", "m"), now=0)
    book.close(closed.sid)
    assert book.get(closed.sid, now=1) is None
    assert book.open(Verified("warga-a", "m"), now=0).sid != closed.sid  # every sign-in a new id


def test_the_csrf_token_must_be_the_sessions_own():
    session = citizens().open(Verified("warga-a", "m"), now=0)
    assert session.csrf_ok(session.csrf)
    for sent in (None, "", session.csrf + "x", session.sid):
        assert not session.csrf_ok(sent)


def test_a_citizen_token_names_the_account_for_the_citizens_audience_and_lives_minutes():
    book = citizens()
    session = book.open(Verified("warga-a", "m"), now=1_000)
    token = book.token(session, now=1_000)
    assert book.token(session, now=1_000 + 300 - REMINT_S - 1) == token  # reused while it lives
    claims = jwt.decode(token, KeySet.import_key_set(book.minter.jwks()).keys[0], algorithms=["Ed25519"]).claims
    assert claims["sub"] == "warga-a" and claims["aud"] == "palapa-citizen" and claims["iss"] == "http://gate"
    assert claims["exp"] - claims["iat"] == 300 and "phone" not in claims and "m" not in claims.values()
    assert book.token(session, now=1_000 + 300 - REMINT_S + 1) != token  # minted again near its end
    assert "d" not in book.minter.jwks()["keys"][0]  # the private half never leaves


def test_production_needs_the_gates_own_token_key():
    with pytest.raises(ValueError, match="GATE_CITIZEN_KEY"):
        GateSettings(PALAPA_ENV="production", citizen_key=None, account_secret="x" * 40, notify_api_key="y" * 40,
                     OIDC_ISSUER="https://sso.example.go.id/realms/palapa",
                     DATABASE_URL="postgresql+asyncpg://gate:" + "p" * 40 + "@db/palapa")


def test_an_inapas_account_is_a_keyed_hash_of_its_subject_apart_from_phone_accounts():
    from palapa.gate.citizen.inapas import account_of

    account = account_of("3576014101900001", SECRET)
    assert account.startswith("inapas-") and "3576014101900001" not in account
    assert account == account_of("3576014101900001", SECRET) != account_of("3576014101900001", b"other")

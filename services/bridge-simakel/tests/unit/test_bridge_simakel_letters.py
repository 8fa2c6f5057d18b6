"""Si Makel's answers to a filing, read (pure): filed, filed before, refused in its words, away, or unreadable."""

import pytest

from palapa.bridge_simakel.letters import Answer, SiMakelAwayError, read_answer
from palapa.kit.consumer import RejectedEventError
from palapa.kit.failures import is_transient

HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n<simakel>'


def test_filed_and_filed_before_give_the_request_id():
    body = HEAD + b'<hasil>ok</hasil><permohonan id="3107"><status kode="0">Diajukan</status></permohonan></simakel>'
    assert read_answer(201, body) == Answer("3107")
    assert read_answer(200, body.replace(b">ok<", b">duplikat<")) == Answer("3107", duplicate=True)


def test_a_refusal_under_http_200_carries_si_makels_message():
    body = HEAD + b"<hasil>gagal</hasil><pesan>NIK bukan   penduduk Kota Mojokerto</pesan></simakel>"
    assert read_answer(200, body) == Answer(None, refused="NIK bukan penduduk Kota Mojokerto")


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_an_app_away_is_a_transient_error_the_kit_retries(status):
    with pytest.raises(SiMakelAwayError) as caught:
        read_answer(status, b"<html>503</html>")
    assert is_transient(caught.value)


@pytest.mark.parametrize("body", [b"<html>login</html>", HEAD + b"<hasil>ok</hasil></simakel>",
                                  HEAD + b'<hasil>ok</hasil><permohonan id="-1"/></simakel>',
                                  b'<!DOCTYPE x [<!ENTITY a "aaaa">]><simakel>&a;</simakel>', b"\xff\xfe"])
def test_an_answer_that_cannot_be_read_is_refused_with_a_reason(body):
    with pytest.raises(RejectedEventError):
        read_answer(200, body)

"""Templates: declared fields, checked when saved and when a message is requested; values are data."""

import pytest

from palapa.notify.messages.templates import MAX_VALUE, Template, TemplateError, Text, check_template, render


def _template(body="Aduan ((ticket)) diterima. Pantau di ((link)).", fields=("ticket", "link"), **texts) -> Template:
    return Template("complaint-received", 1, "complaint_received", fields,
                    {"id": Text(body), **{k: Text(v) for k, v in texts.items()}})


def _refused(fn, *args, **kwargs) -> str:
    with pytest.raises(TemplateError) as caught:
        fn(*args, **kwargs)
    return caught.value.reason


def test_a_template_whose_body_uses_an_undeclared_field_is_refused_when_saved():
    assert _refused(check_template, _template("Halo ((nama)), aduan ((ticket))", ("ticket",))) == "undeclared_field"


def test_a_template_in_english_only_is_refused_bahasa_indonesia_is_required():
    template = Template("x", 1, "opd_message", (), {"en": Text("Hello")})
    assert _refused(check_template, template) == "missing_language"


def test_a_template_with_a_malformed_placeholder_or_control_characters_is_refused():
    assert _refused(check_template, _template("Aduan ((Ticket)) ((ticket))", ("ticket",))) == "malformed_placeholder"
    assert _refused(check_template, _template("Aduan\x1b[2J ((ticket))", ("ticket",))) == "control_characters"


def test_a_template_with_an_unknown_language_or_a_bad_id_is_refused():
    assert _refused(check_template, Template("x", 1, "k", (), {"id": Text("a"), "jv": Text("b")})) == "bad_language"
    assert _refused(check_template, Template("../etc", 1, "k", (), {"id": Text("a")})) == "bad_template_id"


def test_a_request_missing_a_field_is_refused_never_sent_broken():
    assert _refused(render, check_template(_template()), {"ticket": "CURHAT-1"}) == "missing_field"


def test_a_request_with_a_field_the_template_does_not_declare_is_refused():
    personalisation = {"ticket": "CURHAT-1", "link": "https://x", "extra": "y"}
    assert _refused(render, check_template(_template()), personalisation) == "unknown_field"


def test_a_placeholder_inside_a_value_is_data_and_not_expanded():
    template = check_template(_template("Halo ((nama)), aduan ((ticket))", ("nama", "ticket")))
    rendered = render(template, {"nama": "((ticket))", "ticket": "CURHAT-1"})
    assert rendered.body == "Halo ((ticket)), aduan CURHAT-1"
    assert rendered.params == ("((ticket))", "CURHAT-1")


def test_values_with_control_characters_newlines_or_over_the_limit_are_refused():
    template = check_template(_template("Halo ((nama))", ("nama",)))
    assert _refused(render, template, {"nama": "Budi\nKlik http://jahat"}) == "bad_personalisation"
    assert _refused(render, template, {"nama": "Budi\u202e"}) == "bad_personalisation"
    assert _refused(render, template, {"nama": "x" * (MAX_VALUE + 1)}) == "bad_personalisation"
    assert _refused(render, template, {"nama": {"nested": "object"}}) == "bad_personalisation"
    assert render(template, {"nama": 42}).body == "Halo 42"


def test_english_text_is_used_when_asked_and_bahasa_indonesia_otherwise():
    template = check_template(_template(en="Complaint ((ticket)) received: ((link))"))
    values = {"ticket": "CURHAT-1", "link": "https://p/t/CURHAT-1"}
    assert render(template, values, "en").body == "Complaint CURHAT-1 received: https://p/t/CURHAT-1"
    assert render(template, values, "jv").language == "id"


def test_an_email_subject_is_rendered_and_may_not_hold_a_newline():
    template = Template("t", 1, "k", ("ticket",), {"id": Text("Isi ((ticket))", subject="Aduan ((ticket))")})
    assert render(check_template(template), {"ticket": "A-1"}).subject == "Aduan A-1"
    broken = Template("t", 1, "k", ("ticket",), {"id": Text("Isi", subject="Aduan\nBcc: x@y")})
    assert _refused(check_template, broken) == "control_characters"

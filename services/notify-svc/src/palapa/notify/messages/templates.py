"""Message templates (pure): versioned texts in Bahasa Indonesia and English with declared personalisation fields.

Placeholders are GOV.UK Notify's `((name))`. A template is checked when it is saved (every placeholder declared,
no stray brackets, no control characters) and a message when it is requested (every field given, none unknown,
each value plain text within limits). Rendering is one pass over the template text: a value is data, so a
`((name))` inside a value is never expanded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
FIELD = re.compile(r"\(\(([a-z][a-z0-9_]{0,39})\)\)")
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
TEMPLATE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
MAX_BODY = 2000  # characters of a template's body (a long WhatsApp text; an SMS is split by the provider)
MAX_SUBJECT = 200
MAX_VALUE = 300  # characters of one personalisation value
MAX_FIELDS = 20
# control characters (tab and newline allowed in a template's own text, never in a value)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_VALUE_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


class TemplateError(ValueError):
    """A template that cannot be saved, or a request that cannot be rendered; `reason` is a stable code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Text:
    """One language's text of a template; `subject` for e-mail."""

    body: str
    subject: str | None = None


@dataclass(frozen=True)
class Template:
    """One version of a template. `whatsapp_name` is the provider-approved template it is sent as on WhatsApp."""

    id: str
    version: int
    kind: str
    fields: tuple[str, ...]
    texts: Mapping[str, Text]
    whatsapp_name: str | None = None
    critical: bool = False


@dataclass(frozen=True)
class Rendered:
    """A template filled in: what a channel sends. `params` are the values in the order WhatsApp numbers them."""

    template_id: str
    version: int
    language: str
    body: str
    subject: str | None = None
    params: tuple[str, ...] = field(default_factory=tuple)


def placeholders(text: str) -> list[str]:
    """The field names a text uses, in order of first use."""
    seen: list[str] = []
    for name in FIELD.findall(text):
        if name not in seen:
            seen.append(name)
    return seen


def check_template(template: Template) -> Template:
    """The template when it may be saved; TemplateError says what is wrong."""
    if not TEMPLATE_ID.match(template.id):
        raise TemplateError("bad_template_id", "ID templat hanya huruf kecil, angka, titik, garis (maks. 64)")
    if template.version < 1:
        raise TemplateError("bad_version", "Versi templat dimulai dari 1")
    if len(template.fields) > MAX_FIELDS or len(set(template.fields)) != len(template.fields):
        raise TemplateError("bad_fields", f"Kolom personalisasi harus unik, paling banyak {MAX_FIELDS}")
    for name in template.fields:
        if not FIELD_NAME.match(name):
            raise TemplateError("bad_fields", f"Nama kolom tidak sah: {name[:50]!r}")
    if DEFAULT_LANGUAGE not in template.texts:
        raise TemplateError("missing_language", "Templat wajib memiliki teks Bahasa Indonesia (id)")
    for language, text in template.texts.items():
        if language not in LANGUAGES:
            raise TemplateError("bad_language", f"Bahasa tidak didukung: {language[:10]!r} (id atau en)")
        _check_text(language, "body", text.body, MAX_BODY, template.fields)
        if text.subject is not None:
            _check_text(language, "subject", text.subject, MAX_SUBJECT, template.fields)
    return template


def _check_text(language: str, part: str, text: str, limit: int, declared: tuple[str, ...]) -> None:
    where = f"{part} ({language})"
    if not text.strip():
        raise TemplateError("empty_text", f"Teks {where} kosong")
    if len(text) > limit:
        raise TemplateError("text_too_long", f"Teks {where} melebihi {limit} karakter")
    if _CONTROL.search(text) or (part == "subject" and "\n" in text):
        raise TemplateError("control_characters", f"Teks {where} memuat karakter kendali")
    undeclared = [name for name in placeholders(text) if name not in declared]
    if undeclared:
        raise TemplateError("undeclared_field", f"Teks {where} memakai kolom yang tidak dideklarasikan: "
                                                f"{', '.join(undeclared)}")
    if "((" in FIELD.sub("", text) or "))" in FIELD.sub("", text):
        raise TemplateError("malformed_placeholder", f"Teks {where} memuat placeholder yang tidak sah")


def clean_value(name: str, value: object) -> str:
    """One personalisation value as plain text; TemplateError for anything else."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TemplateError("bad_personalisation", f"Nilai {name!r} harus teks atau angka")
    text = str(value).strip()
    if len(text) > MAX_VALUE:
        raise TemplateError("bad_personalisation", f"Nilai {name!r} melebihi {MAX_VALUE} karakter")
    if _VALUE_CONTROL.search(text):
        raise TemplateError("bad_personalisation", f"Nilai {name!r} memuat karakter kendali atau baris baru")
    return text


def render(template: Template, personalisation: Mapping[str, object], language: str = DEFAULT_LANGUAGE) -> Rendered:
    """Fill the template in `language` (Bahasa Indonesia when it has no such text); TemplateError when a field is
    missing, unknown or not plain text."""
    if not isinstance(personalisation, Mapping):
        raise TemplateError("bad_personalisation", "Personalisasi harus berupa objek nama → nilai")
    unknown = sorted(str(k)[:40] for k in personalisation if k not in template.fields)
    if unknown:
        raise TemplateError("unknown_field", f"Kolom tidak dikenal templat ini: {', '.join(unknown)}")
    missing = [name for name in template.fields if name not in personalisation]
    if missing:
        raise TemplateError("missing_field", f"Kolom personalisasi belum diisi: {', '.join(missing)}")
    values = {name: clean_value(name, personalisation[name]) for name in template.fields}
    chosen = language if language in template.texts else DEFAULT_LANGUAGE
    text = template.texts[chosen]
    body = _fill(text.body, values)
    subject = _fill(text.subject, values) if text.subject is not None else None
    return Rendered(template.id, template.version, chosen, body, subject,
                    tuple(values[name] for name in placeholders(text.body)))


def _fill(text: str, values: Mapping[str, str]) -> str:
    # one pass: re.sub never looks at what it put in, so a value's own ((x)) stays as typed
    return FIELD.sub(lambda m: values[m.group(1)], text)

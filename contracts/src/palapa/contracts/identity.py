"""A person's identity inside an event: only ever sealed (issue 19, "never in an event").

A v2 event carries the reporter as `reporter_sealed`, a JWE the producer makes with `palapa.kit.sealed` under a key
only it and the event's readers hold, bound to the ticket. What is sealed is an `Identity` (its `data()` is what
goes in). An older version carried the identity in clear: its upcaster moves those fields out of the payload into
the v2 event's private `v1_identity` (never serialised: a v2 event cannot put them back on a topic), so a consumer
still reads a v1 event already on the topic, and a producer has no field to write them into.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr, model_validator

__all__ = ["CLEAR_FIELDS", "Identity", "SealedIdentity", "V1_IDENTITY", "lift_clear_identity"]

#: the payload key an upcaster puts a v1 event's clear identity under (the v2 model takes it out at once)
V1_IDENTITY = "__v1_identity"
#: v1 field → Identity field, for the events that carried a person in clear
CLEAR_FIELDS = {"reporter_name": "name", "reporter_nik_masked": "nik_masked", "reporter_phone": "phone",
                "reporter_email": "email"}


class Identity(BaseModel):
    """Who reported: what a sealed reporter holds. Never in a log line, a listing or an event in clear."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str | None = None
    nik_masked: str | None = None
    phone: str | None = None
    email: str | None = None
    #: the citizen's private link to the case (a portal case's capability in it): notify-svc's complaint-received
    link: str | None = None

    def data(self) -> dict[str, str | None]:
        """What to seal (palapa.kit.sealed takes a flat object of strings)."""
        return {k: v for k, v in self.model_dump().items() if v is not None}

    def __bool__(self) -> bool:
        return any(self.model_dump().values())

    def __repr__(self) -> str:  # a stray log of the object shows which parts are there, never their values
        return f"Identity({', '.join(k for k, v in self.model_dump().items() if v)})"

    __str__ = __repr__


def lift_clear_identity(payload: dict[str, Any]) -> dict[str, Any]:
    """A v1 payload without its clear identity fields, which go under V1_IDENTITY (upcasters' shared step)."""
    out = {k: v for k, v in payload.items() if k not in CLEAR_FIELDS}
    clear = {CLEAR_FIELDS[k]: v for k, v in payload.items() if k in CLEAR_FIELDS and v is not None}
    if clear:
        out[V1_IDENTITY] = clear
    return out


class SealedIdentity(BaseModel):
    """Mixin of an event version whose person travels only sealed: keeps an upcast v1 event's clear identity
    privately (`v1_identity`), outside the fields, the schema and the serialised event."""

    _v1_identity: Identity | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _take_v1_identity(cls, data: Any, handler):
        clear = None
        if isinstance(data, dict) and V1_IDENTITY in data:
            data = dict(data)
            clear = Identity.model_validate(data.pop(V1_IDENTITY))
        model = handler(data)
        if clear:
            model._v1_identity = clear
        return model

    @property
    def v1_identity(self) -> Identity | None:
        """The identity a v1 event carried in clear (None for an event made as v2)."""
        return self._v1_identity

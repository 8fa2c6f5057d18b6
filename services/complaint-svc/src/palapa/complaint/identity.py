"""The reporter's identity in complaint-svc: sealed on every event it sends, sealed in every row it keeps.

Three keys from the settings, each for one use (palapa.kit.sealed binds every sealed value to its ticket):
- the reporter key (COMPLAINT_REPORTER_KEY, shared with notify-svc and bridge-curhat): ComplaintSubmitted v2's
  `reporter_sealed`, which complaint-svc opens (a bridge's event) and makes (the portal's, for notify-svc: the
  citizen's phone, e-mail and private link), and RecordComplaint v2's for bridge-curhat (another purpose);
- the contacts key (COMPLAINT_CONTACTS_KEY, complaint-svc's alone): `reporters.identity_sealed` and
  `submissions.contact_sealed` at rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from palapa.contracts.events import ComplaintSubmittedV2, RecordComplaintV2
from palapa.contracts.identity import Identity
from palapa.kit.sealed import Sealer, open_identity, seal_identity

AT_REST = "complaint.contacts"


@dataclass(frozen=True)
class Keys:
    """complaint-svc's sealers: the events' (for their readers) and its own rows'."""

    reporters: Sealer
    writeback: Sealer
    at_rest: Sealer

    @classmethod
    def of(cls, reporter_key: str, contacts_key: str) -> Keys:
        return cls(Sealer(reporter_key, ComplaintSubmittedV2.SEAL_PURPOSE),
                   Sealer(reporter_key, RecordComplaintV2.SEAL_PURPOSE), Sealer(contacts_key, AT_REST))

    @classmethod
    def development(cls) -> Keys:
        """The settings' development keys (handler tests; production refuses them at start)."""
        from .settings import ComplaintSettings

        return cls.from_settings(ComplaintSettings.model_construct())

    @classmethod
    def from_settings(cls, settings) -> Keys:
        return cls.of(settings.reporter_key.get_secret_value(), settings.contacts_key.get_secret_value())

    def seal_row(self, ticket: str, identity: Identity | None) -> str | None:
        """A row's sealed identity (None: nobody to keep)."""
        return seal_identity(self.at_rest, ticket, identity)

    def open_row(self, ticket: str, sealed: str | None) -> Identity | None:
        """A row's identity; SealError when it does not open (another key: see docs/secrets.md)."""
        return open_identity(self.at_rest, ticket, sealed)

    def of_event(self, event: ComplaintSubmittedV2) -> Identity | None:
        """Who the event says reported (sealed, or in clear on an upcast v1); SealError when it does not open."""
        return open_identity(self.reporters, event.ticket, event.reporter_sealed, event.v1_identity)

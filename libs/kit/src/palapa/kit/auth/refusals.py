"""Why a request was refused: 401 (who are you?), 403 (not you), 503 (the issuer cannot be asked now).

Pure: the HTTP answer is made by `palapa.kit.auth.guard`, in the kit's refusal shape `{"reason", "detail"}` with
RFC 6750's `WWW-Authenticate: Bearer …` header.
"""

from __future__ import annotations

REALM = "palapa"


class AuthError(Exception):
    """A refusal: HTTP status, a stable `reason` for programs, a `detail` in Bahasa Indonesia for people."""

    def __init__(self, status: int, reason: str, detail: str, bearer_error: str | None = None) -> None:
        super().__init__(f"{status} {reason}: {detail}")
        self.status = status
        self.reason = reason
        self.detail = detail
        self.bearer_error = bearer_error  # RFC 6750 §3.1 error code, None when no credential was sent
        self.principal = None  # who was refused, when the token itself held (a 403): for the audit log

    @property
    def www_authenticate(self) -> str | None:
        """The header a 401/403 carries (RFC 6750 §3); None for other statuses."""
        if self.status not in (401, 403):
            return None
        if self.bearer_error is None:
            return f'Bearer realm="{REALM}"'
        return f'Bearer realm="{REALM}", error="{self.bearer_error}", error_description="{self.reason}"'


def unauthorized(reason: str, detail: str) -> AuthError:
    """401: the token is missing, forged, expired or meant for someone else."""
    return AuthError(401, reason, detail, None if reason == "token_missing" else "invalid_token")


def forbidden(reason: str, detail: str) -> AuthError:
    """403: a valid token that lacks the role or the OPD this request needs."""
    return AuthError(403, reason, detail, "insufficient_scope")


def unavailable(reason: str, detail: str) -> AuthError:
    """503: the identity provider's keys cannot be fetched; retrying later can help."""
    return AuthError(503, reason, detail)


MISSING = ("token_missing", "Permintaan ini memerlukan token akses (Authorization: Bearer …)")

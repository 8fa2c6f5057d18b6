"""The staff workspace /petugas: OpenID Connect sign-in (code + PKCE), server-side sessions, the desk's queue."""

"""Producers' public signing keys, registered per app: register, retire with a grace period, list (docs/access.md)."""

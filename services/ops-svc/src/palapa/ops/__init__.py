"""ops-svc: the platform's dead letters, kept for operators to inspect (masked), re-drive or discard."""

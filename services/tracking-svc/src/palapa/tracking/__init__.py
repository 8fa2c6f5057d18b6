"""tracking-svc: the citizen-facing record of tickets that are not complaints (letter requests, emergency incidents)."""

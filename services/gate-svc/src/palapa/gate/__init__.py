"""gate-svc: the citizen's pages behind the gate (Caddy), and the rate limiter the gate asks before a form."""

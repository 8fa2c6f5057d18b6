"""The legacy PSC 119 app, simulated: its JSON API, its dispatchers at work, its webhooks and quirks (run by
sim-psc119; used by bridge-psc119's tests)."""

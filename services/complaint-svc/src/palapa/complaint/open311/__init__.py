"""Open311 GeoReport v2: the service catalogue, checks and replies (pure), the API, its store and API keys."""

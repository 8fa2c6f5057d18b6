"""The citizens' service directory: services, synonyms, search, the page and its shipped data."""

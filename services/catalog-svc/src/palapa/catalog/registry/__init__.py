"""The registry of the city's apps: entries, their changes with history and events, the seed; GET/PATCH /apps."""

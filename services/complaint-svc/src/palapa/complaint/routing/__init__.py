"""Routing as data: the pure routing table, the city's editable rules and closures (store, staff API), Policies."""

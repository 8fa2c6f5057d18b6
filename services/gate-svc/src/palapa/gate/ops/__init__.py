"""The operations console /ops: dead letters (ops-svc), every service's outbox, the bridges' liveness (catalog-svc)."""

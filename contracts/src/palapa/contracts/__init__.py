"""Palapa's shared event contracts: events, the CloudEvents envelope, the topic registry, schemas."""

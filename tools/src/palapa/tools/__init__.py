"""Palapa's developer tools: the commands a developer runs, never the platform itself.

`./palapa bench NAME` (palapa.tools.bench), `./palapa fuzz` (palapa.tools.fuzz), `./palapa chaos`
(palapa.tools.chaos) and `./palapa migrations new` (palapa.tools.migrations). Tools import the libraries,
the contracts, the legacy apps' libraries and the launcher's public surface (`palapa.devstack`), never a
service's modules (tests/architecture).
"""

"""Which topics the running platform consumes: what each started service's AsyncAPI document says it receives."""

from __future__ import annotations

import httpx

from palapa.contracts.topics import ALL_TOPICS
from palapa.kit.asyncapi import summary

BY_NAME = {t.name: t for t in ALL_TOPICS}


async def consumed(http: httpx.AsyncClient, urls: dict[str, str]) -> dict[str, list[str]]:
    """The name of every topic some running service receives, in the registry's order, with the services that do
    (their AsyncAPI `receive` operations)."""
    out: dict[str, list[str]] = {}
    for service, url in sorted(urls.items()):
        resp = await http.get(f"{url}/asyncapi.json")
        if resp.status_code != 200:
            continue  # a simulator, or a service without a document: it consumes nothing we can see
        for address in summary(resp.json()).get("receive", {}):
            out.setdefault(address, []).append(service)
    return dict(sorted(out.items(), key=lambda item: ALL_TOPICS.index(BY_NAME[item[0]])))

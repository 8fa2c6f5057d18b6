"""Per-bridge figures on the service's /metrics, read from each bridge's Stats when Prometheus scrapes.

Rows by outcome per app are the kit's counter (`palapa_bridge_rows_total{app, outcome}`, counted by ingest);
this adds, per app: lag, the time of the last poll, polls, events emitted, rows quarantined since start and
whether the source answered, and the digest sweep's passes and the figures of the last. One collector per
registry serves every bridge of the process (bridge-mapped runs several), since a registry refuses two
collectors of the same names.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

if TYPE_CHECKING:
    from .ingest import Bridge

#: the figures of the last sweep pass (sweep.Swept's fields), each a gauge `palapa_bridge_sweep_<name>`
SWEPT = (("rows", "rows of the source covered"), ("reread", "rows read and fingerprinted by the bridge"),
         ("changed", "rows changed behind the poll"), ("deleted", "rows deleted from the source"),
         ("seconds", "its duration"), ("cpu_seconds", "the bridge process's CPU during it"),
         ("source_seconds", "time waiting for the source's answers"))
_collectors: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class BridgeCollector:
    """Renders the Stats of the bridges registered with it, labelled by service and app id."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.bridges: dict[str, Bridge] = {}

    def collect(self):
        labels = ["service", "app"]
        lag = GaugeMetricFamily("palapa_bridge_lag_seconds",
                                "How long the oldest unread source change has waited (at the last heartbeat)",
                                labels=labels)
        last = GaugeMetricFamily("palapa_bridge_last_poll_timestamp_seconds",
                                 "Unix time of the last poll that read the source", labels=labels)
        up = GaugeMetricFamily("palapa_bridge_source_up", "1 when the last poll reached the source", labels=labels)
        polls = CounterMetricFamily("palapa_bridge_polls", "Polls that read the source", labels=labels)
        events = CounterMetricFamily("palapa_bridge_events", "Events staged by the bridge", labels=labels)
        quarantined = CounterMetricFamily("palapa_bridge_quarantined_rows", "Rows quarantined since start",
                                          labels=labels)
        read = CounterMetricFamily("palapa_bridge_rows_read",
                                   "Rows read since start: translated + quarantined + unchanged", labels=labels)
        mismatches = GaugeMetricFamily("palapa_bridge_legacy_mismatches",
                                       "Rows whose source state differed from what the bridge last emitted, found by "
                                       "the last digest sweep (deleted, or changed behind the poll) before it fixed "
                                       "them", labels=labels)
        sweeps = CounterMetricFamily("palapa_bridge_sweeps", "Digest sweep passes completed since start",
                                     labels=labels)
        swept = [GaugeMetricFamily(f"palapa_bridge_sweep_{name}", f"The last digest sweep pass: {text}", labels=labels)
                 for name, text in SWEPT]
        for app, bridge in sorted(self.bridges.items()):
            stats, values = bridge.stats, [self.service, app]
            if stats.lag_seconds is not None:
                lag.add_metric(values, stats.lag_seconds)
            if stats.last_poll_at is not None:
                last.add_metric(values, stats.last_poll_at)
            up.add_metric(values, 1.0 if stats.legacy_reachable else 0.0)
            polls.add_metric(values, stats.polls)
            events.add_metric(values, stats.events_emitted)
            quarantined.add_metric(values, stats.rows_quarantined)
            read.add_metric(values, stats.rows_read)
            if stats.legacy_mismatches is not None:
                mismatches.add_metric(values, stats.legacy_mismatches)
            sweeps.add_metric(values, stats.sweeps)
            if stats.last_sweep is not None:
                for family, (name, _) in zip(swept, SWEPT, strict=True):
                    family.add_metric(values, getattr(stats.last_sweep, name))
        return [lag, last, up, polls, events, quarantined, read, mismatches, sweeps, *swept]

    def describe(self):
        return self.collect()


def expose(bridge: Bridge) -> None:
    """Show `bridge`'s figures on its runtime's /metrics (a later bridge of the same app id replaces it)."""
    registry = bridge.runtime.metrics.registry
    collector = _collectors.get(registry)
    if collector is None:
        collector = _collectors[registry] = BridgeCollector(bridge.runtime.name)
        registry.register(collector)
    collector.bridges[bridge.app_id] = bridge

"""Prometheus metrics of one service process, served at /metrics.

One registry per Runtime (tests run several services in one process). Names follow Prometheus'
conventions: `palapa_` prefix, `_total` for counters, base units.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]


class Metrics:
    """Every metric a service exposes; the kit updates them, /metrics renders them."""

    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r, labels = self.registry, {"service": service}

        def bind(metric):
            # no label beyond the service: the child itself; else a handle that adds the service label
            return metric.labels(**labels) if metric._labelnames == ("service",) else _Bound(metric, labels)

        def counter(name: str, doc: str, *extra: str):
            return bind(Counter(name, doc, ["service", *extra], registry=r))

        def gauge(name: str, doc: str, *extra: str):
            return bind(Gauge(name, doc, ["service", *extra], registry=r))

        # consumers: records by outcome (done, duplicate, dead_lettered), lag, errors, batches
        self.consumed = counter("palapa_consumer_records_total", "Records handled, by outcome", "topic", "outcome")
        self.consumer_lag = gauge(
            "palapa_consumer_lag_records", "Records behind the partition's end", "topic", "partition"
        )
        self.consumer_errors = counter("palapa_consumer_errors_total", "Transient failures while consuming", "topic")
        self.consumer_batches = counter("palapa_consumer_batches_total", "Batches committed", "topic")
        # outbox and its relay
        self.outbox_backlog = gauge("palapa_outbox_backlog_rows", "Outbox rows waiting to be published")
        self.outbox_parked = gauge("palapa_outbox_parked_rows", "Outbox rows parked as unpublishable")
        # the two above are counted by a background loop; an old timestamp here means the database does not answer
        self.outbox_counted = gauge("palapa_outbox_counted_timestamp_seconds",
                                    "Unix time the outbox gauges were last counted")
        self.outbox_published = counter("palapa_outbox_published_total", "Outbox rows acknowledged by the broker")
        self.relay_errors = counter("palapa_relay_errors_total", "Relay attempts that failed (broker or database)")
        self.republished = counter("palapa_outbox_republished_total", "Rows re-sent to a new broker incarnation")
        # bridges
        self.bridge_rows = counter("palapa_bridge_rows_total", "Legacy rows read, by outcome", "app", "outcome")
        # a legacy app's own moves that the platform's lifecycle would not allow, recorded as corrections (issue 17)
        self.legacy_corrections = counter(
            "palapa_legacy_corrections_total", "Moves of a system of record recorded as corrections, by app", "app"
        )
        # deadlines passed (SlaBreached published), by OPD and stage: the SlaBreaches alert and the service-level panel
        self.sla_breaches = counter("palapa_sla_breaches_total", "Complaint deadlines passed, by OPD and stage",
                                    "opd", "stage")
        # notify-svc's messages by channel and outcome (sent, delivered, read, failed, fallback): the messages board
        # the protection table's refusals (401/403) on protected write routes, each counted; some go on the audit log
        self.auth_refusals = counter("palapa_auth_refusals_total", "Protected writes refused before the route, by "
                                     "status and reason", "status", "reason")
        self.messages = counter("palapa_messages_total", "Messages to citizens and staff, by channel and outcome",
                                "channel", "outcome")

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _Bound:
    """A labelled metric with the service label already set: `.labels(topic=…)` adds the rest."""

    def __init__(self, metric, fixed: dict[str, str]) -> None:
        self.metric, self.fixed = metric, fixed

    def labels(self, **labels: object):
        return self.metric.labels(**self.fixed, **{k: str(v) for k, v in labels.items()})

    def remove(self, **labels: object) -> None:
        try:
            self.metric.remove(*[*self.fixed.values(), *(str(v) for v in labels.values())])
        except KeyError:
            pass

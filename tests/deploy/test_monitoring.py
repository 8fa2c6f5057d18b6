"""Dashboards and alerts as code (deploy/monitoring/): the alert rules pass promtool's own tests, Prometheus scrapes
every process compose runs, and every Palapa metric a dashboard or an alert names is one the code exports."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import fields
from pathlib import Path

import pytest
import yaml

from palapa.bridgekit.sweep import Swept

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "deploy" / "monitoring"
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
DASHBOARDS = sorted((MONITORING / "grafana" / "dashboards").glob("*.json"))
METRIC = re.compile(r"\bpalapa_[a-z0-9_]+")


def promtool() -> str:
    found = shutil.which("promtool")
    # ./palapa test installs Debian's `prometheus` package (it carries promtool) when it can, as it does chromium
    assert found, "promtool is missing: apt-get install prometheus (Debian's package carries promtool)"
    return found


def exported_metrics() -> set[str]:
    """Every palapa_* series the code exports: counters with their _total, gauges as named, the sweep's gauges."""
    names: set[str] = set()
    for path in [*ROOT.glob("libs/*/src/**/*.py"), *ROOT.glob("services/*/src/**/*.py")]:
        text = path.read_text()
        for kind, name in re.findall(r"(counter|Counter|CounterMetricFamily|gauge|Gauge|GaugeMetricFamily|"
                                     r"Histogram)\(\s*\"(palapa_[a-z0-9_]+)\"", text):
            if kind.lower().startswith("counter"):
                names.add(name if name.endswith("_total") else name + "_total")
            elif kind == "Histogram":
                names |= {name + "_bucket", name + "_sum", name + "_count"}
            else:
                names.add(name)
    names |= {f"palapa_bridge_sweep_{f.name}" for f in fields(Swept)}
    return names


def test_the_alert_rules_are_valid_and_pass_their_own_tests():
    tool = promtool()
    checked = subprocess.run([tool, "check", "rules", "alerts.yml"], cwd=MONITORING, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = subprocess.run([tool, "test", "rules", "alerts_test.yml"], cwd=MONITORING, capture_output=True,
                            text=True)
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_the_prometheus_configuration_is_valid(tmp_path):
    config = yaml.safe_load((MONITORING / "prometheus.yml").read_text())
    config["rule_files"] = [str(MONITORING / "alerts.yml")]  # compose mounts it at /etc/prometheus
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    checked = subprocess.run([promtool(), "check", "config", "prometheus.yml"], cwd=tmp_path, capture_output=True,
                             text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_every_process_compose_runs_with_an_http_port_is_scraped():
    config = yaml.safe_load((MONITORING / "prometheus.yml").read_text())
    [palapa] = [job for job in config["scrape_configs"] if job["job_name"] == "palapa"]
    targets = {t for group in palapa["static_configs"] for t in group["targets"]}
    serving = {f"{name}:{port}" for name, svc in COMPOSE.items() if not name.startswith("sim-")
               for key, port in (svc.get("environment") or {}).items() if key.endswith("_HTTP_PORT")}
    assert serving and serving == targets


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.stem)
def test_every_dashboard_names_only_metrics_the_code_exports(path):
    board = json.loads(path.read_text())
    exprs = [t["expr"] for panel in board["panels"] for t in panel["targets"]]
    assert exprs and all(p["datasource"]["uid"] == "prometheus" for p in board["panels"])
    unknown = {m for e in exprs for m in METRIC.findall(e)} - exported_metrics()
    assert not unknown, f"{path.name} names metrics no service exports: {sorted(unknown)}"


def test_every_alert_names_only_metrics_the_code_exports_and_links_its_runbook():
    rules = [r for g in yaml.safe_load((MONITORING / "alerts.yml").read_text())["groups"] for r in g["rules"]]
    unknown = {m for r in rules for m in METRIC.findall(r["expr"])} - exported_metrics()
    assert not unknown, f"alerts.yml names metrics no service exports: {sorted(unknown)}"
    runbook = (ROOT / "docs" / "operations.md").read_text()
    missing = [r["alert"] for r in rules if f'<a id="{r["annotations"]["runbook"].partition("#")[2]}">' not in runbook]
    assert not missing, f"docs/operations.md has no runbook entry for {missing}"


def test_the_dashboards_have_unique_ids_and_grafana_provisions_them_all():
    uids = [json.loads(p.read_text())["uid"] for p in DASHBOARDS]
    assert len(uids) == len(set(uids)) == 4
    grafana = COMPOSE["grafana"]
    assert any(v.endswith(":/var/lib/grafana/dashboards:ro") for v in grafana["volumes"])
    provider = yaml.safe_load((MONITORING / "grafana" / "provisioning" / "dashboards" / "palapa.yml").read_text())
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"


def test_traces_go_through_the_collector_to_jaeger():
    collector = yaml.safe_load((MONITORING / "otel-collector.yaml").read_text())
    pipeline = collector["service"]["pipelines"]["traces"]
    for part in ("receivers", "processors", "exporters"):
        assert set(pipeline[part]) <= set(collector[part]), part
    assert collector["exporters"]["otlp/jaeger"]["endpoint"].startswith("jaeger:")
    ours = [svc for svc in COMPOSE.values() if "OTEL_EXPORTER_OTLP_ENDPOINT" in (svc.get("environment") or {})]
    assert ours and all(s["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4318" for s in ours)

"""Prometheus finds every task of the stack through Swarm's DNS (deploy/swarm/etc/prometheus.yml) and
scrapes each one, and HAProxy has every gateway task in its rotation."""
import json
import os
import time
import urllib.request

import swarm

PROMETHEUS = f"http://127.0.0.1:{os.environ.get('PROMETHEUS_PORT', '9090')}"
HAPROXY_STATS = f"http://127.0.0.1:{os.environ.get('HAPROXY_STATS_PORT', '8404')}"


def test_prometheus_scrapes_every_task_of_every_service():
    wanted = {service: swarm.replicas(service)[1] for service in ("gateway", "auth", "product", "order", "mail")}
    until = time.monotonic() + 60
    while True:
        with urllib.request.urlopen(f"{PROMETHEUS}/api/v1/targets?state=active", timeout=10) as res:
            targets = json.loads(res.read())["data"]["activeTargets"]
        up = {service: sum(1 for t in targets if t["labels"].get("job") == service and t["health"] == "up")
              for service in wanted}
        if up == wanted:
            return
        assert time.monotonic() < until, f"targets up {up}, tasks {wanted}"
        time.sleep(2)


def test_haproxy_balances_over_every_gateway_task():
    with urllib.request.urlopen(f"{HAPROXY_STATS}/stats;csv", timeout=10) as res:
        rows = [line.split(",") for line in res.read().decode().splitlines() if line.startswith("gateways,")]
    servers = [row for row in rows if row[1] not in ("FRONTEND", "BACKEND")]
    serving = [row[1] for row in servers if row[17] == "UP"]
    assert len(serving) == swarm.replicas("gateway")[1], [(row[1], row[17]) for row in servers]

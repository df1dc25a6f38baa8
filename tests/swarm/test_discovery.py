"""Prometheus finds every task of the stack through Swarm's DNS (deploy/swarm/etc/prometheus.yml) and
scrapes each one, and HAProxy has every gateway task in its rotation."""
import json
import os
import time
import urllib.request

import swarm

PROMETHEUS = f"http://127.0.0.1:{os.environ.get('PROMETHEUS_PORT', '9090')}"
HAPROXY_STATS = f"http://127.0.0.1:{os.environ.get('HAPROXY_STATS_PORT', '8404')}"


def wait_scraped(wanted, deadline=60):
    """Waits until Prometheus has, for each job of `wanted` (job -> count), that many targets up."""
    until = time.monotonic() + deadline
    while True:
        with urllib.request.urlopen(f"{PROMETHEUS}/api/v1/targets?state=active", timeout=10) as res:
            targets = json.loads(res.read())["data"]["activeTargets"]
        up = {job: sum(1 for t in targets if t["labels"].get("job") == job and t["health"] == "up")
              for job in wanted}
        if up == wanted:
            return
        assert time.monotonic() < until, f"targets up {up}, wanted {wanted}"
        time.sleep(2)


def test_prometheus_scrapes_every_task_of_every_service():
    wait_scraped({service: swarm.replicas(service)[1] for service in ("gateway", "auth", "product", "order", "mail")})


def test_haproxy_balances_over_every_gateway_task():
    with urllib.request.urlopen(f"{HAPROXY_STATS}/stats;csv", timeout=10) as res:
        rows = [line.split(",") for line in res.read().decode().splitlines() if line.startswith("gateways,")]
    servers = [row for row in rows if row[1] not in ("FRONTEND", "BACKEND")]
    serving = [row[1] for row in servers if row[17] == "UP"]
    assert len(serving) == swarm.replicas("gateway")[1], [(row[1], row[17]) for row in servers]

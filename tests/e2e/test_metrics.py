"""The platform's metrics: every service's and the Kafka broker's /metrics passes `promtool check metrics`,
and every metric a dashboard (deploy/grafana) or a Prometheus rule (deploy/prometheus) queries is exported
by a service or by one of the exporters Prometheus scrapes."""
import json
import os
import pathlib
import re
import subprocess
import urllib.request

import pytest

from test_orders import new_product, wait_until

# Reads each service's metrics page on its own port, which only the local platform publishes.
pytestmark = pytest.mark.local

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Port variables of deploy/local/ports.env, set by run.sh. The gateway's metrics are on a port of their own.
SERVICES = {"gateway": "GATEWAY_METRICS_PORT", "auth": "AUTH_PORT", "product": "PRODUCT_PORT", "order": "ORDER_PORT",
            "mail": "MAIL_PORT"}
EXPORTERS = {"postgres": "PG_EXPORTER_PORT", "redis": "REDIS_EXPORTER_PORT", "rabbitmq": "RABBITMQ_METRICS_PORT",
             "kafka": "KAFKA_METRICS_PORT"}
# Exported only where they run: Patroni's, by the replicated Swarm tier's PostgreSQL members
# (tests/swarm/test_failover_postgres.py asks that stack's Prometheus for them).
ELSEWHERE_PREFIXES = ("patroni_",)


def scrape(port_variable):
    port = os.environ[port_variable]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        assert response.status == 200
        return response.headers.get("Content-Type", ""), response.read().decode()


def exposition_names(text):
    # The same parsing as the checks of the repository use, in Debian's Python where PyYAML is.
    result = subprocess.run(
        ["/usr/bin/python3", "-c",
         "import json, sys; sys.path.insert(0, sys.argv[1]); import promql_names; "
         "print(json.dumps(sorted(promql_names.exposition_names(sys.stdin.read()))))",
         str(ROOT / "tests" / "observability")],
        input=text, capture_output=True, text=True, check=True)
    return set(json.loads(result.stdout))


def queried_names():
    result = subprocess.run(["/usr/bin/python3", str(ROOT / "tests" / "observability" / "promql_names.py")],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def assert_promtool_passes(name, body):
    checked = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True, text=True)
    assert checked.returncode == 0, f"{name}: promtool check metrics:\n{checked.stdout}{checked.stderr}"


@pytest.fixture(scope="module")
def kafka_counted_an_event():
    """The broker makes a topic's meters at the topic's first message, and this file may run before any
    journey has published one: a new product sends product-created through product's outbox."""
    new_product()
    counted = re.compile(r'^kafka_server_brokertopicmetrics_messagesin_total\{[^}]*topic="product-created"', re.M)
    assert wait_until(lambda: counted.search(scrape(EXPORTERS["kafka"])[1])), \
        "the broker's metrics never counted the product-created event"


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_metrics_page_passes_promtool(service):
    content_type, body = scrape(SERVICES[service])
    assert content_type.startswith("text/plain")
    assert f"agora_{service}_http_requests_total" in body
    assert_promtool_passes(service, body)


def test_kafka_metrics_page_passes_promtool(kafka_counted_an_event):
    content_type, body = scrape(EXPORTERS["kafka"])
    assert content_type.startswith("text/plain")
    assert re.search(r"^kafka_controller_kafkacontroller_activecontrollercount 1(\.0)?$", body, re.M), \
        "the broker does not report itself the active controller"
    assert_promtool_passes("kafka", body)


def test_every_queried_metric_is_exported(kafka_counted_an_event):
    exported = set()
    for variable in list(SERVICES.values()) + list(EXPORTERS.values()):
        exported |= exposition_names(scrape(variable)[1])
    used = queried_names()
    assert len(used) > 20  # the extraction found the queries at all
    missing = {name: wheres for name, wheres in used.items()
               if name not in exported and not name.startswith(ELSEWHERE_PREFIXES)}
    assert not missing, "queried but exported by nothing:\n" + "\n".join(
        f"  {name}  (in {', '.join(sorted(set(wheres)))})" for name, wheres in sorted(missing.items()))

"""Pages for the platform, not for clients: the gateway's public port serves neither its own metrics nor a
service's probes, metrics or internal routes; Prometheus reads the gateway's metrics on its metrics port;
supervisor's configuration is its owner's only and its web page asks for a password
(docs/operations.md)."""
import base64
import json
import os
import stat
import time
import urllib.error
import urllib.request

import pytest

from agora_http import call

AGORA_HOME = os.environ.get("AGORA_HOME", "")
METRICS_PORT = os.environ.get("GATEWAY_METRICS_PORT", "8005")
PROMETHEUS = f"http://127.0.0.1:{os.environ.get('PROMETHEUS_PORT', '9090')}"
SUPERVISOR = f"http://127.0.0.1:{os.environ.get('SUPERVISOR_PORT', '9001')}"


def status_of(url, headers=None):
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status
    except urllib.error.HTTPError as err:
        return err.code


@pytest.mark.parametrize("path", ["/metrics", "/auth/metrics", "/auth/ready", "/auth/health", "/auth/metrics/"])
def test_the_public_port_serves_no_internal_page(path):
    res = call("GET", path)
    assert res.status == 404, res.body
    assert res.json() == {"message": "route not found"}


def test_the_public_probes_and_routes_stay():
    assert call("GET", "/health").status == 200
    assert call("GET", "/ready").status == 200
    assert call("GET", "/auth/.well-known/jwks.json").status == 200


@pytest.mark.local
def test_the_gateways_metrics_are_on_its_metrics_port():
    with urllib.request.urlopen(f"http://127.0.0.1:{METRICS_PORT}/metrics", timeout=10) as res:
        assert res.status == 200
        assert "agora_gateway_http_requests_total" in res.read().decode()


@pytest.mark.skipif("prometheus" in os.environ.get("AGORA_LEAVE_OUT", "").split(),
                    reason="the platform runs without Prometheus")
@pytest.mark.local
def test_prometheus_scrapes_the_gateway():
    until = time.monotonic() + 30  # a scrape every 10 s (deploy/local/etc/prometheus.yml)
    while True:
        with urllib.request.urlopen(f"{PROMETHEUS}/api/v1/targets?state=active", timeout=10) as res:
            targets = json.loads(res.read())["data"]["activeTargets"]
        gateway = [t for t in targets if t["labels"].get("job") == "gateway"]
        assert len(gateway) == 1, gateway
        assert gateway[0]["scrapeUrl"] == f"http://127.0.0.1:{METRICS_PORT}/metrics"
        if gateway[0]["health"] == "up":
            return
        assert time.monotonic() < until, f"the gateway's target is {gateway[0]['health']}: {gateway[0]['lastError']}"
        time.sleep(1)


@pytest.mark.skipif(not AGORA_HOME, reason="needs the platform's AGORA_HOME (tests/e2e/run.sh sets it)")
@pytest.mark.local
def test_supervisors_configuration_and_password_are_the_owners_only():
    conf = os.path.join(AGORA_HOME, "supervisord.conf")
    password_file = os.path.join(AGORA_HOME, "secrets", "supervisor-password")
    assert oct(stat.S_IMODE(os.stat(conf).st_mode)) == "0o600"
    assert oct(stat.S_IMODE(os.stat(password_file).st_mode)) == "0o600"
    with open(password_file) as f:
        password = f.read()
    with open(conf) as f:
        text = f.read()
    assert len(password) >= 32
    assert password not in text, "the configuration holds the web page's password itself"
    assert "AUTH_BOOTSTRAP_ADMIN_PASSWORD" in text  # the file this is about


@pytest.mark.skipif(not AGORA_HOME, reason="needs the platform's AGORA_HOME (tests/e2e/run.sh sets it)")
@pytest.mark.local
def test_supervisors_web_page_asks_for_the_password():
    assert status_of(f"{SUPERVISOR}/") == 401
    assert status_of(f"{SUPERVISOR}/RPC2") == 401
    with open(os.path.join(AGORA_HOME, "secrets", "supervisor-password")) as f:
        password = f.read()

    def basic(user, secret):
        return {"Authorization": "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()}

    assert status_of(f"{SUPERVISOR}/", basic("agora", "wrong")) == 401
    assert status_of(f"{SUPERVISOR}/", basic("agora", password)) == 200

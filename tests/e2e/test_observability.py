"""Issue 5's headline journey: a customer places one order and pays it, and the operator sees it whole.

- Jaeger (its HTTP query API) holds one trace: gateway -> order -> product's reservation call ->
  PostgreSQL -> Kafka publish -> product's consumer for the order, and for the payment gateway -> order
  -> PostgreSQL -> RabbitMQ publish -> mail's consumer -> SMTP. The customer's client sends both requests
  with one trace id under a span of its own ("checkout", exported here to Jaeger's OTLP port, as a
  browser's instrumentation would), so the trace is one tree: every span's parent is in it, down to
  that root. A hop that started a new trace, or a span left out, fails here.
- VictoriaLogs returns, for that trace id, the log lines of order, product and mail, each naming a span
  of that trace.
- Prometheus's order counter and latency histograms move by this journey (baselines are read from the
  services' /metrics before it, so earlier journeys do not count).
"""
import json
import os
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from agora_http import call, wait_for_mail
from test_orders import new_product
from test_signup import signed_up_user

# Ports of deploy/local/ports.env; tests/e2e/run.sh exports its own.
JAEGER = f"http://127.0.0.1:{os.environ.get('JAEGER_UI_PORT', '16686')}"
OTLP = f"http://127.0.0.1:{os.environ.get('JAEGER_OTLP_HTTP_PORT', '4318')}"
VICTORIALOGS = f"http://127.0.0.1:{os.environ.get('VICTORIALOGS_PORT', '9428')}"
PROMETHEUS = f"http://127.0.0.1:{os.environ.get('PROMETHEUS_PORT', '9090')}"
# Where each service's /metrics is: the gateway's on its metrics port, not on its public one.
SERVICE_PORTS = {"gateway": "GATEWAY_METRICS_PORT", "product": "PRODUCT_PORT", "order": "ORDER_PORT"}
SERVICE_DEFAULTS = {"gateway": "8005", "product": "8001", "order": "8003"}

# Spans are exported in batches every 500 ms and log lines likewise; Prometheus scrapes every 10 s
# (deploy/local/etc/prometheus.yml). These bound the waits.
TRACE_DEADLINE_S = 30.0
LOGS_DEADLINE_S = 20.0
METRICS_DEADLINE_S = 30.0


def get_json(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as res:
        return json.loads(res.read())


def poll(attempt, deadline, what):
    """Calls `attempt` until it returns a value without raising AssertionError, for at most `deadline`
    seconds; then fails with the last reason."""
    until = time.monotonic() + deadline
    while True:
        try:
            return attempt()
        except AssertionError as reason:
            if time.monotonic() >= until:
                raise AssertionError(f"{what} within {deadline:.0f} s: {reason}") from None
        time.sleep(0.5)


# ---- the client's root span ---------------------------------------------------------------------

def export_root_span(trace_id, span_id, start_ns, end_ns):
    """The customer's client span, sent as OTLP/HTTP JSON the way the services send theirs."""
    body = {"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "e2e-client"}}]},
        "scopeSpans": [{"scope": {"name": "tests.e2e"}, "spans": [{
            "traceId": trace_id, "spanId": span_id, "name": "checkout", "kind": 3,
            "startTimeUnixNano": str(start_ns), "endTimeUnixNano": str(end_ns)}]}]}]}
    req = urllib.request.Request(f"{OTLP}/v1/traces", data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as res:
        assert res.status == 200


# ---- Jaeger ---------------------------------------------------------------------------------------

class Span:
    def __init__(self, raw, services):
        self.id = raw["spanID"]
        self.trace_id = raw["traceID"]
        self.service = services[raw["processID"]]
        self.name = raw["operationName"]
        self.tags = {t["key"]: t["value"] for t in raw.get("tags", [])}
        self.kind = self.tags.get("span.kind", "")
        # Jaeger's query API shows the parent as CHILD_OF, except for a consumer span, whose parent is also
        # its link: that one comes as FOLLOWS_FROM (docs/adr/0008). Either is an edge of the tree.
        self.parents = {r["spanID"] for r in raw.get("references", []) if r["traceID"] == raw["traceID"]}

    def __repr__(self):
        return f"{self.service}:{self.kind}:{self.name!r}"


def jaeger_spans(trace_id):
    try:
        data = get_json(f"{JAEGER}/api/traces/{trace_id}")["data"]
    except urllib.error.HTTPError as err:
        assert err.code != 404, "Jaeger does not know the trace yet"
        raise
    assert len(data) == 1, f"{len(data)} traces for one id"
    services = {pid: p["serviceName"] for pid, p in data[0]["processes"].items()}
    return [Span(raw, services) for raw in data[0]["spans"]]


def one(spans, parent, service, kind, name, **tags):
    """A span of `service` with this kind and name (and tags) whose parent is `parent` (a span or a span
    id). More than one may be there: a message delivered twice, a call retried."""
    parent_id = parent if isinstance(parent, str) else parent.id
    found = [s for s in spans if s.service == service and s.kind == kind and s.name == name and
             parent_id in s.parents and all(s.tags.get(k) == v for k, v in tags.items())]
    assert found, (f"no {service} {kind} span {name!r} {tags or ''} under {parent}; "
                   f"{service}'s spans: {sorted(str(s) for s in spans if s.service == service)}")
    return found[0]


def sql_under(spans, parent):
    found = [s for s in spans if s.tags.get("db.system") == "postgresql" and parent.id in s.parents]
    assert found, f"no PostgreSQL span under {parent}"
    assert all(s.service == parent.service and s.kind == "client" for s in found), found
    return found


def checkout_chain(spans, root_id):
    """The hops of the issue, each the child of the one before; returns the spans by role."""
    hops = {}
    # The order: gateway -> order -> product's reservation -> PostgreSQL, then Kafka to product.
    hops["gateway /orders"] = one(spans, root_id, "gateway", "server", "POST /orders", **{"url.path": "/orders"})
    hops["gateway -> order"] = one(spans, hops["gateway /orders"], "gateway", "client", "POST")
    hops["order"] = one(spans, hops["gateway -> order"], "order", "server", "POST /orders")
    hops["order -> product"] = one(spans, hops["order"], "order", "client", "POST",
                                   **{"url.path": "/internal/reservations"})
    hops["product reservation"] = one(spans, hops["order -> product"], "product", "server",
                                      "POST /internal/reservations")
    sql_under(spans, hops["product reservation"])
    sql_under(spans, hops["order"])
    hops["kafka send"] = one(spans, hops["order"], "order", "producer", "send order-created",
                             **{"messaging.system": "kafka"})
    hops["product consumer"] = one(spans, hops["kafka send"], "product", "consumer", "process order-created",
                                   **{"messaging.system": "kafka"})
    sql_under(spans, hops["product consumer"])
    # The payment: gateway -> order -> PostgreSQL, then RabbitMQ to mail, which speaks SMTP.
    # The gateway names its server spans by the route table's pattern.
    hops["gateway /orders/pay"] = one(spans, root_id, "gateway", "server", "POST /orders/**",
                                      **{"url.path": "/orders/pay"})
    hops["gateway -> order (pay)"] = one(spans, hops["gateway /orders/pay"], "gateway", "client", "POST")
    hops["order pay"] = one(spans, hops["gateway -> order (pay)"], "order", "server", "POST /orders/pay")
    sql_under(spans, hops["order pay"])
    hops["rabbitmq send"] = one(spans, hops["order pay"], "order", "producer", "send send.order.success",
                                **{"messaging.system": "rabbitmq"})
    hops["mail consumer"] = one(spans, hops["rabbitmq send"], "mail", "consumer", "process send.order.success",
                                **{"messaging.system": "rabbitmq"})
    hops["smtp"] = one(spans, hops["mail consumer"], "mail", "client", "smtp send")
    return hops


def assert_one_tree(spans, root_id):
    """Every span of the trace reaches the client's root through parents that are in the trace."""
    by_id = {s.id: s for s in spans}
    assert root_id in by_id, "the client's root span is not in the trace yet"
    for span in spans:
        seen, current = set(), span
        while current.id != root_id:
            assert current.id not in seen, f"a cycle of parents at {current}"
            seen.add(current.id)
            present = [p for p in current.parents if p in by_id]
            assert present, f"{current} (from {span}) has no parent in the trace: {current.parents or 'a root'}"
            current = by_id[present[0]]


# ---- metrics --------------------------------------------------------------------------------------

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def exposed(service, name, labels):
    """The sum of `name`'s samples with `labels` on the service's own /metrics page now."""
    port = os.environ.get(SERVICE_PORTS[service], SERVICE_DEFAULTS[service])
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as res:
        text = res.read().decode()
    total = 0.0
    for line in text.splitlines():
        match = SAMPLE.match(line)
        if match and match.group(1) == name and labels.items() <= dict(LABEL.findall(match.group(2) or "")).items():
            total += float(match.group(3))
    return total


def journey_baselines():
    """Each moved metric's value before the journey: from the service's own page on the local platform;
    on a Swarm stack, whose tasks' pages are not published, from Prometheus's sum over the tasks once a
    scrape after the suite's earlier requests has landed (the 10 s interval of deploy/swarm/etc)."""
    if os.environ.get("AGORA_E2E_TARGET") != "swarm":
        return [exposed(service, name, labels) for service, name, labels, _ in MOVED_BY_THE_JOURNEY]
    time.sleep(12)
    return [prometheus_value(promql(name, labels)) or 0.0 for _, name, labels, _ in MOVED_BY_THE_JOURNEY]


def promql(name, labels):
    return f"sum({name}{{{','.join(f'{k}={json.dumps(v)}' for k, v in labels.items())}}})"


def prometheus_value(query):
    url = f"{PROMETHEUS}/api/v1/query?{urllib.parse.urlencode({'query': query})}"
    answer = get_json(url)
    assert answer["status"] == "success", answer
    result = answer["data"]["result"]
    return float(result[0]["value"][1]) if result else None


# (service, metric, labels, how much this journey adds)
MOVED_BY_THE_JOURNEY = [
    ("order", "agora_order_orders_total", {"event": "created"}, 1),
    ("order", "agora_order_orders_total", {"event": "paid"}, 1),
    ("order", "agora_order_http_request_duration_seconds_count", {"route": "/orders", "method": "POST"}, 1),
    ("order", "agora_order_http_request_duration_seconds_count", {"route": "/orders/pay", "method": "POST"}, 1),
    ("product", "agora_product_http_request_duration_seconds_count",
     {"route": "/internal/reservations", "method": "POST"}, 1),
    # The gateway labels a forwarded request by its upstream.
    ("gateway", "agora_gateway_http_request_duration_seconds_count", {"route": "order", "method": "POST"}, 2),
]


# ---- the journey ----------------------------------------------------------------------------------

# A platform started with some of these left out (AGORA_LEAVE_OUT, docs/operations.md) cannot show it.
LEFT_OUT = {"jaeger", "victorialogs", "prometheus"} & set(os.environ.get("AGORA_LEAVE_OUT", "").split())


@pytest.mark.skipif(bool(LEFT_OUT), reason=f"the platform runs without {' '.join(sorted(LEFT_OUT))}")
def test_one_order_is_one_trace_with_its_logs_and_metrics():
    email, token = signed_up_user()
    product = new_product(quantity=5)
    baselines = journey_baselines()

    trace_id, root_id = secrets.token_hex(16), secrets.token_hex(8)
    traceparent = {"traceparent": f"00-{trace_id}-{root_id}-01"}
    started = time.time_ns()
    created = call("POST", "/orders", {"request_id": uuid.uuid4().hex, "description": "traced order",
                                        "items": [{"product_id": product["id"], "quantity": 2}]},
                   token=token, headers=traceparent)
    assert created.status == 201, created.body
    order_id = created.json()["data"]["id"]
    paid = call("POST", "/orders/pay", {"request_id": uuid.uuid4().hex, "order_id": order_id}, token=token,
                headers=traceparent)
    assert paid.status == 200, paid.body
    export_root_span(trace_id, root_id, started, time.time_ns())
    wait_for_mail(email, "[Agora] Order Success")

    # Jaeger: the whole chain, hop by hop, and nothing in the trace hanging off a parent it lacks.
    def whole_trace():
        spans = jaeger_spans(trace_id)
        hops = checkout_chain(spans, root_id)
        assert_one_tree(spans, root_id)
        return spans, hops

    spans, hops = poll(whole_trace, TRACE_DEADLINE_S, f"Jaeger shows the order's trace {trace_id} whole")
    assert {s.service for s in spans} >= {"e2e-client", "gateway", "order", "product", "mail"}
    assert all(s.trace_id == trace_id for s in spans)
    # A statement span is named for the work it does, never for a batch's BEGIN or its setting.
    assert not {s.name for s in spans} & {"agora_begin", "pg_commit_without_flush"}, sorted(s.name for s in spans)

    # VictoriaLogs: the trace's log lines, from several services, each naming a span of the trace.
    span_ids = {s.id for s in spans}

    def trace_logs():
        query = urllib.parse.urlencode({"query": f'trace_id:"{trace_id}"'})
        with urllib.request.urlopen(f"{VICTORIALOGS}/select/logsql/query?{query}", timeout=10) as res:
            lines = [json.loads(line) for line in res.read().decode().splitlines() if line.strip()]
        by_service = {}
        for line in lines:
            assert line.get("trace_id") == trace_id, line
            by_service.setdefault(line.get("service"), set()).add(line.get("span_id"))
        assert {"order", "product", "mail"} <= by_service.keys(), f"lines only from {sorted(by_service)}"
        # The lines of the steps a user clicks through: order placed and paid, stock taken, mail sent.
        assert {hops["order"].id, hops["order pay"].id} <= by_service["order"], by_service["order"]
        assert hops["product consumer"].id in by_service["product"], by_service["product"]
        assert hops["mail consumer"].id in by_service["mail"], by_service["mail"]
        return lines

    lines = poll(trace_logs, LOGS_DEADLINE_S, f"VictoriaLogs has the lines of trace {trace_id}")
    strays = [line for line in lines if line.get("span_id") not in span_ids]
    assert not strays, f"log lines naming spans Jaeger does not have: {strays}"

    # Prometheus: the counter and the latency histograms moved by this journey, once scraped.
    def moved():
        behind = []
        for (service, name, labels, added), before in zip(MOVED_BY_THE_JOURNEY, baselines):
            now = prometheus_value(promql(name, labels))
            if now is None or now < before + added:
                behind.append(f"{promql(name, labels)} = {now}, expected >= {before + added}")
        assert not behind, "; ".join(behind)

    poll(moved, METRICS_DEADLINE_S, "Prometheus shows the order counter and latencies moved")

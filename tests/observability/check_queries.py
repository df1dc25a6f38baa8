#!/usr/bin/env python3
"""make test: the dashboards and rules hang together, without a running platform.

- every dashboard query is valid PromQL (promtool checks each as a recording rule);
- every recorded series a query uses is recorded by a rule;
- there is an overview and one dashboard per service, each with its own uid;
- the queried names follow the naming of their sources (agora_*, the exporters', Prometheus's own).
Whether each name is really exported is checked against the running platform by tests/e2e/test_metrics.py.
"""
import pathlib
import re
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import promql_names  # noqa: E402

SERVICES = ["gateway", "auth", "product", "order", "mail"]
# Where non-Agora names come from: the PostgreSQL and Redis exporters, RabbitMQ's plugin, the Kafka
# broker's JMX exporter agent (deploy/local/etc/kafka-metrics.yaml), Patroni's REST API (the replicated
# Swarm tier's PostgreSQL members, docs/adr/0017-replicated-postgresql.md).
KNOWN_PREFIXES = ("agora_", "pg_", "redis_", "rabbitmq_", "kafka_", "patroni_")


def self_check():
    """The name extraction itself, on the shapes the dashboards use."""
    cases = {
        'histogram_quantile(0.99, sum by (job, le) (rate(x_seconds_bucket{a="b(c) or d"}[5m])))': {"x_seconds_bucket"},
        "a_total / on(job) group_left(pool) b:c:d or 0 * sum without (x) (c)": {"a_total", "b:c:d", "c"},
        'sum(rate(y_total[$__rate_interval])) * 60 > bool 1e3': {"y_total"},
        'up{job=~"gateway|auth"} == 0 unless ALERTS offset 1h30m': {"up", "ALERTS"},
    }
    for expr, want in cases.items():
        got = promql_names.metric_names(expr)
        assert got == want, f"metric_names({expr!r}) = {got}, want {want}"


def main():
    self_check()
    problems = []
    boards = promql_names.dashboards()
    for name in ["overview"] + SERVICES:
        if name not in boards:
            problems.append(f"deploy/grafana/dashboards/{name}.json is missing")
    uids = [board.get("uid") for board in boards.values()]
    if len(set(uids)) != len(uids) or None in uids:
        problems.append(f"dashboard uids must be present and distinct: {uids}")

    rules, recorded = promql_names.rule_exprs()
    queries = promql_names.dashboard_exprs()
    if not queries:
        problems.append("no dashboard queries found")
    for where, expr in queries + rules:
        for name in promql_names.metric_names(expr):
            if ":" in name and name not in recorded:
                problems.append(f"{where}: {name} is recorded by no rule")
    for name, wheres in sorted(promql_names.queried_names().items()):
        if not name.startswith(KNOWN_PREFIXES):
            problems.append(f"{name} (in {wheres[0]}) comes from no known source")

    # Each dashboard query as a recording rule: promtool reports the first query that does not parse.
    check = {"groups": [{"name": "dashboards", "rules": [
        {"record": f"dashboard:query_{i}", "expr": promql_names.expand_grafana(expr)}
        for i, (_, expr) in enumerate(queries)]}]}
    with tempfile.NamedTemporaryFile("w", suffix=".yml") as f:
        yaml.safe_dump(check, f)
        f.flush()
        result = subprocess.run(["promtool", "check", "rules", "--lint=none", f.name], capture_output=True, text=True)
    if result.returncode != 0:
        detail = result.stdout + result.stderr
        found = re.search(r"dashboard:query_(\d+)", detail)
        where = queries[int(found.group(1))][0] if found else "a dashboard query"
        problems.append(f"{where}: promtool: {detail.strip()}")

    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(queries)} dashboard queries and {len(rules)} rules over "
          f"{len(promql_names.queried_names())} metric names: {'FAILED' if problems else 'ok'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""The metric names that Agora's dashboards and Prometheus rules query.

Shared by check_queries.py (make test, no platform needed) and tests/e2e/test_metrics.py (which scrapes
the running platform and checks that every name is exported).
"""
import json
import pathlib
import re

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
RULES_DIR = ROOT / "deploy" / "prometheus" / "rules"
DASHBOARDS_DIR = ROOT / "deploy" / "grafana" / "dashboards"

# Grafana's own variables, replaced by what Grafana would send.
GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h"}

# Series Prometheus makes itself rather than scrapes.
SYNTHETIC = {"up", "ALERTS", "ALERTS_FOR_STATE", "scrape_duration_seconds", "scrape_samples_scraped"}

_KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "offset", "bool",
    "inf", "nan", "le", "atan2",
}
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
_MATCHERS = re.compile(r"\{[^{}]*\}")
_RANGE = re.compile(r"\[[^\]]*\]")
_GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_NUMBER = re.compile(r"(?<![A-Za-z0-9_:])[0-9](?:[eE][+-]|[0-9A-Za-z.])*")  # 0.99, 1e3, 5m, 1h30m
_IDENT = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")


def expand_grafana(expr):
    for name, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(name, value)
    return expr


def metric_names(expr):
    """Every metric (or recorded series) name an expression selects."""
    text = _STRING.sub('""', expand_grafana(expr))
    text = _MATCHERS.sub(" ", text)
    text = _RANGE.sub(" ", text)
    text = _GROUPING.sub(" ", text)
    text = _NUMBER.sub(" ", text)
    names = set()
    for match in _IDENT.finditer(text):
        word = match.group(0)
        rest = text[match.end():].lstrip()
        if rest.startswith("("):  # a function or aggregation
            continue
        if word not in _KEYWORDS:
            names.add(word)
    return names


def rule_exprs():
    """(where, expression) of every rule, and the names the rules record."""
    exprs, recorded = [], set()
    for path in sorted(RULES_DIR.glob("*.yml")):
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                name = rule.get("record") or rule.get("alert")
                exprs.append((f"{path.name}: {group['name']}: {name}", rule["expr"]))
                if "record" in rule:
                    recorded.add(rule["record"])
    return exprs, recorded


def dashboards():
    return {path.stem: json.loads(path.read_text()) for path in sorted(DASHBOARDS_DIR.glob("*.json"))}


def _panels(panels):
    for panel in panels:
        yield panel
        yield from _panels(panel.get("panels", []))


def dashboard_exprs():
    """(where, expression) of every query of every dashboard, annotations included."""
    exprs = []
    for name, board in dashboards().items():
        for panel in _panels(board.get("panels", [])):
            for target in panel.get("targets", []):
                if target.get("expr"):
                    exprs.append((f"{name}.json: {panel.get('title')}", target["expr"]))
        for annotation in board.get("annotations", {}).get("list", []):
            if annotation.get("expr"):
                exprs.append((f"{name}.json: annotation {annotation.get('name')}", annotation["expr"]))
    return exprs


def queried_names():
    """{metric name: [where it is queried]} over rules and dashboards, recorded names left out."""
    rules, recorded = rule_exprs()
    used = {}
    for where, expr in rules + dashboard_exprs():
        for name in metric_names(expr):
            if name in recorded or name in SYNTHETIC:
                continue
            used.setdefault(name, []).append(where)
    return used


def exposition_names(text):
    """Metric names in a Prometheus text exposition: declared families (with a histogram's or a summary's
    series) and every sample."""
    names = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(None, 3)
            names.add(name)
            if kind.strip() == "histogram":
                names.update({name + "_bucket", name + "_sum", name + "_count"})
            elif kind.strip() == "summary":
                names.update({name + "_sum", name + "_count"})
        elif line and not line.startswith("#"):
            names.add(re.split(r"[{\s]", line, maxsplit=1)[0])
    return names


if __name__ == "__main__":
    # For callers in another Python (the end-to-end suite's virtualenv): the queried names as JSON.
    print(json.dumps(queried_names(), indent=1, sort_keys=True))

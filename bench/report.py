#!/usr/bin/env python3
"""Writes docs/benchmarks.md from the raw results of bench/run.sh (standard library only).

The results folder holds manifest.tsv (what ran: config, scenarios, targets, open-loop rates, memory,
goals; tab-separated, the kind first) and, per scenario, the outputs of wrk (<target>.wrk.<round>.txt)
or pgbench (<target>.pgbench.<round>.txt), vegeta's JSON reports (<target>.vegeta.<round>.json) and,
for the order-to-stock scenario, the orders' and reservations' timestamps (orders.tsv: id, created,
committed; reservations.tsv: id, status, held, last changed; seconds since the epoch) and, for the
storefront, bench/storefront.py's samples (storefront.json: {"chromium": version, "samples": {measure: [ms]}})
and, for the shop mix, vegeta's results per request of each run (<level>.csv.gz, `vegeta encode -to=csv`).

Exit status: 0 when every goal passed, 1 when one failed, 2 on unreadable results.
"""
import argparse
import csv
import datetime
import gzip
import json
import os
import platform
import re
import statistics
import sys
from pathlib import Path

from shop_mix import MIX, route_of

# vegeta's reached rate below this share of the asked one means the generator fell behind.
RATE_TOLERANCE = 0.97
# The goal lines of the manifest (bench/run.sh's goal functions).
GOAL_KINDS = ("goal", "goal_rounds", "goal_p99", "goal_p99_ratio", "goal_confirm", "goal_memory", "goal_browser",
              "goal_mix")
# The storefront's measures (bench/storefront.py's samples), in the report's order: key, what is timed,
# by what, and the short name a goal row uses.
BROWSER_MEASURES = (
    ("catalogue_cold", "catalogue shown, cold: navigation start → product cards painted", "Chromium",
     "catalogue shown (cold)"),
    ("catalogue_warm", "catalogue shown, warm: the same, assets from the browser's cache", "Chromium",
     "catalogue shown (warm)"),
    ("catalogue_api", "… its GET /products: fetch() → last byte", "the page (Resource Timing)",
     "GET /products in the page"),
    ("catalogue_api_sent", "… the same from the request sent", "the page (Resource Timing)",
     "GET /products in the page, sent"),
    ("order", "order shown: click on “Place order” → its card, PENDING, painted", "Chromium", "order shown"),
    ("order_api", "… its POST /orders: fetch() → last byte", "the page (Resource Timing)", "POST /orders in the page"),
    ("order_api_sent", "… the same from the request sent", "the page (Resource Timing)",
     "POST /orders in the page, sent"),
    ("api_products", "GET /products?limit=10&page=1 through the gateway", "plain HTTP client",
     "GET /products (client)"),
    ("api_orders", "POST /orders, one item, through the gateway", "plain HTTP client", "POST /orders (client)"),
)



class Target:
    def __init__(self, name, process, url):
        self.name, self.process, self.url = name, process, url
        self.rps_by_round = {}  # round -> req/s
        self.wrk_errors = 0  # non-2xx responses and socket errors over all rounds
        self.p50_us, self.p99_us = [], []
        self.vegeta_failed = 0  # requests that failed over all open-loop rounds
        self.sent_rates = []  # the arrival rate vegeta reached, one per round
        self.hwm_kb = None

    @property
    def http(self):
        return self.process != "pgbench"

    @property
    def rps(self):
        return list(self.rps_by_round.values())

    def median_rps(self):
        return statistics.median(self.rps) if self.rps else 0.0

    def median_p50(self):
        return statistics.median(self.p50_us) if self.p50_us else None

    def median_p99(self):
        return statistics.median(self.p99_us) if self.p99_us else None

    def clean(self):
        return self.wrk_errors == 0 and self.vegeta_failed == 0


class Scenario:
    def __init__(self, sid, title):
        self.id, self.title = sid, title
        self.targets = {}  # name -> Target, in manifest order
        self.rate = None
        self.connections = None  # wrk's connections and pgbench's clients when the scenario sets its own
        self.memory = {}  # process -> (hwm_kb, rss_kb), the highest peak read during the scenario
        self.target_memory = {}  # (target, process) -> hwm_kb, read while the processes served that target only
        self.spans = {}  # (target, service) -> [exported, dropped], summed over the service's runs
        self.delays = None  # Delays, for the order-to-stock scenario
        self.drain_s = None  # how long earlier scenarios' holds took to be confirmed before it started
        self.browser = None  # BrowserTimes, for the storefront scenario
        self.swarm = False  # a Swarm scenario: its target "swarm" is a stack, "local" the local gateway
        self.mix = []  # MixRun, for the shop mix: its closed loop, then each share of its rate
        self.shoppers = None  # the shop mix's customers
        self.containers = {}  # task (service.slot) -> (largest process's VmHWM, its VmRSS, PSS of all), KiB


def parse_wrk(text):
    """Requests per second and the count of failed requests from wrk's text output."""
    match = re.search(r"^Requests/sec:\s+([0-9.]+)", text, re.M)
    if not match:
        raise ValueError("no Requests/sec line")
    errors = 0
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if non2xx:
        errors += int(non2xx.group(1))
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if sockets:
        errors += sum(int(g) for g in sockets.groups())
    return float(match.group(1)), errors


def parse_pgbench(text):
    """Transactions per second and the count of failed transactions from pgbench's output."""
    match = re.search(r"^tps = ([0-9.]+)", text, re.M)
    if not match:
        raise ValueError("no tps line")
    failed = re.search(r"^number of failed transactions: (\d+)", text, re.M)
    return float(match.group(1)), int(failed.group(1)) if failed else 0


def percentile(values, share):
    """The nearest-rank percentile (share in 0..1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-share * len(ordered) // 1))))
    return ordered[rank - 1]


class Delays:
    """Per order, from the databases' timestamps: hold (stock held, before the commit, so negative) and
    confirm (stock confirmed from Kafka's order-created), both in ms from the order's commit."""

    def __init__(self, orders_text, reservations_text):
        committed = {}
        for line in orders_text.splitlines():
            order_id, _created, commit = line.split("\t")
            committed[order_id] = float(commit)
        self.orders = len(committed)
        self.hold_ms, self.confirm_ms, self.unconfirmed = [], [], 0
        seen = set()
        for line in reservations_text.splitlines():
            rid, status, held, changed = line.split("\t")
            if rid not in committed:
                continue
            seen.add(rid)
            self.hold_ms.append((float(held) - committed[rid]) * 1000)
            if status == "CONFIRMED":
                self.confirm_ms.append((float(changed) - committed[rid]) * 1000)
            else:
                self.unconfirmed += 1
        self.unconfirmed += self.orders - len(seen)

    def p99_confirm(self):
        return percentile(self.confirm_ms, 0.99) if self.confirm_ms and not self.unconfirmed else None


class BrowserTimes:
    """The storefront's samples in ms, by measure (BROWSER_MEASURES), and the Chromium that took them."""

    def __init__(self, text):
        data = json.loads(text)
        self.chromium = data.get("chromium", "?")
        self.samples = {key: [float(v) for v in data["samples"].get(key, [])] for key, *_ in BROWSER_MEASURES}

    def p95(self, key):
        values = self.samples.get(key)
        return percentile(values, 0.95) if values else None


class MixRun:
    """One run of the shop mix: its level ("saturation" for the closed loop, or a share of that rate), its
    rate (measured in the closed loop, asked otherwise), the targets it had and the pool orders they paid
    and cancelled, and from vegeta's results per request (CSV: timestamp, code, latency in ns, ..., method,
    url, ...) each route's latencies in µs and failures (any answer but 2xx, time-outs and socket errors)."""

    def __init__(self, level, rate, targets, pool, rows):
        self.level, self.rate, self.targets, self.pool = level, rate, targets, pool
        self.latencies, self.failures = {}, {}
        first = last = None
        for row in rows:
            route, at = route_of(row[9], row[10]), int(row[0])
            self.latencies.setdefault(route, []).append(int(row[2]) / 1e3)
            self.failures[route] = self.failures.get(route, 0) + (not 200 <= int(row[1]) < 300)
            first, last = min(at, first or at), max(at, last or at)
        self.requests = sum(len(v) for v in self.latencies.values())
        # vegeta's own: the requests over the time from the first sent to the last.
        self.sent_rate = self.requests / ((last - first) / 1e9) if self.requests > 1 and last > first else 0.0

    @property
    def closed(self):
        return self.level == "saturation"

    def routes(self):
        """The mix's routes in MIX's order, then any other the results have."""
        named = [route for route, _ in MIX]
        return named + sorted(set(self.latencies) - set(named))

    def worst_p99(self):
        """(p99 in µs, route) of the route with the highest p99."""
        return max((percentile(v, 0.99), route) for route, v in self.latencies.items())


def read_mix_run(path, fields):
    with gzip.open(path, "rt", newline="") as text:
        return MixRun(fields[0], int(fields[1]), int(fields[2]), int(fields[3]), csv.reader(text))


def read_results(results):
    """The run's config, its scenarios in order, the memory read at the end and its goals: (kind, fields)
    in manifest order, scenarios that did not run included (BENCH_ONLY)."""
    config, scenarios, final_memory, goals = {}, {}, {}, []
    run_peak = {}  # process -> the highest VmHWM read in the run, before any restart of it too
    for line in (results / "manifest.tsv").read_text().splitlines():
        fields = line.split("\t")
        kind, rest = fields[0], fields[1:]
        if kind == "config":
            config[rest[0]] = rest[1] if len(rest) > 1 else ""
        elif kind == "scenario":
            scenarios[rest[0]] = Scenario(rest[0], rest[1])
        elif kind == "target":
            scenarios[rest[0]].targets[rest[1]] = Target(rest[1], rest[2], rest[3])
        elif kind == "rate":
            scenarios[rest[0]].rate = int(rest[1])
        elif kind == "connections":
            scenarios[rest[0]].connections = int(rest[1])
        elif kind == "memory":
            hwm, rss = int(rest[2]), int(rest[3])
            run_peak[rest[1]] = max(hwm, run_peak.get(rest[1], 0))
            s = scenarios.get(rest[0])
            if s is None:
                final_memory[rest[1]] = (hwm, rss)
                continue
            s.memory[rest[1]] = (max(hwm, s.memory.get(rest[1], (0,))[0]), rss)
            if len(rest) > 4:
                key = (rest[4], rest[1])
                s.target_memory[key] = max(hwm, s.target_memory.get(key, 0))
        elif kind == "spans":
            counts = scenarios[rest[0]].spans.setdefault((rest[1], rest[2]), [0, 0])
            counts[0] += int(rest[3])
            counts[1] += int(rest[4])
        elif kind in GOAL_KINDS:
            if kind == "goal_browser" and rest[1] not in (key for key, *_ in BROWSER_MEASURES):
                raise ValueError(f"goal_browser: the storefront has no measure {rest[1]}")
            goals.append((kind, rest))
        elif kind.startswith("goal"):
            raise ValueError(f"unknown goal kind {kind}")
        elif kind == "swarm":
            scenarios[rest[0]].swarm = True
        elif kind == "container":
            scenarios[rest[0]].containers[rest[1]] = tuple(int(v) for v in rest[2:5])
        elif kind == "mix":
            scenarios[rest[0]].mix.append(read_mix_run(results / rest[0] / rest[5], rest[1:5]))
        elif kind == "shoppers":
            scenarios[rest[0]].shoppers = int(rest[1])
        elif kind == "drain":
            scenarios[rest[0]].drain_s = int(rest[1])
        elif kind == "browser":
            scenarios[rest[0]].browser = BrowserTimes((results / rest[0] / rest[1]).read_text())
        elif kind == "delays":
            folder = results / rest[0]
            scenarios[rest[0]].delays = Delays((folder / rest[1]).read_text(), (folder / rest[2]).read_text())
    for s in scenarios.values():
        folder = results / s.id
        for t in s.targets.values():
            for pattern, parse in ((f"{t.name}.wrk.*.txt", parse_wrk), (f"{t.name}.pgbench.*.txt", parse_pgbench)):
                for path in sorted(folder.glob(pattern)):
                    rps, errors = parse(path.read_text())
                    t.rps_by_round[int(path.name.split(".")[-2])] = rps
                    t.wrk_errors += errors
            for path in sorted(folder.glob(f"{t.name}.vegeta.*.json")):
                report = json.loads(path.read_text())
                t.p50_us.append(report["latencies"]["50th"] / 1e3)
                t.p99_us.append(report["latencies"]["99th"] / 1e3)
                t.vegeta_failed += round(report["requests"] * (1.0 - report["success"]))
                t.sent_rates.append(report["rate"])
            if (t.name, t.process) in s.target_memory:
                t.hwm_kb = s.target_memory[(t.name, t.process)]
            elif t.process in s.memory:
                t.hwm_kb = s.memory[t.process][0]
    # A process restarted during the run (the tracing scenario does) starts its VmHWM again: its peak is
    # the highest read at any time.
    for process, (hwm, rss) in final_memory.items():
        final_memory[process] = (max(hwm, run_peak[process]), rss)
    return config, list(scenarios.values()), final_memory, goals


def machine():
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    return {
        "cores": str(os.cpu_count()),
        "cpu": model,
        "memory": memory,
        "kernel": f"{platform.system()} {platform.release()}",
    }


def fmt_rps(value):
    return f"{value:,.0f}"


def fmt_us(value):
    if value is None:
        return "–"
    if value >= 1_000_000:
        return f"{value / 1_000_000:.2f} s"
    return f"{value / 1000:.2f} ms" if value >= 1000 else f"{value:.0f} µs"


def fmt_mib(kb):
    return "–" if kb is None else f"{kb / 1024:.1f} MiB"


def round_ratios(target, reference):
    """The target's req/s over the reference's, round by round: each pair ran minutes apart at most."""
    rounds = sorted(set(target.rps_by_round) & set(reference.rps_by_round))
    return [target.rps_by_round[r] / reference.rps_by_round[r] for r in rounds if reference.rps_by_round[r]]


def rps_ratio(target, reference):
    """The median of the per-round ratios, which cancels most of the drift between rounds."""
    ratios = round_ratios(target, reference)
    return statistics.median(ratios) if ratios else None


def fmt_ratio(a, b):
    return "–" if not a or not b else f"{a / b:.2f}×"


def ratio_cells(subject, ref):
    """The cells of a ratio row: req/s (the median of the rounds' ratios), each round's, p50 and p99."""
    ratio = rps_ratio(subject, ref)
    per_round = ", ".join(f"{r:.2f}" for r in round_ratios(subject, ref)) or "–"
    return (f"{'–' if ratio is None else f'{ratio:.2f}×'} | {per_round} | "
            f"{fmt_ratio(subject.median_p50(), ref.median_p50())} | {fmt_ratio(subject.median_p99(), ref.median_p99())}")


def scenario_section(s, config):
    # A scenario may run more rounds than the configured default (the telemetry cost does).
    rounds = max((len(t.rps) for t in s.targets.values()), default=0) or config.get("rounds", "?")
    lines = [f"### `{s.id}`: {s.title}", ""]
    if s.delays:
        return lines + delays_section(s)
    if s.browser:
        return lines + browser_section(s)
    if s.mix:
        return lines + mix_section(s, config)
    if s.connections is not None and str(s.connections) != config.get("connections"):
        lines += [f"wrk with {s.connections} connections here (pgbench: as many clients).", ""]
    lines.append(
        f"| target | process | req/s (median of {rounds}) | req/s range | p50 | p99 | "
        "errors | peak RSS of the process |"
    )
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|")
    behind = []
    for t in s.targets.values():
        # A generator that could not keep the rate measured less than it was asked to: say so.
        lagging = s.rate and t.sent_rates and min(t.sent_rates) < RATE_TOLERANCE * s.rate
        if lagging:
            behind.append(f"{t.name} (down to {fmt_rps(min(t.sent_rates))} req/s)")
        mark = " ⚠" if lagging else ""
        spread = f"{fmt_rps(min(t.rps))}–{fmt_rps(max(t.rps))}" if t.rps else "–"
        errors = "none" if t.clean() else f"**{t.wrk_errors + t.vegeta_failed}**"
        lines.append(
            f"| {t.name} | {t.process} | {fmt_rps(t.median_rps())} | {spread} | {fmt_us(t.median_p50())}{mark} | "
            f"{fmt_us(t.median_p99())}{mark} | {errors} | {fmt_mib(t.hwm_kb)} |"
        )
    lines.append("")
    if s.rate:
        lines.append(f"Latency measured at a fixed {fmt_rps(s.rate)} req/s for every HTTP target.")
        if behind:
            lines.append(
                "⚠ vegeta fell behind that rate for " + ", ".join(behind) + ": the machine was saturated, so "
                "these latencies include queueing in the generator; lower `BENCH_RATE_SHARE` or rerun."
            )
        lines.append("")
    names = list(s.targets)
    if len(names) > 1:
        subject = s.targets[names[0]]
        lines.append("| ratio | req/s | req/s per round | p50 | p99 | peak RSS |")
        lines.append("|---|---:|---:|---:|---:|---:|")
        for ref_name in names[1:]:
            ref = s.targets[ref_name]
            lines.append(
                f"| {subject.name} / {ref.name} | {ratio_cells(subject, ref)} | {fmt_ratio(subject.hwm_kb, ref.hwm_kb)} |"
            )
        lines.append("")
    if s.spans:
        lines += spans_section(s)
    return lines


def spans_section(s):
    """The spans each service exported and dropped in each target's runs (the tracing scenario's arms)."""
    arms = list(dict.fromkeys(arm for arm, _ in s.spans))
    services = list(dict.fromkeys(service for _, service in s.spans))
    lines = [
        "Spans exported to the collector and dropped (export queue full or collector failing), from each "
        "service's `/metrics` before each restart, summed over the runs of each target:",
        "",
        "| service | " + " | ".join(f"{arm}: exported | {arm}: dropped" for arm in arms) + " |",
        "|---|" + "---:|---:|" * len(arms),
    ]
    totals = {arm: [0, 0] for arm in arms}
    for service in services:
        cells = []
        for arm in arms:
            counts = s.spans.get((arm, service))
            if counts is None:
                cells += ["–", "–"]
                continue
            totals[arm][0] += counts[0]
            totals[arm][1] += counts[1]
            cells += [fmt_rps(counts[0]), f"**{fmt_rps(counts[1])}**" if counts[1] else "0"]
        lines.append(f"| {service} | " + " | ".join(cells) + " |")
    lines.append("| all | " + " | ".join(f"{fmt_rps(e)} | {fmt_rps(d)}" for e, d in totals.values()) + " |")
    lines.append("")
    dropping = [f"{arm} ({fmt_rps(d)})" for arm, (_, d) in totals.items() if d]
    if dropping:
        lines += ["⚠ Spans were dropped in " + ", ".join(dropping) + ": tracing there did less than record and "
                  "export every span, so it cost less than full tracing would.", ""]
    return lines


def replicated_rows(pairs):
    """The scenarios that compare two arms of one stack (the replicated data tier's: replicas against the
    primary alone, synchronous against asynchronous commits), the first arm over the second."""
    if not pairs:
        return []
    lines = [
        "",
        "On the replicated data tier (`BENCH_SWARM_DATA=replicated`), two arms of the same stack in the same rounds:",
        "",
        "| scenario | arm | req/s | other arm | req/s | arm / other req/s | per round | p50 | p99 |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for s in pairs:
        (name, t), (ref_name, r) = list(s.targets.items())[:2]
        lines.append(f"| `{s.id}` | {name} | {fmt_rps(t.median_rps())} | {ref_name} | {fmt_rps(r.median_rps())} "
                     f"| {ratio_cells(t, r)} |")
    return lines


def swarm_section(scenarios, config):
    """The Swarm scenarios side by side (the stack through HAProxy over the local gateway, round by round)
    and the memory of every container of the stack, read after its last scenario."""
    swarm = [s for s in scenarios if s.swarm]
    if not swarm:
        return []
    lines = [
        "## Docker Swarm",
        "",
        f"The stack `{config.get('swarm_stack', '?')}` (images `{config.get('swarm_images', '?')}`, "
        "`deploy/swarm/stack.yml` with `bench/swarm-stack.yml` on top) beside the local platform, on the same "
        "cores: HAProxy in front of two gateway tasks and two tasks of every service, on an overlay network. "
        "Each target is measured in the same rounds as the local gateway, with the same wrk and vegeta settings.",
    ]
    against_local = [s for s in swarm if "swarm" in s.targets and "local" in s.targets]
    if against_local:
        lines += [
            "",
            "| scenario | swarm req/s | local req/s | swarm / local req/s | per round | p50 | p99 |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
    for s in against_local:
        t, r = s.targets["swarm"], s.targets["local"]
        lines.append(f"| `{s.id}` | {fmt_rps(t.median_rps())} | {fmt_rps(r.median_rps())} | {ratio_cells(t, r)} |")
    lines += replicated_rows([s for s in swarm if "swarm" not in s.targets])
    last = next((s for s in reversed(swarm) if s.containers), None)
    if last is None:
        return lines + [""]
    lines += [
        "",
        f"Memory of every container after `{last.id}`, beside the local process of the same program read at "
        "the same moment:",
        "",
        "| container | peak RSS of its largest process | its RSS | PSS of all its processes | the local process's peak |",
        "|---|---:|---:|---:|---:|",
    ]
    for task, (hwm, rss, pss) in last.containers.items():
        local = last.memory.get(task.split(".")[0], (None,))[0]
        lines.append(f"| {task} | {fmt_mib(hwm)} | {fmt_mib(rss)} | {fmt_mib(pss)} | {fmt_mib(local)} |")
    total = sum(pss for _, _, pss in last.containers.values())
    lines += [
        f"| all {len(last.containers)} containers | | | {fmt_mib(total)} | |",
        "",
        "The peak and RSS are those of the container's largest process (Kafka's JVM, not its entrypoint), the "
        "figures the local processes are read by. PSS is the resident memory of all its processes with each "
        "shared page split among those that map it (PostgreSQL's backends included, its shared buffers once; "
        "the libraries the two tasks of a service, or other containers of the same image, share are split "
        "among them), so the containers' PSS adds up to what the stack holds.",
        "",
    ]
    return lines


def fmt_ms(value):
    return "–" if value is None else f"{value:.1f} ms"


def delays_section(s):
    d = s.delays
    lines = [
        f"{d.orders} orders placed through the gateway at {fmt_rps(s.rate or 0)} orders/s; "
        f"{len(d.confirm_ms)} holds confirmed, {d.unconfirmed} not confirmed within 60 s.",
        "",
    ]
    if s.drain_s is not None:
        lines += [f"It started once the holds of the earlier scenarios were all confirmed, {s.drain_s} s after "
                  "they ended: that wait is the backlog the outbox relays and Kafka had left.", ""]
    lines += [
        "| from the order's commit to | p50 | p95 | p99 | max |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, values in (("stock held (before the commit)", d.hold_ms), ("hold confirmed (Kafka)", d.confirm_ms)):
        if values:
            marks = [fmt_ms(percentile(values, q)) for q in (0.5, 0.95, 0.99)] + [fmt_ms(max(values))]
        else:
            marks = ["–"] * 4
        lines.append(f"| {label} | " + " | ".join(marks) + " |")
    t = next(iter(s.targets.values()), None)
    if t and t.p99_us:
        lines += ["", f"POST /orders at that rate: p50 {fmt_us(t.median_p50())}, p99 {fmt_us(t.median_p99())}, "
                  f"{'no errors' if t.clean() else f'**{t.vegeta_failed} errors**'}."]
    return lines + [""]


def browser_section(s):
    b = s.browser
    loads, orders = len(b.samples["catalogue_cold"]), len(b.samples["order"])
    lines = [
        f"Chromium {b.chromium}, headless, on the same cores as the platform: {loads} loads of the catalogue "
        "(`#/`, 10 products), each in a fresh browser context (cold) and again in that context from a blank "
        f"page (warm); {orders} orders of one item placed through the cart by a customer signed up for the run; "
        "then the same two calls from a plain HTTP client. One at a time throughout: a shopper's waits on an "
        "idle platform, not a load.",
        "",
        "| measure | measured by | n | p50 | p95 | max |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for key, label, source, _ in BROWSER_MEASURES:
        values = b.samples[key]
        marks = [fmt_ms(percentile(values, q)) for q in (0.5, 0.95)] + [fmt_ms(max(values))] if values else ["–"] * 3
        lines.append(f"| {label} | {source} | {len(values)} | " + " | ".join(marks) + " |")
    return lines + [""]


def fmt_share(level):
    return f"{float(level):.2f} × saturation"


def mix_section(s, config):
    shares = ", ".join(f"{route} {share}%" for route, share in MIX)
    sat = next((run for run in s.mix if run.closed), None)
    lines = [
        f"{s.shoppers or '?'} shoppers, each signed up for the run and sending with a token of their own, through "
        f"the gateway (`bench/shop_mix.py`): {shares}. Catalogue pages and searches are the storefront's pages of "
        "10, the first pages more often; product pages any product of the catalogue; an order is one item; each pay "
        "and cancel takes a pending order of its own shopper's, of a pool placed before each run, once.",
        "",
        f"Saturation: **{fmt_rps(sat.rate) if sat else '–'} req/s** (successful answers in a closed loop of "
        f"{config.get('connections', '?')} vegeta workers, {config.get('duration_s', '?')} s after "
        f"{config.get('warmup_s', '?')} s of warm-up); then open loop at each share of it, over at most "
        f"{config.get('latency_connections', '?')} connections. A failure is any answer but 2xx, a time-out or a "
        "socket error; the latencies count every request.",
        "",
    ]
    for run in s.mix:
        lines += mix_run_table(run)
    return lines


def mix_run_table(run):
    if run.closed:
        lines = [f"**Saturation**, closed loop: {fmt_rps(run.rate)} req/s, {fmt_rps(run.requests)} requests, "
                 f"{fmt_rps(run.pool)} pool orders."]
    else:
        lines = [f"**{fmt_share(run.level)}**: {fmt_rps(run.rate)} req/s asked, {fmt_rps(run.sent_rate)} sent, "
                 f"{fmt_rps(run.requests)} requests, {fmt_rps(run.pool)} pool orders."]
    lines += ["", "| route | requests | failures | p50 | p99 | p99.9 |", "|---|---:|---:|---:|---:|---:|"]
    for route in run.routes():
        values = run.latencies.get(route, [])
        failed = run.failures.get(route, 0)
        marks = [fmt_us(percentile(values, q)) for q in (0.5, 0.99, 0.999)] if values else ["–"] * 3
        lines.append(f"| {route} | {fmt_rps(len(values))} | {f'**{failed}**' if failed else 'none'} | "
                     + " | ".join(marks) + " |")
    lines.append("")
    if run.closed and run.requests > run.targets:
        lines += [f"⚠ The closed loop sent {fmt_rps(run.requests)} requests for {fmt_rps(run.targets)} targets: the "
                  "last ones were sent again, their orders, pays and cancels answered as replays.", ""]
    if not run.closed and run.sent_rate < RATE_TOLERANCE * run.rate:
        lines += ["⚠ vegeta fell behind that rate: the machine was saturated, so these latencies include "
                  "queueing in the generator.", ""]
    return lines


def memory_section(scenarios, final_memory):
    """Every process the bench ran, as it stood after the last scenario."""
    memory = final_memory or (scenarios[-1].memory if scenarios else {})
    if not memory:
        return []
    lines = ["## Memory of every process", "", "| process | peak RSS (VmHWM) | RSS at the end |", "|---|---:|---:|"]
    for process, (hwm, rss) in memory.items():
        lines.append(f"| {process} | {fmt_mib(hwm)} | {fmt_mib(rss)} |")
    lines += ["", "PostgreSQL's figure is the postmaster's alone, not its backends'; Kafka and RabbitMQ are "
              "the JVM's and the Erlang VM's.", ""]
    return lines


def goal_rows(scenarios, final_memory=None, goals=()):
    """One row per goal, in manifest order; a goal of a scenario left out of the run (BENCH_ONLY) is
    "not run", which neither passes nor fails. Returns the rows, whether every goal that ran passed and
    how many did not run."""
    rows, all_passed, not_run = [], True, 0
    by_id = {s.id: s for s in scenarios}

    def row(sid, text, measured, passed):
        nonlocal all_passed
        all_passed &= passed
        rows.append(f"| `{sid}` | {text} | {measured} | {'PASS' if passed else '**FAIL**'} |")

    for kind, args in goals:
        if kind == "goal_memory":
            process, limit = args[0], float(args[1])
            hwm = (final_memory or {}).get(process, (None,))[0]
            passed = hwm is not None and hwm / 1024 < limit
            row("end", f"{process} peak RSS < {limit:.0f} MiB", fmt_mib(hwm) if hwm else "not measured", passed)
            continue
        s = by_id.get(args[0])
        if kind in ("goal", "goal_rounds"):
            target, reference, minimum = args[1], args[2], float(args[3])
            text = f"{target} req/s ≥ {minimum:.2f} × {reference} req/s"
            if kind == "goal_rounds":
                text += " in every round"
        elif kind == "goal_confirm":
            limit = float(args[1])
            text = f"order commit → stock confirmed p99 < {limit:.0f} ms"
        elif kind == "goal_browser":
            measure, limit = args[1], float(args[2])
            name = next(short for key, *_, short in BROWSER_MEASURES if key == measure)
            text = f"{name} p95 < {limit:.0f} ms"
        elif kind == "goal_mix":
            share, limit = float(args[1]), float(args[2])
            run = next((r for r in s.mix if not r.closed and float(r.level) == share), None) if s else None
            text = f"every route's p99 < {limit:.0f} ms at {fmt_share(share)}"
            if run:
                text += f" ({fmt_rps(run.rate)} req/s)"
        elif kind == "goal_p99":
            limit = float(args[2])
            text = f"{args[1]} p99 < {limit:.0f} ms" + (f" at {fmt_rps(s.rate or 0)} req/s" if s else "")
        else:  # goal_p99_ratio
            limit = float(args[3])
            text = f"{args[1]} p99 ≤ {limit:.2f} × {args[2]} p99"
        if s is None:
            not_run += 1
            rows.append(f"| `{args[0]}` | {text} | not run | not run |")
            continue
        if kind in ("goal", "goal_rounds"):
            t, r = s.targets.get(target), s.targets.get(reference)
            ratios = round_ratios(t, r) if t and r else []
            # The median of the rounds (rps_ratio), or for goal_rounds the lowest of them.
            ratio = (min(ratios) if kind == "goal_rounds" else rps_ratio(t, r)) if ratios else None
            if ratio is None:
                measured, passed = "not measured", False
            else:
                measured = f"{ratio:.2f}×" + (f" (lowest of {len(ratios)})" if kind == "goal_rounds" else "")
                passed = ratio >= minimum and t.clean() and r.clean()
                if ratio >= minimum and not passed:
                    measured += " (with errors)"
            row(s.id, text, measured, passed)
        elif kind == "goal_confirm":
            p99 = s.delays.p99_confirm() if s.delays else None
            measured = fmt_ms(p99) if p99 is not None else "not measured"
            if s.delays and s.delays.unconfirmed:
                measured = f"{s.delays.unconfirmed} holds not confirmed"
            row(s.id, text, measured, p99 is not None and p99 < limit)
        elif kind == "goal_browser":
            p95 = s.browser.p95(measure) if s.browser else None
            row(s.id, text, "not measured" if p95 is None else fmt_ms(p95), p95 is not None and p95 < limit)
        elif kind == "goal_mix":
            if run is None or not run.requests:
                row(s.id, text, "not measured", False)
                continue
            p99, route = run.worst_p99()
            failed = sum(run.failures.values())
            measured = f"{fmt_us(p99)} ({route})" + (f" ({failed} failures)" if failed else "")
            row(s.id, text, measured, p99 / 1000 < limit and not failed)
        elif kind == "goal_p99":
            t = s.targets.get(args[1])
            p99 = t.median_p99() if t else None
            passed = p99 is not None and p99 / 1000 < limit and t.vegeta_failed == 0
            measured = "not measured" if p99 is None else fmt_us(p99)
            if p99 is not None and t.vegeta_failed:
                measured += " (with errors)"
            row(s.id, text, measured, passed)
        else:
            t, r = s.targets.get(args[1]), s.targets.get(args[2])
            ratio = t.median_p99() / r.median_p99() if t and r and t.median_p99() and r.median_p99() else None
            passed = ratio is not None and ratio <= limit and t.vegeta_failed == 0 and r.vegeta_failed == 0
            row(s.id, text, "not measured" if ratio is None else f"{ratio:.2f}×", passed)
    return rows, all_passed, not_run


def render(config, scenarios, host, when, final_memory=None, goals=(), analysis=""):
    rows, all_passed, not_run = goal_rows(scenarios, final_memory, goals)
    overall = "PASS" if all_passed else "**FAIL**"
    if not_run:
        overall += f" ({not_run} goal{'s' if not_run > 1 else ''} of scenarios left out not run)"
    out = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`bench/run.sh`, then `bench/report.py`); do not edit by hand.",
        "",
        "## Last run",
        "",
        f"- Date: {when} · commit `{config.get('commit', '?')}`",
        f"- Machine: {host['cores']} cores ({host['cpu']}), {host['memory']} memory, {host['kernel']}",
        f"- Tools: wrk {config.get('wrk', '?')}, vegeta {config.get('vegeta', '?')}, "
        f"HAProxy {config.get('haproxy', '?')}, pgbench {config.get('pgbench', '?')}",
        f"- Settings: {config.get('rounds', '?')} rounds ({config.get('telemetry_rounds', '?')} for the telemetry "
        f"cost) of {config.get('duration_s', '?')} s per target and "
        f"measure (after {config.get('warmup_s', '?')} s of warm-up), wrk with 1 thread and "
        f"{config.get('connections', '?')} connections (pgbench: as many clients, 1 thread), open-loop rate "
        f"{config.get('rate_share', '?')} × the slowest HTTP target's req/s unless the scenario says otherwise, over "
        f"at most {config.get('latency_connections', '?')} connections, {config.get('threads', '?')} event-loop "
        "thread(s) in every service and HAProxy",
        "- Platform: " + ("as `make up` runs it (Jaeger, VictoriaLogs, Prometheus and the exporters in, every trace "
                          "sampled, logs at info and shipped; rate limits off)" if config.get("observed") else
                          "its observability left out (no Jaeger, VictoriaLogs, Prometheus or exporters, logs at "
                          "warn; rate limits off); `BENCH_OBSERVED=1` runs it as `make up` does"),
        "",
        "## Targets",
        "",
        "| scenario | target | measured | verdict |",
        "|---|---|---:|---|",
        *rows,
        "",
        f"Overall: {overall}.",
        "",
    ]
    if analysis.strip():
        out += analysis.strip().splitlines() + [""]
    out += [
        "## Scenarios",
        "",
    ]
    for s in scenarios:
        out += scenario_section(s, config)
    out += swarm_section(scenarios, config)
    out += memory_section(scenarios, final_memory)
    out += HOW_TO.splitlines()
    return "\n".join(out).rstrip() + "\n", all_passed


HOW_TO = """## How to run

```sh
make bench                      # build (release), measure, write this file; about 30 minutes
BENCH_SKIP_BUILD=1 make bench   # use the binaries already in build/release
BENCH_ROUNDS=1 BENCH_TELEMETRY_ROUNDS=1 BENCH_DURATION=3 make bench   # a quick look, noisier
BENCH_ONLY="product-get" BENCH_OUT=/tmp/b.md make bench   # some scenarios only (the others' goals: "not run")
BENCH_SWARM=1 make bench        # also the Swarm scenarios: a stack of its own beside the local platform
```

`bench/run.sh` builds the five services with the release preset, then starts the whole platform
with `deploy/local/up.sh` in a temporary `AGORA_HOME` with every port of `ports.env` moved to a free
one (a running `make up` or end-to-end suite is left alone): PostgreSQL, Redis, Kafka, RabbitMQ,
Mailpit, auth, product, order, mail and the gateway, with `AGORA_LOG_LEVEL=warn`, the gateway's rate
limits off (one generator on one address is what they exist to stop) and its route table with one
change: `GET /products/{id}` needs a valid token, so that the product scenario pays for the check.
The payment deadline and reminders keep their defaults (hours), so no timer fires during a run.
Prometheus, the exporters, VictoriaLogs and Jaeger are left out, so the services send no traces or
logs, until `telemetry-cost` adds Jaeger. HAProxy runs beside it with the gateway's `/auth/*`,
`/products` and `/products/*` routes and no token check (keep-alive both sides, `maxconn 4000`).
`pgbench -i` adds its tables to the product database at a scale of one branch per client; the
catalogue gets `BENCH_CATALOGUE` (300) products for the list pages. The customer is the seeded admin
(any valid token may order); the product is created with two billion in stock. `storefront` drives
Debian's Chromium with the end-to-end suite's Playwright (`bench/storefront.py`, run by the test
tools' Python) and signs up a customer of its own through Mailpit; `shop-mix` signs up
`BENCH_SHOPPERS` (100) through the same journey without a browser. Everything is
stopped at the end, on failure or Ctrl-C too. The exit status is non-zero when a target fails.

With `BENCH_SWARM=1`, before `telemetry-cost`, `bench/swarm.sh` deploys a Docker Swarm stack of its
own (`deploy/swarm/up.sh` as the stack `BENCH_SWARM_STACK`, `agora-bench`, on the overlay subnet
`BENCH_SWARM_SUBNET`, 10.232.0.0/16, with every published port moved to a free one; its images are
built for the checkout's commit unless `BENCH_SKIP_BUILD` is set), with `bench/swarm-stack.yml` on
top of `stack.yml`: the local processes' settings (warn-level logs, no traces sampled, the gateway's
rate limits off and the bench's route table). Its own admin logs in and creates its own product, and
`BENCH_SWARM_WARMUP` (15 s) of product reads and then of orders warm the new stack up.
`swarm-product-get` and `swarm-order-create` then measure the calls of `product-get` and
`order-create` through the stack's HAProxy (target `swarm`) against the local gateway (target
`local`) in the same rounds, and read every container's memory; the stack and its volumes are then
removed, on failure or Ctrl-C too. No other stack on the machine is touched. The stack runs as
deployed otherwise (HAProxy writes a line per request, which the engine does not keep; Prometheus,
Jaeger and VictoriaLogs run in it). The generators reach HAProxy on the loopback address, through
the kernel's NAT of published ports (`make swarm-up` starts `dockerd` without its userland proxy).

With `BENCH_SWARM_DATA=replicated` as well, the stack runs the replicated data tier
(docs/adr/0017-replicated-postgresql.md) and three more scenarios compare two arms of it in the same
rounds: `replicated-product-get` and `replicated-product-list` (over `BENCH_CATALOGUE` products
created through the stack's API) with the product service's queries spread over the two replicas
(arm `replicas`, as deployed) against all of them on the primary (arm `primary`: the service updated
without its replica URL, its tasks restarted, then `BENCH_SWITCH_WARMUP` s of list reads), and
`replicated-order-create` with commits synchronous to one replica (as deployed) against asynchronous
(Patroni's `synchronous_mode` switched in its dynamic configuration, no restart). The stack is put
back as deployed after them, and every container's memory read after each, so the members' and
etcd's cost sits beside the rest.

Other knobs: `BENCH_CONNECTIONS` (16, also pgbench's clients), `BENCH_RATE_SHARE` (0.25),
`BENCH_LATENCY_CONNECTIONS` (64), `BENCH_THREADS` (1), `BENCH_WARMUP` (2 s), `BENCH_STOCK_RATE`
(100), `BENCH_STOCK_DURATION` (20 s), `BENCH_SHOP_LOADS` (20 catalogue loads of `storefront`, each
cold then warm), `BENCH_SHOP_ORDERS` (10 orders it places), `BENCH_SHOPPERS` (100 customers of
`shop-mix`), `BENCH_KEEP=1` keeps the temporary directory with the logs
and raw outputs, `BENCH_OUT` writes the report elsewhere.

## How to read it

- **req/s**: closed-loop throughput from `wrk` (1 thread, a few keep-alive connections), the
  median of the rounds; for pgbench, its transactions per second (`-M prepared`, `-S` for
  select-only, `bench/product_list.sql` for the product service's page and count of
  `product-list`, TPC-B otherwise) with as many clients as wrk has connections. Rounds take the
  targets in turn, so a slow spell on the machine hits all of them. Load generator and servers
  share the same 2 cores, so this is what the whole machine delivers, not what a server would on
  its own.
- **p50 / p99**: latency from `vegeta` at a fixed arrival rate (open loop: a slow response cannot
  hold back the requests behind it), the same rate for every target of a scenario, median of the
  rounds. The rate is a quarter of the slowest HTTP target's req/s (vegeta spends several times
  wrk's CPU per request on the same 2 cores; at half that figure the latencies become the
  generator's own queue); for `order-create` it is half the rate the throughput goal asks for,
  0.5 × 0.25 × TPC-B's tps. vegeta uses at most `BENCH_LATENCY_CONNECTIONS` connections: a request
  that finds them all busy waits in vegeta, and that wait counts in its latency. A ⚠ marks a
  target for which vegeta could not hold the rate.
- **order-create**: every request is a new order (a request_id of its own, `bench/order.lua` for
  wrk, `bench/order_targets.py` for vegeta), one item, reserved, committed and published as the
  service does for any order.
- **order-stock**: orders at a steady rate, then the two databases' own clocks: the order's commit
  is the start of the transaction that makes it `PENDING`; the stock is held before it (ADR 0006,
  so that delay is negative) and confirmed when the product service consumes `order-created`
  from Kafka. The goal is on the confirmation. The commit time is a little early (the transaction's
  start), so the delays are a little long, never short.
- **telemetry-cost**: the order scenario of `order-create` with two targets, the same gateway URL
  in two settings of every service: `tracing-on` samples 100% of traces and exports every span
  to a Jaeger of the platform (OTLP/HTTP), `tracing-off` samples none (`AGORA_TRACE_SAMPLE_RATIO`
  1 and 0), so no span is recorded or exported; trace ids are still made and passed on, as at any
  ratio. Jaeger runs in both. Before a target whose setting differs from the running one, the
  bench runs `deploy/local/up.sh` again with the other ratio, which restarts the five services;
  before every measure it waits until the earlier orders' holds are confirmed, so no target
  measures while the other's backlog drains. The table of spans, from each service's `/metrics`
  before each restart, shows that the spans were exported and not dropped (a dropped span is work
  tracing did not do, which would flatter the ratio). Jaeger's own CPU counts against
  `tracing-on`: it shares the 2 cores.
- **storefront**: the shop's page (`/`, ADR 0014) in headless Chromium, one shopper at a time. Each
  catalogue load is a fresh browser context (empty cache, new connection: cold), then a second load
  in that context from a blank page (warm: the fingerprinted assets from its cache, the page itself
  revalidated); one load before them is not counted (Chromium's own first start). Browser times are
  the page's own clock (the Performance API, so Playwright's round trips are not in them): the
  catalogue from the navigation's start to the first animation frame after the product cards
  entered the page, the frame that paints them; an order from the click on "Place order" (its
  event's timestamp) to the first frame after that order's card, `PENDING`, entered "My orders" (the POST,
  the list's GET and its drawing). The page's own GET /products and POST /orders are read from
  Resource Timing twice: whole (from the `fetch()` call, the browser's queueing included, to the
  last byte) and from the request's sending to the last byte (the server and the loopback as the
  browser saw them). The API beside them is a plain HTTP client sending the same two calls one at a
  time on one keep-alive connection after the browser, in the same run (not the loaded latencies of
  `product-list` and `order-create`). No issue sets a time: its goal, the cold catalogue's p95 under
  1 s, is a generous bound that only a broken page would miss.
- **shop-mix**: many shoppers at once, each with a token of their own, sending the mix of
  `bench/shop_mix.py` through the gateway, laid out in blocks of 100 that each hold every route's
  share, so that any first part of it is the mix too. Its saturation rate is what a closed loop of
  `BENCH_CONNECTIONS` vegeta workers gets answered (after `BENCH_WARMUP` s of the same); each share of
  it is then sent open loop. Pays and cancels need pending orders of their shopper's: before every
  run, one order per pay and cancel of its targets is placed through the gateway (the pool), and each
  is paid or cancelled once. The runs wait for earlier holds to be confirmed, as `order-stock` does.
  vegeta keeps no response body (it still reads each); its results per request (`vegeta encode`)
  give each route's percentiles (nearest rank, every request counted) and failures, which are
  any answer but 2xx, time-outs included. The goal: every route's p99 at half the saturation rate.
- **Docker Swarm**: the stack's req/s over the local gateway's, the median of the per-round ratios as
  for any scenario: the cost of the HAProxy hop, the containers and the overlay network together
  (two tasks of each service share the same 2 cores as one local process does). Memory per
  container: its largest process's `VmHWM` and `VmRSS`, as for a local process, and the PSS of all
  its processes (shared pages split among the processes that map them, so the figures add up).
- **errors**: requests that failed (non-2xx, socket errors, time-outs) in wrk's and vegeta's runs
  together, and pgbench's failed transactions. A goal with errors on either side fails.
- **peak RSS**: `VmHWM` of the process serving that target, read at the end of the scenario (in
  `telemetry-cost`, before each restart, so each target's figure is the gateway's in that setting);
  the memory goals take the highest figure read during the run, restarts included.
- **ratios**: the first target (the one under test) against each reference measured in the same
  run. The req/s ratio, and so the goals, is the median of the ratios of each round (the rounds
  alternate the targets' order), which cancels most of the drift between rounds; the per-round
  figures show how steady it was. Absolute numbers swing by about ±15% between runs on these
  shared machines; ratios from one run are what to compare.

## Adding a scenario

Add a `scenario` call to `bench/scenarios.sh` (an id, a title, options, then a `name process url`
triple per target, the one under test first) and goal lines for what the issue sets.
`python3 bench/report_test.py` (part of `make test`) checks the report generator on made-up
results.
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True, type=Path, help="the results folder of bench/run.sh")
    parser.add_argument("--out", required=True, type=Path, help="the Markdown file to write")
    parser.add_argument("--analysis", type=Path, default=Path(__file__).with_name("analysis.md"),
                        help="Markdown placed after the targets: what the figures mean and why a goal is missed")
    args = parser.parse_args()
    try:
        config, scenarios, final_memory, goals = read_results(args.results)
    except (OSError, ValueError, KeyError, IndexError, AttributeError) as error:
        print(f"report.py: cannot read the results in {args.results}: {error}", file=sys.stderr)
        return 2
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    analysis = args.analysis.read_text() if args.analysis.is_file() else ""
    text, all_passed = render(config, scenarios, machine(), when, final_memory, goals, analysis)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    rows = goal_rows(scenarios, final_memory, goals)[0]
    for row in rows:
        print("   ", row.strip("| ").replace(" | ", "  "))
    return 0 if all_passed else 1


if __name__ == "__main__":
    sys.exit(main())

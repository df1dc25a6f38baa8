#!/usr/bin/env python3
"""Checks bench/report.py on made-up results: python3 bench/report_test.py"""
import csv
import gzip
import io
import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

REPORT = Path(__file__).with_name("report.py")

WRK = """Running 10s test @ http://127.0.0.1:1/auth/health
  1 threads and 16 connections
  100000 requests in 10.00s, 15.00MB read
{extra}Requests/sec:  {rps}
Transfer/sec:      1.50MB
"""


def write_target(folder, name, rates, p50_ns, p99_ns, success=1.0, extra="", sent_rate=5000.0):
    for i, rps in enumerate(rates, 1):
        (folder / f"{name}.wrk.{i}.txt").write_text(WRK.format(rps=rps, extra=extra))
        report = {"latencies": {"50th": p50_ns, "99th": p99_ns}, "success": success, "requests": 1000,
                  "rate": sent_rate}
        (folder / f"{name}.vegeta.{i}.json").write_text(json.dumps(report))


PGBENCH = """transaction type: <builtin: select only>
number of clients: 16
number of transactions actually processed: 200000
number of failed transactions: {failed} (0.000%)
latency average = 0.800 ms
tps = {tps} (without initial connection time)
"""


def report_of(results):
    out = results / "benchmarks.md"
    done = subprocess.run([sys.executable, str(REPORT), "--results", str(results), "--out", str(out)],
                          capture_output=True, text=True)
    return done.returncode, out.read_text() if out.exists() else ""


class ReportTest(unittest.TestCase):
    def run_report(self, gateway_rates, wrk_extra="", gateway_sent_rate=5000.0):
        with tempfile.TemporaryDirectory() as tmp:
            results = Path(tmp)
            folder = results / "s1"
            folder.mkdir()
            manifest = [
                "config\trounds\t3",
                "scenario\ts1\tGET /x",
                "target\ts1\tgateway\tgateway\thttp://127.0.0.1:1/x",
                "target\ts1\thaproxy\thaproxy\thttp://127.0.0.1:2/x",
                "rate\ts1\t5000",
                "memory\ts1\tgateway\t20480\t10240",
                "memory\ts1\thaproxy\t10240\t10240",
                "goal\ts1\tgateway\thaproxy\t0.70",
            ]
            (results / "manifest.tsv").write_text("\n".join(manifest) + "\n")
            write_target(folder, "gateway", gateway_rates, 200_000, 900_000, extra=wrk_extra,
                         sent_rate=gateway_sent_rate)
            write_target(folder, "haproxy", [10000, 10000, 10000], 100_000, 300_000)
            out = results / "benchmarks.md"
            done = subprocess.run([sys.executable, str(REPORT), "--results", str(results), "--out", str(out)],
                                  capture_output=True, text=True)
            return done.returncode, out.read_text() if out.exists() else ""

    def test_passes_on_the_median_ratio(self):
        # The median (8000) counts, not the best round nor the worst.
        rc, text = self.run_report([6000, 8000, 9900])
        self.assertEqual(rc, 0)
        self.assertIn("| gateway / haproxy | 0.80× | 0.60, 0.80, 0.99 | 2.00× | 3.00× | 2.00× |", text)
        self.assertIn("| 0.80× | PASS |", text)
        self.assertIn("| gateway | gateway | 8,000 | 6,000–9,900 | 200 µs | 900 µs | none | 20.0 MiB |", text)

    def test_fails_below_the_minimum(self):
        rc, text = self.run_report([6000, 6500, 6900])
        self.assertEqual(rc, 1)
        self.assertIn("| 0.65× | **FAIL** |", text)

    def test_errors_fail_the_goal(self):
        rc, text = self.run_report([9000, 9000, 9000], wrk_extra="  Non-2xx or 3xx responses: 7\n")
        self.assertEqual(rc, 1)
        self.assertIn("0.90× (with errors)", text)
        self.assertIn("| **21** |", text)

    def test_flags_a_generator_that_fell_behind(self):
        rc, text = self.run_report([8000, 8000, 8000], gateway_sent_rate=3000.0)
        self.assertEqual(rc, 0)
        self.assertIn("| 200 µs ⚠ | 900 µs ⚠ |", text)
        self.assertIn("vegeta fell behind that rate for gateway (down to 3,000 req/s)", text)
        self.assertNotIn("haproxy (down", text)

    def test_compares_round_by_round(self):
        # A slow spell in round 2 slows both targets: the ratio holds where medians of each would not.
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            write_target(folder, "a", [9000, 3000, 9000, 3000, 3000], 1, 1)
            write_target(folder, "b", [10000, 4000, 10000, 4000, 4000], 1, 1)
            sys.path.insert(0, str(REPORT.parent))
            import report

            a, b = report.Target("a", "a", ""), report.Target("b", "b", "")
            for t in (a, b):
                for path in folder.glob(f"{t.name}.wrk.*.txt"):
                    t.rps_by_round[int(path.name.split(".")[-2])] = report.parse_wrk(path.read_text())[0]
            self.assertAlmostEqual(report.rps_ratio(a, b), 0.75)
            self.assertEqual([round(r, 2) for r in report.round_ratios(a, b)], [0.9, 0.75, 0.9, 0.75, 0.75])


class IssueGoalsTest(unittest.TestCase):
    """pgbench references, latency and memory limits, and the order-to-stock delays."""

    def run_report(self, pgbench_failed=0, gateway_hwm_kb=40 * 1024, confirmed_late_ms=80, unconfirmed=0,
                   extra=()):
        with tempfile.TemporaryDirectory() as tmp:
            results = Path(tmp)
            (results / "get").mkdir()
            (results / "stock").mkdir()
            manifest = [
                "config\trounds\t3",
                "scenario\tget\tGET /products/{id}",
                "target\tget\tgateway\tgateway\thttp://127.0.0.1:1/products/1",
                "target\tget\thaproxy\thaproxy\thttp://127.0.0.1:2/products/1",
                "target\tget\tpgbench-select\tpgbench\tpgbench:select",
                "rate\tget\t1000",
                "goal\tget\tgateway\tpgbench-select\t0.40",
                "scenario\tstock\tOrder to stock",
                "target\tstock\tgateway\tgateway\thttp://127.0.0.1:1/orders",
                "rate\tstock\t100",
                "delays\tstock\torders.tsv\treservations.tsv",
                f"memory\tend\tgateway\t{gateway_hwm_kb}\t10240",
                "memory\tend\tproduct\t30000\t20000",
                "goal_p99_ratio\tget\tgateway\thaproxy\t1.5",
                "goal_p99\tget\tgateway\t50",
                "goal_confirm\tstock\t100",
                "goal_memory\tgateway\t48",
                "goal_memory\tproduct\t64",
                *extra,
            ]
            (results / "manifest.tsv").write_text("\n".join(manifest) + "\n")
            write_target(results / "get", "gateway", [5000, 5000, 5000], 200_000, 1_200_000)
            write_target(results / "get", "haproxy", [6000, 6000, 6000], 100_000, 1_000_000)
            for i, tps in enumerate([10000, 12500, 11000], 1):
                (results / "get" / f"pgbench-select.pgbench.{i}.txt").write_text(
                    PGBENCH.format(tps=tps, failed=pgbench_failed))
            write_target(results / "stock", "gateway", [], 3_000_000, 9_000_000)
            (results / "stock" / "gateway.vegeta.1.json").write_text(json.dumps(
                {"latencies": {"50th": 3_000_000, "99th": 9_000_000}, "success": 1.0, "requests": 100, "rate": 100}))
            # 100 orders committed at t = i; held 5 ms before; confirmed 10 ms after, the last one late.
            orders = [f"{i}\t{i - 0.01:.3f}\t{i:.3f}" for i in range(1, 101)]
            holds = []
            for i in range(1, 101):
                late = confirmed_late_ms if i == 100 else 10
                status = "HELD" if i <= unconfirmed else "CONFIRMED"
                holds.append(f"{i}\t{status}\t{i - 0.005:.3f}\t{i + late / 1000:.3f}")
            (results / "stock" / "orders.tsv").write_text("\n".join(orders) + "\n")
            (results / "stock" / "reservations.tsv").write_text("\n".join(holds) + "\n")
            return report_of(results)

    def test_every_goal_kind_passes(self):
        rc, text = self.run_report()
        self.assertEqual(rc, 0, text)
        # The per-round ratios 0.50, 0.40, 0.45: the median counts.
        self.assertIn("| `get` | gateway req/s ≥ 0.40 × pgbench-select req/s | 0.45× | PASS |", text)
        self.assertIn("| pgbench-select | pgbench | 11,000 | 10,000–12,500 | – | – | none | – |", text)
        self.assertIn("| `get` | gateway p99 ≤ 1.50 × haproxy p99 | 1.20× | PASS |", text)
        self.assertIn("| `get` | gateway p99 < 50 ms at 1,000 req/s | 1.20 ms | PASS |", text)
        self.assertIn("| `stock` | order commit → stock confirmed p99 < 100 ms | 10.0 ms | PASS |", text)
        self.assertIn("| stock held (before the commit) | -5.0 ms | -5.0 ms | -5.0 ms | -5.0 ms |", text)
        self.assertIn("| `end` | gateway peak RSS < 48 MiB | 40.0 MiB | PASS |", text)

    def test_a_goal_in_every_round_takes_the_lowest(self):
        # Rounds 0.50, 0.40, 0.45: the median meets 0.42, the lowest round does not.
        rc, text = self.run_report(extra=["goal_rounds\tget\tgateway\tpgbench-select\t0.42"])
        self.assertEqual(rc, 1)
        self.assertIn("| `get` | gateway req/s ≥ 0.42 × pgbench-select req/s in every round | 0.40× (lowest of 3) "
                      "| **FAIL** |", text)
        rc, text = self.run_report(extra=["goal_rounds\tget\tgateway\tpgbench-select\t0.40"])
        self.assertEqual(rc, 0, text)

    def test_a_process_never_measured_fails(self):
        rc, text = self.run_report(extra=["goal_memory\tmail\t64"])
        self.assertEqual(rc, 1)
        self.assertIn("| `end` | mail peak RSS < 64 MiB | not measured | **FAIL** |", text)

    def test_limits_fail(self):
        rc, text = self.run_report(gateway_hwm_kb=50 * 1024, pgbench_failed=3)
        self.assertEqual(rc, 1)
        self.assertIn("| `end` | gateway peak RSS < 48 MiB | 50.0 MiB | **FAIL** |", text)
        self.assertIn("0.45× (with errors) | **FAIL** |", text)

    def test_the_p99_counts_the_slowest_confirmations(self):
        # Two late ones in 100 are the 99th percentile; one is not.
        rc, text = self.run_report(confirmed_late_ms=150)
        self.assertIn("| hold confirmed (Kafka) | 10.0 ms | 10.0 ms | 10.0 ms | 150.0 ms |", text)

    def test_goals_of_scenarios_left_out_do_not_run(self):
        # BENCH_ONLY: the goal lines of every scenario are written, only some scenarios ran.
        rc, text = self.run_report(extra=["goal\tauth-health\tgateway\thaproxy\t0.70",
                                          "goal_p99\torder-create\tgateway\t50",
                                          "goal_p99_ratio\tproduct-get\tgateway\thaproxy\t1.5",
                                          "goal_confirm\torder-stock\t100"])
        self.assertEqual(rc, 0, text)
        self.assertIn("| `auth-health` | gateway req/s ≥ 0.70 × haproxy req/s | not run | not run |", text)
        self.assertIn("| `order-create` | gateway p99 < 50 ms | not run | not run |", text)
        self.assertIn("| `order-stock` | order commit → stock confirmed p99 < 100 ms | not run | not run |", text)
        self.assertIn("Overall: PASS (4 goals of scenarios left out not run).", text)
        self.assertNotIn("### `auth-health`", text)

    def test_a_scenario_with_its_own_connections_says_so(self):
        rc, text = self.run_report(extra=["config\tconnections\t16", "connections\tget\t64",
                                          "connections\tstock\t16"])
        self.assertEqual(rc, 0, text)
        section = text.split("### `get`", 1)[1].split("###", 1)[0]
        self.assertIn("wrk with 64 connections here (pgbench: as many clients).", section)
        self.assertEqual(text.count("connections here"), 1, text)

    def test_unconfirmed_holds_fail(self):
        rc, text = self.run_report(unconfirmed=2)
        self.assertEqual(rc, 1)
        self.assertIn("| 2 holds not confirmed | **FAIL** |", text)


class TelemetryCostTest(unittest.TestCase):
    """The tracing scenario: two targets of one process, restarted between them."""

    def run_report(self, on_rates, dropped=0):
        with tempfile.TemporaryDirectory() as tmp:
            results = Path(tmp)
            folder = results / "telemetry-cost"
            folder.mkdir()
            manifest = [
                "config\trounds\t3",
                "scenario\ttelemetry-cost\tPOST /orders, tracing on and off",
                "target\ttelemetry-cost\ttracing-on\tgateway\thttp://127.0.0.1:1/orders",
                "target\ttelemetry-cost\ttracing-off\tgateway\thttp://127.0.0.1:1/orders",
                "rate\ttelemetry-cost\t100",
                # Read before each restart: the gateway peaks higher with tracing on.
                "memory\ttelemetry-cost\tgateway\t30720\t20480\ttracing-on",
                "spans\ttelemetry-cost\ttracing-on\tgateway\t4000\t0",
                "spans\ttelemetry-cost\ttracing-on\torder\t9000\t0",
                "memory\ttelemetry-cost\tgateway\t20480\t20480\ttracing-off",
                "spans\ttelemetry-cost\ttracing-off\tgateway\t0\t0",
                "spans\ttelemetry-cost\ttracing-off\torder\t0\t0",
                "memory\ttelemetry-cost\tgateway\t25600\t20480\ttracing-on",
                "spans\ttelemetry-cost\ttracing-on\tgateway\t5000\t0",
                f"spans\ttelemetry-cost\ttracing-on\torder\t8000\t{dropped}",
                "memory\ttelemetry-cost\tgateway\t25600\t20480",
                # At the end the gateway has been restarted: its peak is the one read before.
                "memory\tend\tgateway\t15360\t15360",
                "goal\ttelemetry-cost\ttracing-on\ttracing-off\t0.90",
                "goal_memory\tgateway\t28",
            ]
            (results / "manifest.tsv").write_text("\n".join(manifest) + "\n")
            write_target(folder, "tracing-on", on_rates, 3_000_000, 9_000_000, sent_rate=100)
            write_target(folder, "tracing-off", [1000, 1000, 1000], 2_000_000, 6_000_000, sent_rate=100)
            return report_of(results)

    def test_goal_spans_and_memory_of_each_setting(self):
        rc, text = self.run_report([950, 910, 880])
        self.assertEqual(rc, 1, text)  # the memory goal fails, on the peak before the last restart
        self.assertIn("| `telemetry-cost` | tracing-on req/s ≥ 0.90 × tracing-off req/s | 0.91× | PASS |", text)
        self.assertIn("| tracing-on / tracing-off | 0.91× | 0.95, 0.91, 0.88 | 1.50× | 1.50× | 1.50× |", text)
        self.assertIn("| tracing-on | gateway | 910 | 880–950 | 3.00 ms | 9.00 ms | none | 30.0 MiB |", text)
        self.assertIn("| tracing-off | gateway | 1,000 | 1,000–1,000 | 2.00 ms | 6.00 ms | none | 20.0 MiB |", text)
        self.assertIn("| service | tracing-on: exported | tracing-on: dropped | tracing-off: exported | "
                      "tracing-off: dropped |", text)
        self.assertIn("| order | 17,000 | 0 | 0 | 0 |", text)
        self.assertIn("| all | 26,000 | 0 | 0 | 0 |", text)
        self.assertNotIn("Spans were dropped", text)
        self.assertIn("| `end` | gateway peak RSS < 28 MiB | 30.0 MiB | **FAIL** |", text)
        self.assertIn("| gateway | 30.0 MiB | 15.0 MiB |", text)

    def test_costly_tracing_and_dropped_spans_show(self):
        rc, text = self.run_report([850, 890, 800], dropped=12)
        self.assertIn("| `telemetry-cost` | tracing-on req/s ≥ 0.90 × tracing-off req/s | 0.85× | **FAIL** |", text)
        self.assertIn("| order | 17,000 | **12** | 0 | 0 |", text)
        self.assertIn("⚠ Spans were dropped in tracing-on (12)", text)


class StorefrontTest(unittest.TestCase):
    """The browser scenario: samples of bench/storefront.py summarised, and its goal on a p95."""

    def run_report(self, cold_ms, goals=("goal_browser\tstorefront\tcatalogue_cold\t1000",), ran=True):
        with tempfile.TemporaryDirectory() as tmp:
            results = Path(tmp)
            manifest = ["config\trounds\t3", *goals]
            if ran:
                (results / "storefront").mkdir()
                manifest[1:1] = ["scenario\tstorefront\tThe storefront in Chromium",
                                 "target\tstorefront\tgateway\tgateway\thttp://127.0.0.1:1/",
                                 "browser\tstorefront\tstorefront.json",
                                 "memory\tstorefront\tgateway\t20480\t10240"]
                samples = {"catalogue_cold": cold_ms, "catalogue_warm": [40.0 + i for i in range(20)],
                           "catalogue_api": [2.0] * 40, "catalogue_api_sent": [1.0] * 40, "order": [150.0, 120.0, 130.0, 900.0],
                           "order_api": [9.0, 8.0, 7.0, 6.0], "api_products": [1.5] * 99 + [30.0],
                           "api_orders": [4.0] * 100}
                (results / "storefront" / "storefront.json").write_text(
                    json.dumps({"chromium": "120.0.6099.224", "samples": samples}))
            (results / "manifest.tsv").write_text("\n".join(manifest) + "\n")
            return report_of(results)

    def test_every_measure_with_its_percentiles_and_the_goal(self):
        # 20 cold loads of 101..120 ms: the nearest-rank p95 is the 19th.
        rc, text = self.run_report([100.0 + i for i in range(20, 0, -1)])
        self.assertEqual(rc, 0, text)
        self.assertIn("| `storefront` | catalogue shown (cold) p95 < 1000 ms | 119.0 ms | PASS |", text)
        self.assertIn("Chromium 120.0.6099.224, headless", text)
        self.assertIn("20 loads of the catalogue", text)
        self.assertIn("4 orders of one item", text)
        self.assertIn("| catalogue shown, cold: navigation start → product cards painted | Chromium | 20 | "
                      "110.0 ms | 119.0 ms | 120.0 ms |", text)
        self.assertIn("| catalogue shown, warm: the same, assets from the browser's cache | Chromium | 20 | "
                      "49.0 ms | 58.0 ms | 59.0 ms |", text)
        self.assertIn("| … its GET /products: fetch() → last byte | the page (Resource Timing) | 40 | 2.0 ms | 2.0 ms | "
                      "2.0 ms |", text)
        self.assertIn("| … the same from the request sent | the page (Resource Timing) | 40 | 1.0 ms |", text)
        # A measure the samples lack is shown empty, not left out.
        self.assertIn("| … the same from the request sent | the page (Resource Timing) | 0 | – | – | – |", text)
        # One slow order in four is the p95.
        self.assertIn("| order shown: click on “Place order” → its card, PENDING, painted | Chromium | 4 | "
                      "130.0 ms | 900.0 ms | 900.0 ms |", text)
        self.assertIn("| GET /products?limit=10&page=1 through the gateway | plain HTTP client | 100 | 1.5 ms | "
                      "1.5 ms | 30.0 ms |", text)
        self.assertIn("| POST /orders, one item, through the gateway | plain HTTP client | 100 | 4.0 ms |", text)
        self.assertNotIn("req/s (median", text.split("### `storefront`", 1)[1].split("##", 1)[0])

    def test_a_slow_catalogue_fails(self):
        rc, text = self.run_report([300.0] * 18 + [1500.0, 1600.0])
        self.assertEqual(rc, 1)
        self.assertIn("| `storefront` | catalogue shown (cold) p95 < 1000 ms | 1500.0 ms | **FAIL** |", text)

    def test_left_out_it_does_not_run(self):
        rc, text = self.run_report([], ran=False)
        self.assertEqual(rc, 0, text)
        self.assertIn("| `storefront` | catalogue shown (cold) p95 < 1000 ms | not run | not run |", text)

    def test_no_samples_fail_the_goal(self):
        rc, text = self.run_report([])
        self.assertEqual(rc, 1)
        self.assertIn("| catalogue shown (cold) p95 < 1000 ms | not measured | **FAIL** |", text)

    def test_a_goal_on_an_unknown_measure_is_refused(self):
        rc, _ = self.run_report([100.0], goals=("goal_browser\tstorefront\tcheckout\t1000",))
        self.assertEqual(rc, 2)


class SwarmTest(unittest.TestCase):
    """The Swarm scenarios: the stack over the local gateway round by round, and every container's memory."""

    @staticmethod
    def report(sid, manifest, targets):
        """The report of one scenario `sid` with the manifest lines given and, per target name, its rounds'
        req/s, p50 and p99 (ns)."""
        with tempfile.TemporaryDirectory() as tmp:
            results = Path(tmp)
            folder = results / sid
            folder.mkdir()
            (results / "manifest.tsv").write_text("\n".join(["config\trounds\t3"] + manifest) + "\n")
            for name, (rates, p50, p99) in targets.items():
                write_target(folder, name, rates, p50, p99, sent_rate=1000.0)
            return report_of(results)

    def run_report(self, swarm=True):
        manifest = [
            "config\tswarm_stack\tagora-bench",
            "config\tswarm_images\tagora/gateway:0123456789ab",
            "scenario\tswarm-get\tGET /products/{id}: the stack against the local gateway",
            "target\tswarm-get\tswarm\tstack\thttp://127.0.0.1:1/products/1",
            "target\tswarm-get\tlocal\tgateway\thttp://127.0.0.1:2/products/1",
            "rate\tswarm-get\t1000",
            "memory\tswarm-get\tgateway\t30720\t20480",
        ]
        if swarm:
            manifest += [
                "swarm\tswarm-get",
                "container\tswarm-get\tgateway.1\t40960\t30720\t35840",
                "container\tswarm-get\tgateway.2\t20480\t10240\t15360",
                "container\tswarm-get\tpostgres.1\t51200\t40960\t204800",
                "container\tswarm-get\thaproxy\t10240\t10240\t10240",
            ]
        # A slow second round slows both sides: the per-round ratios stay at 0.60 and 0.50.
        return self.report("swarm-get", manifest, {"swarm": ([3000, 1000, 2500], 400_000, 3_000_000),
                                                   "local": ([5000, 2000, 5000], 200_000, 1_000_000)})

    def test_ratio_round_by_round_and_memory_of_every_container(self):
        rc, text = self.run_report()
        self.assertEqual(rc, 0, text)
        # The heading exactly: bench/analysis.md, placed in every report, has headings that begin alike.
        section = text.split("\n## Docker Swarm\n", 1)[1].split("\n## ", 1)[0]
        self.assertIn("The stack `agora-bench` (images `agora/gateway:0123456789ab`", section)
        self.assertIn("| `swarm-get` | 2,500 | 5,000 | 0.50× | 0.60, 0.50, 0.50 | 2.00× | 3.00× |", section)
        self.assertIn("Memory of every container after `swarm-get`", section)
        # The local gateway's peak sits beside each gateway task; PostgreSQL ran in no local process read.
        self.assertIn("| container | peak RSS of its largest process | its RSS | PSS of all its processes |", section)
        self.assertIn("| gateway.1 | 40.0 MiB | 30.0 MiB | 35.0 MiB | 30.0 MiB |", section)
        self.assertIn("| gateway.2 | 20.0 MiB | 10.0 MiB | 15.0 MiB | 30.0 MiB |", section)
        self.assertIn("| postgres.1 | 50.0 MiB | 40.0 MiB | 200.0 MiB | – |", section)
        # HAProxy, global, has no slot; its local namesake (the bench's own HAProxy) was not read here.
        self.assertIn("| haproxy | 10.0 MiB | 10.0 MiB | 10.0 MiB | – |", section)
        self.assertIn("| all 4 containers | | | 260.0 MiB | |", section)
        # The scenario's own table names the stack's target too.
        self.assertIn("| swarm / local | 0.50× |", text)

    def test_two_arms_of_the_replicated_stack_side_by_side(self):
        rc, text = self.report("replicated-list", [
            "scenario\treplicated-list\tGET /products: replicas against the primary alone",
            "target\treplicated-list\treplicas\tstack\thttp://127.0.0.1:1/products",
            "target\treplicated-list\tprimary\tstack\thttp://127.0.0.1:1/products",
            "rate\treplicated-list\t500",
            "swarm\treplicated-list",
            "container\treplicated-list\tpostgres-1\t51200\t40960\t204800",
        ], {"replicas": ([1200, 1100, 1300], 400_000, 2_000_000), "primary": ([1000, 1000, 1000], 400_000, 1_000_000)})
        self.assertEqual(rc, 0, text)
        section = text.split("\n## Docker Swarm\n", 1)[1].split("\n## ", 1)[0]
        self.assertIn("| `replicated-list` | replicas | 1,200 | primary | 1,000 | 1.20× | 1.20, 1.10, 1.30 | 1.00× | 2.00× |",
                      section)
        self.assertIn("Memory of every container after `replicated-list`", section)

    def test_no_section_without_swarm_scenarios(self):
        rc, text = self.run_report(swarm=False)
        self.assertEqual(rc, 0, text)
        self.assertNotIn("\n## Docker Swarm\n", text)


def write_mix_run(path, rate, requests):
    """vegeta's results per request as `vegeta encode -to=csv` writes them, gzipped, sent at `rate` per
    second: requests are (method, path and query, code, latency in ms)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for i, (method, target, code, ms) in enumerate(requests):
        error = "" if 200 <= code < 300 else f"{code} Conflict"
        writer.writerow([1_700_000_000_000_000_000 + i * 1_000_000_000 // rate, code, int(ms * 1e6), 0, 100, error,
                         "", "", i, method, f"http://127.0.0.1:1{target}", "SGVhZGVyOiB4DQoNCg=="])
    path.write_bytes(gzip.compress(out.getvalue().encode()))


def mix_requests(slow=(), codes=None):
    """A hundred requests of each route of the mix, 0.1 to 10 ms, route by route: `slow` routes take three
    times as long, `codes` gives some requests (route, index) another status."""
    paths = {"catalogue": ("GET", "/products?limit=10&page=2"),
             "search": ("GET", "/products?limit=10&page=1&name=product+1"), "product": ("GET", "/products/7"),
             "order": ("POST", "/orders"), "pay": ("POST", "/orders/pay"), "cancel": ("POST", "/orders/cancel")}
    out = []
    for route, (method, path) in paths.items():
        for i in range(1, 101):
            out.append((method, path, (codes or {}).get((route, i), 200), i / 10 * (3 if route in slow else 1)))
    return out


class ShopMixTest(unittest.TestCase):
    """The shop mix: its closed loop and open-loop shares, per route, and the goal on every route's p99."""

    def run_report(self, half=None, saturation=None, sat_targets=1000, half_rate=300, extra=()):
        with tempfile.TemporaryDirectory() as tmp:
            results = Path(tmp)
            folder = results / "shop-mix"
            folder.mkdir()
            manifest = [
                "config\tconnections\t16",
                "scenario\tshop-mix\tA shopper's mixed workload",
                "target\tshop-mix\tgateway\tgateway\thttp://127.0.0.1:1/",
                "shoppers\tshop-mix\t100",
                f"mix\tshop-mix\tsaturation\t600\t{sat_targets}\t30\tsaturation.csv.gz",
                "mix\tshop-mix\t0.25\t150\t1660\t80\t0.25.csv.gz",
                f"mix\tshop-mix\t0.5\t{half_rate}\t3310\t160\t0.5.csv.gz",
                "memory\tshop-mix\tgateway\t20480\t10240",
                "goal_mix\tshop-mix\t0.5\t20",
                *extra,
            ]
            (results / "manifest.tsv").write_text("\n".join(manifest) + "\n")
            write_mix_run(folder / "saturation.csv.gz", 600, saturation or mix_requests(slow=("search",)))
            write_mix_run(folder / "0.25.csv.gz", 150, mix_requests())
            write_mix_run(folder / "0.5.csv.gz", 300, half or mix_requests())
            return report_of(results)

    def test_a_table_per_run_and_route_and_the_goal(self):
        rc, text = self.run_report()
        self.assertEqual(rc, 0, text)
        section = text.split("### `shop-mix`", 1)[1].split("\n## ", 1)[0]
        self.assertIn("100 shoppers, each signed up for the run", section)
        self.assertIn("catalogue 50%, search 20%, product 20%, order 5%, pay 3%, cancel 2%", section)
        self.assertIn("Saturation: **600 req/s** (successful answers in a closed loop of 16 vegeta workers", section)
        self.assertIn("**Saturation**, closed loop: 600 req/s, 600 requests, 30 pool orders.", section)
        # Nearest rank over 0.1..10 ms: the 50th, the 99th and the 100th; the closed loop's searches slower.
        self.assertIn("| search | 100 | none | 15.00 ms | 29.70 ms | 30.00 ms |", section)
        # vegeta's sent rate: the requests over the time from the first to the last.
        self.assertIn("**0.50 × saturation**: 300 req/s asked, 301 sent, 600 requests, 160 pool orders.", section)
        self.assertIn("| pay | 100 | none | 5.00 ms | 9.90 ms | 10.00 ms |", section)
        self.assertNotIn("| other |", section)
        self.assertNotIn("⚠", section)
        self.assertIn("| `shop-mix` | every route's p99 < 20 ms at 0.50 × saturation (300 req/s) | 9.90 ms (search) | "
                      "PASS |", text)

    def test_any_answer_but_2xx_fails(self):
        # A pay refused (409), an order sent elsewhere (3xx counts too, where vegeta's own success would
        # not) and a request outside the mix, shown apart rather than taken for one of its routes.
        rc, text = self.run_report(half=mix_requests(codes={("pay", 3): 409, ("order", 7): 302})
                                   + [("GET", "/health", 404, 1.0)])
        self.assertEqual(rc, 1, text)
        self.assertIn("| pay | 100 | **1** | 5.00 ms |", text)
        self.assertIn("| order | 100 | **1** | 5.00 ms |", text)
        self.assertIn("| other | 1 | **1** | 1.00 ms | 1.00 ms | 1.00 ms |", text)
        self.assertIn("| 9.90 ms (search) (3 failures) | **FAIL** |", text)

    def test_a_slow_route_fails(self):
        rc, text = self.run_report(half=mix_requests(slow=("cancel",)))
        self.assertEqual(rc, 1, text)
        self.assertIn("| 29.70 ms (cancel) | **FAIL** |", text)

    def test_a_closed_loop_short_of_targets_and_a_generator_behind_show(self):
        rc, text = self.run_report(sat_targets=500, half_rate=400)
        self.assertIn("⚠ The closed loop sent 600 requests for 500 targets", text)
        self.assertIn("**0.50 × saturation**: 400 req/s asked, 301 sent", text)
        self.assertIn("⚠ vegeta fell behind that rate", text)

    def test_a_share_not_measured_fails_and_a_scenario_left_out_does_not_run(self):
        rc, text = self.run_report(extra=["goal_mix\tshop-mix\t0.75\t20", "goal_mix\tother-mix\t0.5\t20"])
        self.assertEqual(rc, 1, text)
        self.assertIn("| `shop-mix` | every route's p99 < 20 ms at 0.75 × saturation | not measured | **FAIL** |",
                      text)
        self.assertIn("| `other-mix` | every route's p99 < 20 ms at 0.50 × saturation | not run | not run |", text)

    def test_the_routes_of_the_generator(self):
        sys.path.insert(0, str(REPORT.parent))
        import shop_mix

        self.assertEqual(shop_mix.route_of("GET", "http://h:1/products?limit=10&page=3"), "catalogue")
        self.assertEqual(shop_mix.route_of("GET", "http://h:1/products/?name=product+1&page=1"), "search")
        self.assertEqual(shop_mix.route_of("GET", "http://h:1/products/42"), "product")
        self.assertEqual(shop_mix.route_of("POST", "http://h:1/orders/cancel"), "cancel")
        self.assertEqual(shop_mix.route_of("", ""), "other")
        # Every block of 100 has each route's share, so any first part of a mix (a closed loop's) is the mix.
        routes = shop_mix.layout("run1", 250)
        for route, share in shop_mix.MIX:
            self.assertEqual(routes[:100].count(route), share)
            self.assertEqual(routes[100:200].count(route), share)
        self.assertEqual(routes, shop_mix.layout("run1", 300)[:250])
        self.assertEqual(shop_mix.pool_size(routes[:200]), 10)


if __name__ == "__main__":
    unittest.main()

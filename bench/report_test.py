#!/usr/bin/env python3
"""Checks bench/report.py on made-up results: python3 bench/report_test.py"""
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


if __name__ == "__main__":
    unittest.main()

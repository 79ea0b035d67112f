"""Benchmark: a navigation report — every analysis, then its HTML and PDF — over an industry of N patents (issue 21).

Goal: 100,000 patents in under 60 s, 1,000,000 in under 5 minutes, on 2 cores; the time of each analysis printed.
The industry is every IPC section (A–H), so it catches the whole synthetic warehouse of N patents; the ratio printed
is the time taken against the goal's time for that size (scaled linearly between the two sizes the issue names).

Usage: python benchmarks/bench_navigation.py [--data-dir DIR] [--patents N]
(generates and ingests N synthetic patents into DIR when DIR holds no snapshot)
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from synthetic import synthetic_warehouse

from ipstrong.accounts.roles import SYSTEM
from ipstrong.navigation.industry import Industry
from ipstrong.navigation.report import navigate, write_html, write_pdf, write_xlsx

EVERYTHING = Industry(name="全部 everything", ipc=list("ABCDEFGH"))


def goal_seconds(patents: int) -> float:
    """60 s at 100,000 and 300 s at 1,000,000, linear between and beyond."""
    return 60 + (patents - 100_000) * (300 - 60) / 900_000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=Path("bench-out/navigation"))
    parser.add_argument("--patents", type=int, default=100_000)
    args = parser.parse_args()
    synthetic_warehouse(args.data_dir, args.patents)
    start = time.perf_counter()
    report = navigate(SYSTEM, args.data_dir, EVERYTHING, "320000")
    analysed = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as work:
        timed = {}
        for name, write in (("html", write_html), ("xlsx", write_xlsx), ("pdf", write_pdf)):
            begun = time.perf_counter()
            write(report, Path(work) / f"report.{name}")
            timed[name] = time.perf_counter() - begun
    total = analysed + timed["html"] + timed["pdf"]
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"industry: {report.patents:,} patents ({report.home_patents:,} in Jiangsu), snapshot {report.snapshot}")
    print("analyses: " + ", ".join(f"{t.section} {t.seconds:.2f} s" for t in report.timings) + f" — {analysed:.1f} s in all")
    print(f"html {timed['html']:.1f} s, xlsx {timed['xlsx']:.1f} s, pdf {timed['pdf']:.1f} s")
    goal = goal_seconds(report.patents)
    print(f"report (analyses + HTML + PDF): {total:.1f} s; goal {goal:.0f} s; ratio {total / goal:.2f} of the goal")


if __name__ == "__main__":
    main()

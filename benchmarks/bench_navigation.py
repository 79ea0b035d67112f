"""Benchmark: a navigation report — every analysis, then its HTML and PDF — over an industry of N patents (issue 21),
of each kind: industry, region (Jiangsu) and enterprise (the warehouse's largest enterprise).

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
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    for kind in ("industry", "region", "enterprise"):
        one_report(args.data_dir, kind, _largest_enterprise(args.data_dir) if kind == "enterprise" else None)


def _largest_enterprise(data_dir: Path) -> int:
    """The enterprise with the most patents; the applicants are resolved into enterprises first (once, untimed)
    when the warehouse holds no enterprise ids yet."""
    from ipstrong.warehouse.connection import snapshot_connection

    def largest() -> tuple[int] | None:
        con = snapshot_connection(data_dir)
        try:
            return con.execute("SELECT first_applicant_id FROM patents WHERE first_applicant_id IS NOT NULL "
                               "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()  # fmt: skip
        finally:
            con.close()

    found = largest()
    if found is None:
        from ipstrong.ingest.follow import apply_entities

        begun = time.perf_counter()
        apply_entities(data_dir, None)
        print(f"(applicants resolved into enterprises first: {time.perf_counter() - begun:.0f} s, not counted)")
        found = largest()
    assert found is not None, "the synthetic warehouse has no enterprise ids"
    return int(found[0])


def one_report(data_dir: Path, kind: str, enterprise: int | None) -> None:
    """Make, render and time one report of ``kind``."""
    start = time.perf_counter()
    report = navigate(SYSTEM, data_dir, EVERYTHING, "320000", kind, enterprise=enterprise)
    analysed = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as work:
        timed = {}
        for name, write in (("html", write_html), ("xlsx", write_xlsx), ("pdf", write_pdf)):
            begun = time.perf_counter()
            write(report, Path(work) / f"report.{name}")
            timed[name] = time.perf_counter() - begun
    total = analysed + timed["html"] + timed["pdf"]
    print(f"[{kind}] {report.patents:,} patents ({report.home_patents:,} of {report.home_name}), snapshot {report.snapshot}")
    print("  analyses: " + ", ".join(f"{t.section} {t.seconds:.2f} s" for t in report.timings) + f" — {analysed:.1f} s in all")
    print(f"  html {timed['html']:.1f} s, xlsx {timed['xlsx']:.1f} s, pdf {timed['pdf']:.1f} s")
    goal = goal_seconds(report.patents)
    print(f"  report (analyses + HTML + PDF): {total:.1f} s; goal {goal:.0f} s; ratio {total / goal:.2f} of the goal")


if __name__ == "__main__":
    main()

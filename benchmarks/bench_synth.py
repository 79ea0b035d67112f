"""Benchmark: `ipstrong synth` of N patents (default 10 million) as Parquet and CSV — time and peak memory.

Goal (issue 3): under 5 minutes and under 4 GB each. Prints each figure and its ratio to the goal (< 1 is good).
Each run is a separate process, so its peak resident memory is the process's own (ru_maxrss of the child).
Usage: python benchmarks/bench_synth.py [--patents N] [--out DIR]
"""

from __future__ import annotations

import argparse
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

GOAL_SECONDS = 300.0
GOAL_BYTES = 4 * 1024**3


def run(patents: int, fmt: str, out: Path) -> tuple[float, int]:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [
        sys.executable,
        "-c",
        "from ipstrong.cli import main; main()",
        "synth",
        "--patents",
        str(patents),
        "--seed",
        "1",
        "--format",
        fmt,
        "--out",
        str(out),
        "--json",
    ]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # the largest child so far
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patents", type=int, default=10_000_000)
    parser.add_argument("--out", type=Path, default=Path("bench-out/synth"))
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {platform.python_version()}, cores: {__import__('os').cpu_count()}")
    for fmt in ("parquet", "csv"):
        seconds, peak = run(args.patents, fmt, args.out / fmt)
        size = sum(p.stat().st_size for p in (args.out / fmt).rglob("*") if p.is_file())
        print(
            f"synth {args.patents:,} {fmt}: {seconds:.1f} s ({seconds / GOAL_SECONDS:.2f} × the 5-minute goal), "
            f"peak RSS {peak / 1024**3:.2f} GB ({peak / GOAL_BYTES:.2f} × the 4 GB goal), output {size / 1e9:.2f} GB, "
            f"{args.patents / seconds:,.0f} patents/s"
        )


if __name__ == "__main__":
    main()

"""Benchmark (issue 16.3): SEI tagging against incoPat's own labels, as ratios against the labels and against the
former default (``keywords``).

The two incoPat workbooks of ../shared/data/cn-patent-db-exports carry incoPat's 新兴产业分类 for every record:
the chatbot set (2,798 records, full IPC lists) and the autonomous-driving set (10,000 records, the main IPC only).
Each is ingested into a fresh warehouse as any export is, and its inventions' tagging by each matching is set
beside the labels at the yes/no, industry and branch levels (``ipstrong.reference.sei_evaluation``).

The successor table (``reference/data/ipc_successors.csv``) was chosen on the autonomous-driving set; the chatbot
set is the held-out one the goal (agreement ≥ 0.95, κ ≥ 0.85) is judged on.

Usage: python benchmarks/bench_sei_agreement.py [--shared-data ../shared/data]
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import tempfile
from pathlib import Path

from ipstrong.ingest import ingest
from ipstrong.reference.sei import SEI_DEFAULT, SEI_MATCHINGS
from ipstrong.reference.sei_evaluation import compare, incopat_labels

SETS = (
    ("chatbot (held out)", "incopat_chatbot_global_2798.xlsx"),
    ("autonomous driving (tuned on)", "incopat_gm_autodriving_global_10000.xlsx"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared-data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = parser.parse_args()
    print(f"# {dt.date.today()} · {platform.node()} · {platform.processor() or platform.machine()}")
    print("| set | matching | level | records | agreement | precision | recall | κ | agreement ÷ keywords |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for title, name in SETS:
        path = args.shared_data / "cn-patent-db-exports" / name
        labels = incopat_labels(path)
        with tempfile.TemporaryDirectory() as tmp:
            ingest([path], Path(tmp) / "data")
            results = {m: compare(Path(tmp) / "data", labels, m) for m in SEI_MATCHINGS}
        for matching in SEI_MATCHINGS:
            for level, base in zip(results[matching], results["keywords"], strict=True):
                kappa = f"{level.kappa:.3f}" if level.kappa is not None else ""
                default = " (default)" if matching == SEI_DEFAULT else ""
                print(
                    f"| {title} | {matching}{default} | {level.level} | {level.records:,} | {level.agreement:.3f} | "
                    f"{level.precision:.3f} | {level.recall:.3f} | {kappa} | {level.agreement / base.agreement:.2f} |"
                )


if __name__ == "__main__":
    main()

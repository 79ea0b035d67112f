"""The warehouse the utilization benchmarks share: N synthetic patents (the generator, seed 1, no broken rows) with
their events, ingested once into a directory and reused by every later run."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from ipstrong.ingest import ingest
from ipstrong.synth.generator import SynthConfig, generate
from ipstrong.warehouse.snapshots import Warehouse


def synthetic_warehouse(data_dir: Path, patents: int) -> None:
    """Generate and ingest ``patents`` patents and their events into ``data_dir`` unless it holds a snapshot."""
    if Warehouse(data_dir).current_id() is not None:
        return
    source = Path(tempfile.mkdtemp(prefix="ips-bench-"))
    generate(SynthConfig(patents=patents, seed=1, broken_share=0, fmt="parquet"), source)
    ingest([source / "patents.parquet", source / "events" / "events.csv"], data_dir, status_date=dt.date(2024, 12, 31))
    shutil.rmtree(source)

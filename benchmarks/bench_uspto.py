"""Benchmark: parsing a USPTO weekly-style grant file (issue 7), against a plain lxml iterparse loop (the floor).

No full weekly file is available offline: the six real ICE documents of ../shared/data/uspto-xml-samples (grants of
2004–2015 and a 2005 application, 0.7 MB together) are concatenated ``--copies`` times, as USPTO concatenates a
week's documents, each copy given its own application number so the warehouse holds every one.

Three figures, each in documents and megabytes per second:

* floor — the same document split, then ``lxml.etree.iterparse`` over each document counting elements, nothing kept;
* parse — ``ingest.uspto``: the hardened parser, the safety checks and the row of canonical fields per document;
* ingest — ``ipstrong ingest`` of the file into a fresh warehouse (parse, checks, entity stamping, snapshot).

Usage: python benchmarks/bench_uspto.py [--copies 300] [--shared-data ../shared/data]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import platform
import re
import tempfile
import time
from pathlib import Path

from lxml import etree

from ipstrong.ingest import ingest, uspto

ICE = ("xml2014/US08926509.xml", "xml2014/US08927118.xml", "xml2006/US07272630B2.xml", "xml2004/US06859910.xml",
       "xml2004/US06970935.xml", "xmlApp2004/US20050004974A1.xml")  # fmt: skip
APP_NUMBER = re.compile(rb"(<application-reference[^>]*>\s*<document-id>\s*<country>US</country>\s*<doc-number>)(\d+)")


def build(shared: Path, copies: int, target: Path) -> int:
    """Write the weekly-style file; return the number of documents."""
    documents = [(shared / "uspto-xml-samples" / name).read_bytes().rstrip() + b"\n" for name in ICE]
    with target.open("wb") as out:
        for copy in range(copies):
            for doc in documents:
                out.write(APP_NUMBER.sub(lambda m, c=copy: m.group(1) + f"{c:03d}".encode() + m.group(2)[3:], doc, count=1))
    return copies * len(documents)


def floor(path: Path) -> int:
    elements = 0
    for _number, _line, document in uspto.documents(path):
        for _event, _element in etree.iterparse(io.BytesIO(document), events=("end",), load_dtd=False, no_network=True):
            elements += 1
    return elements


def parse_all(path: Path) -> int:
    xml_parser = uspto.parser()
    return sum(uspto.parse(document, xml_parser).row is not None for _n, _l, document in uspto.documents(path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=300)
    parser.add_argument("--shared-data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ipg-weekly.xml"
        count = build(args.shared_data, args.copies, path)
        mb = path.stat().st_size / 1e6
        print(f"file: {count:,} documents, {mb:.0f} MB")
        t = time.perf_counter()
        elements = floor(path)
        floor_s = time.perf_counter() - t
        print(f"floor (split + iterparse, count {elements:,} elements): {floor_s:.2f} s, {count / floor_s:,.0f} docs/s, "
              f"{mb / floor_s:.0f} MB/s")  # fmt: skip
        t = time.perf_counter()
        parsed = parse_all(path)
        parse_s = time.perf_counter() - t
        print(f"parse ({parsed:,} rows): {parse_s:.2f} s, {count / parse_s:,.0f} docs/s, {mb / parse_s:.0f} MB/s "
              f"= {floor_s / parse_s:.2f} × the floor's rate")  # fmt: skip
        t = time.perf_counter()
        report = ingest([path], Path(tmp) / "data", status_date=dt.date(2024, 12, 31))
        ingest_s = time.perf_counter() - t
        print(f"ingest ({report.accepted:,} accepted, {report.quarantined} quarantined): {ingest_s:.2f} s, "
              f"{count / ingest_s:,.0f} docs/s = {floor_s / ingest_s:.2f} × the floor's rate")  # fmt: skip


if __name__ == "__main__":
    main()

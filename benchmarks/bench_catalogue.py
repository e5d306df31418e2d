"""Catalogue benchmarks (issue 4), printed side by side in one run — not asserted anywhere.

1. Full ISO snapshot import into a fresh SQLite file (ICS + committees + 54,784 deliverables):
   wall time and peak memory of the importing process; target ≤ 60 s and ≤ 1 GiB.
2. Re-import of the same files (nothing changed): target ≤ 30 s.
3. The same deliverable rows written by a plain ``sqlite3.executemany`` into one table, as the floor
   any importer pays (parse JSON + insert, no identifiers, no relations, no search index): ratio.
4. Catalogue search over ISO + IEC (~87,000 documents): p50/p95 of representative queries; target
   p95 ≤ 50 ms on SQLite (and on PostgreSQL when NQI_BENCH_DATABASE_URL is set).

Usage: .venv/bin/python benchmarks/bench_catalogue.py [--skip-import]
"""

from __future__ import annotations

import gzip
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "nqi" / "standards" / "data"
PYTHON = sys.executable

QUERIES = [
    "iso 9001 2015",
    "ISO/IEC 17025",
    "ИСО 9001",
    "quality management",
    "information security",
    "road vehicles",
    "water quality sampling",
    "iec 60529",
    "measurement uncertainty",
    "food",
    "medical devices risk management",
    "steel",
    "nanotechnologies vocabulary",
    "ISO 3166-1",
]

CHILD = r"""
import os, sys, time, resource, json
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nqi.settings")
import django; django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from pathlib import Path
from nqi.standards.importing.service import BUNDLED_ISO, import_iso_open_data
from nqi.standards.importing.documents import import_documents
step = sys.argv[1]
start = time.perf_counter()
if step in ("iso", "reimport"):
    runs = import_iso_open_data(BUNDLED_ISO)
else:
    runs = [import_documents([Path(sys.argv[2])], "iec")]
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "peak_mib": peak,
                  "runs": [[r.source, r.added, r.changed, r.unchanged, r.rejected] for r in runs]}))
"""

SEARCH = r"""
import os, sys, time, json, statistics
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nqi.settings")
import django; django.setup()
from django.db import connection
queries = json.loads(sys.argv[1])
try:
    from nqi.standards.filters import DocumentFilters, filter_documents
    def run(q):
        qs = filter_documents(DocumentFilters(q=q))
        return qs.count(), list(qs[:25])
    how = "filter_documents (page + count)"
except ImportError:
    from nqi.core.search import ranked
    from nqi.standards.models import InternationalDocument
    def run(q):
        qs = ranked(InternationalDocument.objects.all(), q, "sort_key")
        return qs.count(), list(qs[:25])
    how = "core.search.ranked (page + count)"
timings = {}
for q in queries:
    run(q)  # warm
    samples = []
    for _ in range(7):
        t = time.perf_counter(); run(q); samples.append((time.perf_counter() - t) * 1000)
    timings[q] = samples
print(json.dumps({"how": how, "vendor": connection.vendor, "timings": timings}))
"""


def child(script: str, *args: str, env: dict[str, str]) -> dict:
    result = subprocess.run([PYTHON, "-c", script, *args], capture_output=True, text=True, env=env, cwd=ROOT)
    if result.returncode:
        sys.exit(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def executemany_floor(path: Path) -> float:
    start = time.perf_counter()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(
        "CREATE TABLE doc (id INTEGER PRIMARY KEY, reference TEXT, title_en TEXT, title_fr TEXT, published TEXT,"
        " edition INTEGER, stage INTEGER, committee TEXT, ics TEXT, scope TEXT)"
    )
    rows = []
    with gzip.open(DATA / "iso_deliverables_metadata.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            d = json.loads(line)
            rows.append(
                (
                    d["id"],
                    d["reference"],
                    (d["title"] or {}).get("en"),
                    (d["title"] or {}).get("fr"),
                    d["publicationDate"],
                    d["edition"],
                    d["currentStage"],
                    d["ownerCommittee"],
                    json.dumps(d["icsCode"]),
                    (d["scope"] or {}).get("en"),
                )
            )
    with connection:
        connection.executemany("INSERT INTO doc VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    connection.close()
    return time.perf_counter() - start


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    skip_import = "--skip-import" in sys.argv
    with tempfile.TemporaryDirectory(prefix="nqi-bench-") as folder:
        db = Path(folder) / "bench.sqlite3"
        env = {**os.environ, "NQI_DEBUG": "1", "DATABASE_URL": f"sqlite:///{db}", "NQI_VAR_DIR": folder}
        print(f"NQI catalogue benchmark — {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
        if not skip_import:
            first = child(CHILD, "iso", env=env)
            print(
                f"1. ISO snapshot import (fresh SQLite): {first['seconds']:.1f} s, peak {first['peak_mib']:.0f} MiB"
                f"  [target ≤ 60 s, ≤ 1024 MiB]  runs={first['runs']}"
            )
            again = child(CHILD, "reimport", env=env)
            print(
                f"2. Re-import, nothing changed:        {again['seconds']:.1f} s, peak {again['peak_mib']:.0f} MiB"
                f"  [target ≤ 30 s]"
            )
            floor = executemany_floor(Path(folder) / "floor.sqlite3")
            print(
                f"3. Plain sqlite3.executemany of the same rows: {floor:.1f} s"
                f"  → NQI import / executemany = {first['seconds'] / floor:.1f}×"
            )
            iec = child(CHILD, "iec", str(DATA / "iec_deliverables_metadata.jsonl.gz"), env=env)
            print(f"   (IEC snapshot import for the search step: {iec['seconds']:.1f} s)")
        targets = [("SQLite", env)]
        if os.environ.get("NQI_BENCH_DATABASE_URL"):
            targets.append(("PostgreSQL", {**env, "DATABASE_URL": os.environ["NQI_BENCH_DATABASE_URL"]}))
        for label, target_env in targets:
            if skip_import and label == "SQLite":
                target_env = (
                    {**target_env, "DATABASE_URL": os.environ.get("DATABASE_URL", "")}
                    if os.environ.get("DATABASE_URL")
                    else {**target_env, "DATABASE_URL": f"sqlite:///{ROOT / 'var' / 'nqi.sqlite3'}"}
                )
            result = child(SEARCH, json.dumps(QUERIES), env=target_env)
            everything = [s for samples in result["timings"].values() for s in samples]
            print(
                f"4. Catalogue search on {label} via {result['how']}: p50 {statistics.median(everything):.1f} ms,"
                f" p95 {pct(everything, 95):.1f} ms  [target p95 ≤ 50 ms]"
            )
            slowest = sorted(result["timings"].items(), key=lambda kv: -statistics.median(kv[1]))[:3]
            for query, samples in slowest:
                print(f"     slowest: {query!r}: median {statistics.median(samples):.1f} ms")
    print(f"(benchmark process peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB)")


if __name__ == "__main__":
    main()

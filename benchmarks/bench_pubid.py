"""Benchmark of nqi.pubid: parse + render rate over a realistic mixed corpus.

Run: ``.venv/bin/python benchmarks/bench_pubid.py [--repeat N]``

Corpus: every reference of the ISO and IEC catalogue snapshots in /work/shared/data (ISO: (c) ISO -
ISO Open Data, ODC-By 1.0; IEC: IEC catalogue metadata, webstore.iec.ch) plus the national and messy
rows of tests/pubid/corpus/identifiers.csv (about 5 % of the lines). Without the shared directory,
the test corpus alone is used. One process, one core.
"""

from __future__ import annotations

import argparse
import csv
import functools
import gzip
import json
import random
import re
import time
from collections.abc import Callable
from pathlib import Path

from nqi.pubid import parse

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "pubid" / "corpus" / "identifiers.csv"
DATA = Path("/work/shared/data")
SNAPSHOTS = [
    DATA / "iso" / "iso_deliverables_metadata.jsonl.gz",
    DATA / "iec" / "iec_deliverables_metadata.jsonl.gz",
]
#: What a "plain re scan" is: one precompiled pattern matched against each line.
PLAIN_RE = re.compile(
    r"[A-Z]+(?:/[A-Z]+)*\s+[A-Z]*\s*\d+(?:-\d+)*(?::\d{4})?(?:/[A-Za-z]+\s?\d+(?::\d{4})?)*"
)


def load_corpus() -> tuple[list[str], str]:
    with CORPUS.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    extra = [r["input"] for r in rows if "snapshot" not in r["source"]]
    if all(p.exists() for p in SNAPSHOTS):
        lines: list[str] = []
        for path in SNAPSHOTS:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                lines.extend(json.loads(line)["reference"] for line in fh)
        reps = max(1, int(0.05 * len(lines) / max(1, len(extra))))
        lines.extend(extra * reps)
        source = f"{len(lines) - len(extra) * reps} catalogue references + {len(extra)} national/messy rows x{reps}"
    else:
        lines = [r["input"] for r in rows] * 50
        source = f"test corpus only ({len(rows)} rows x50; /work/shared/data absent)"
    random.Random(5141).shuffle(lines)
    return lines, source


def best_of(runs: int, fn: Callable[[list[str]], object], lines: list[str]) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        fn(lines)
        best = min(best, time.perf_counter() - t0)
    return best


def parse_render(lines: list[str]) -> None:
    for line in lines:
        parse(line).canonical  # noqa: B018 - rendering is part of the measurement


def re_scan(lines: list[str]) -> None:
    match = PLAIN_RE.match
    for line in lines:
        match(line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (best is kept)")
    args = ap.parse_args()
    lines, source = load_corpus()
    n = len(lines)
    print(f"corpus: {n} lines ({source})")

    t_re = best_of(args.repeat, re_scan, lines)
    t_parse = best_of(args.repeat, parse_render, lines)

    cached = functools.lru_cache(maxsize=None)(parse)

    def cached_parse_render(ls: list[str]) -> None:
        for line in ls:
            cached(line).canonical  # noqa: B018

    cached_parse_render(lines)  # warm the cache
    t_cached = best_of(args.repeat, cached_parse_render, lines)

    print(f"plain re scan          : {n / t_re:12,.0f} lines/s")
    print(
        f"parse + render (uncached): {n / t_parse:10,.0f} identifiers/s  ({t_parse / t_re:.1f}x the re scan time)"
    )
    print(f"parse + render (cached)  : {n / t_cached:10,.0f} identifiers/s  (lru_cache, warm)")
    target = 100_000
    print(f"target {target:,}/s uncached: {'met' if n / t_parse >= target else 'NOT met'}")


if __name__ == "__main__":
    main()

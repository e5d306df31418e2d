"""Harmonization analysis benchmark (issue 5) — printed, not asserted.

A 30,000-standard national catalogue (the Viet Nam demo generator scaled up, ~60 % harmonized) is
generated against the full ISO + IEC catalogue, then the whole analysis runs step by step: rate by
ICS field / TC / degree / year, coverage by ICS field and committee, trend, outdated adoptions with
reasons, adoption candidates. Target: the whole analysis ≤ 5 s on SQLite.

The ISO + IEC catalogue comes from a copy of var/nqi.sqlite3 (load it first with ``nqi demo``); the
copy is thrown away afterwards, the original is not touched.

Usage: .venv/bin/python benchmarks/bench_harmonization.py [--size 30000]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=30_000)
    parser.add_argument("--db", type=Path, default=ROOT / "var" / "nqi.sqlite3")
    args = parser.parse_args()
    if not args.db.exists():
        print(f"no catalogue database at {args.db}: run `nqi demo` first")
        return 1
    workdir = Path(tempfile.mkdtemp(prefix="nqi-bench-harm-"))
    with sqlite3.connect(args.db) as source, sqlite3.connect(workdir / "nqi.sqlite3") as target:
        source.backup(target)
    os.environ["NQI_VAR_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nqi.settings")
    os.environ.setdefault("NQI_DEBUG", "1")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from nqi.organizations.models import Country
    from nqi.standards.models import InternationalDocument
    from nqi.standards.national import analysis, worklists
    from nqi.standards.national.demo import PARAMETERS, load_demo
    from nqi.standards.national.models import Adoption, NationalStandard

    if not Country.objects.filter(code="VN").exists():
        from nqi.organizations.demo import load_all

        load_all()
    print(f"ISO + IEC documents: {InternationalDocument.objects.count():,}")
    start = time.perf_counter()
    load_demo(("VN",), scale=args.size / PARAMETERS["VN"]["standards"])
    build = time.perf_counter() - start
    vn = Country.objects.get(code="VN")
    print(
        f"national catalogue: {NationalStandard.objects.filter(country=vn).count():,} standards, "
        f"{Adoption.objects.filter(standard__country=vn).count():,} adoptions (generated in {build:.1f} s)"
    )
    steps = [
        ("harmonization rate (overall, ICS, TC, degree, year)", lambda: analysis.harmonization_rate(vn)),
        ("coverage (ICS field, committee, source)", lambda: analysis.coverage(vn)),
        ("trend (rate by year)", lambda: analysis.trend(vn)),
        ("outdated adoptions (5 reasons + suggestions)", lambda: worklists.outdated_adoptions(vn)),
        ("adoption candidates (ranked, all)", lambda: worklists.adoption_candidates(vn, limit=None)),
    ]
    total = 0.0
    print(f"\n{'step':<55} {'seconds':>8}  result")
    for label, run in steps:
        start = time.perf_counter()
        result = run()
        elapsed = time.perf_counter() - start
        total += elapsed
        summary = (
            f"{result['overall'].percent} % of {result['overall'].total:,}"
            if isinstance(result, dict)
            else f"{len(result):,} items"
        )
        print(f"{label:<55} {elapsed:8.2f}  {summary}")
    print(f"{'TOTAL (target ≤ 5 s)':<55} {total:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

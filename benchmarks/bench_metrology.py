"""Metrology at national scale: history page, due list and traceability check — printed, not asserted.

Target (issue #8): with 1,000,000 calibration records and 100,000 instruments, each of these is
p95 ≤ 100 ms on SQLite and on PostgreSQL:

* an instrument's history page (``GET /metrology/instruments/<pk>/``, full page render),
* a due list (``GET /metrology/due/?days=30``, all laboratories, and one laboratory's),
* a traceability check of a calibration (:func:`nqi.metrology.traceability.check`, full chain).

The data come from the deterministic generator (:mod:`nqi.metrology.generator`, seed 1). Both
databases are measured in one run, side by side: SQLite in ``var/bench/metrology.sqlite3`` (kept
between runs, so the ~1.1 M records are generated once) and a throw-away PostgreSQL cluster
(``scripts/with_postgres.py``; generated each run).

Usage:
    NQI_DEBUG=1 .venv/bin/python benchmarks/bench_metrology.py                 # 100k / 1.1M, both DBs
    NQI_DEBUG=1 .venv/bin/python benchmarks/bench_metrology.py --instruments 10000 --only sqlite
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 100.0


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _measure(label: str, func, samples: list) -> dict:
    func(samples[0])  # warm-up: the first query plans and page templates
    runs = []
    for sample in samples:
        start = time.perf_counter()
        func(sample)
        runs.append((time.perf_counter() - start) * 1000)
    return {
        "label": label,
        "n": len(runs),
        "median": statistics.median(runs),
        "p95": _percentile(runs, 0.95),
        "max": max(runs),
    }


def worker(instruments: int, years: int, samples: int) -> None:
    """Runs inside one database: set up, generate if needed, measure, print one JSON line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nqi.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    from nqi.metrology import generator, traceability
    from nqi.metrology.models import CalibrationRecord, Instrument
    from nqi.organizations.demo import load_all

    setup = {}
    have = Instrument.objects.filter(asset_number__startswith=generator.PREFIX).count()
    if abs(have - instruments) > instruments * 0.01:
        start = time.perf_counter()
        if have:
            generator.clear()
        load_all()
        generated = generator.generate(instruments, years, seed=1)
        setup["generate_s"] = time.perf_counter() - start
        setup["generated"] = generated.__dict__
        with connection.cursor() as cursor:  # fresh statistics for the query planner (both databases)
            cursor.execute("ANALYZE")
    counts = {
        "instruments": Instrument.objects.count(),
        "records": CalibrationRecord.objects.count(),
    }
    rng = random.Random(2)
    max_pk = Instrument.objects.order_by("-pk").values_list("pk", flat=True).first()
    min_pk = Instrument.objects.order_by("pk").values_list("pk", flat=True).first()
    instrument_ids = [rng.randint(min_pk, max_pk) for _ in range(samples)]
    owners = list(Instrument.objects.values_list("owner_id", flat=True).distinct())
    recent = list(
        CalibrationRecord.objects.filter(item_id__in=instrument_ids).order_by("-calibrated_on")[: samples * 3]
    )
    rng.shuffle(recent)
    client = Client(SERVER_NAME="localhost")  # an allowed host in debug settings

    def page(url: str) -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")

    results = [
        _measure("instrument history page", lambda pk: page(f"/metrology/instruments/{pk}/"), instrument_ids),
        _measure(
            "due list, all laboratories", lambda _x: page("/metrology/due/?days=30"), list(range(samples))
        ),
        _measure(
            "due list, one laboratory",
            lambda owner: page(f"/metrology/due/?days=30&owner={owner}"),
            [owners[i % len(owners)] for i in range(samples)],
        ),
        _measure("traceability check", traceability.check, recent[:samples]),
    ]
    print(json.dumps({"vendor": connection.vendor, "counts": counts, "setup": setup, "results": results}))


def _run(env: dict[str, str], prefix: list[str], args) -> dict | None:
    command = [
        *prefix,
        sys.executable,
        __file__,
        "--worker",
        f"--instruments={args.instruments}",
        f"--years={args.years}",
        f"--samples={args.samples}",
    ]
    completed = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if completed.returncode != 0:
        print(completed.stdout[-2000:], completed.stderr[-4000:], file=sys.stderr)
        return None
    line = [row for row in completed.stdout.splitlines() if row.startswith("{")][-1]
    return json.loads(line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instruments", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=10, help="annual calibrations per instrument (+1)")
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.instruments, args.years, args.samples)
        return

    env = {**os.environ, "NQI_DEBUG": "1", "NQI_LOG_LEVEL": "ERROR"}
    runs = {}
    if args.only in (None, "sqlite"):
        (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
        sqlite_env = {**env, "DATABASE_URL": f"sqlite:///{ROOT / 'var' / 'bench' / 'metrology.sqlite3'}"}
        sqlite_env.pop("NQI_TEST_DATABASE_URL", None)
        runs["sqlite"] = _run(sqlite_env, [], args)
    if args.only in (None, "postgresql"):
        runs["postgresql"] = _run(
            env, [sys.executable, str(ROOT / "scripts" / "with_postgres.py"), "--"], args
        )

    for vendor, run in runs.items():
        if run is None:
            print(f"{vendor}: failed (see above)")
            continue
        counts = run["counts"]
        print(
            f"{vendor}: {counts['instruments']:,} instruments, {counts['records']:,} calibration records",
            end="",
        )
        if run["setup"]:
            print(f"  (generated in {run['setup']['generate_s']:.0f} s)")
        else:
            print()
    if not any(runs.values()):
        raise SystemExit(1)
    labels = [r["label"] for r in next(run for run in runs.values() if run)["results"]]
    header = f"{'measure':<30}" + "".join(f"{v + ' p95':>18}{'÷ target':>10}" for v in runs)
    print(header)
    for index, label in enumerate(labels):
        row = f"{label:<30}"
        for run in runs.values():
            if run is None:
                row += f"{'—':>18}{'':>10}"
                continue
            p95 = run["results"][index]["p95"]
            row += f"{p95:>15.1f} ms{p95 / TARGET_MS:>10.2f}"
        print(row)
    if len([r for r in runs.values() if r]) == 2:
        print("ratio PostgreSQL / SQLite (p95): ", end="")
        sqlite_run, pg_run = runs["sqlite"], runs["postgresql"]
        print(
            ", ".join(
                f"{a['label']}: {b['p95'] / a['p95']:.2f}"
                for a, b in zip(sqlite_run["results"], pg_run["results"], strict=True)
            )
        )
    print(f"target: p95 ≤ {TARGET_MS:.0f} ms (ratio ≤ 1.00)")


if __name__ == "__main__":
    main()

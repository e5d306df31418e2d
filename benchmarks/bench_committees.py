"""Committee analytics on the real data in the local database (var/nqi.sqlite3) — not asserted.

Times the participation analytics over the full ISO committee data (802 committees, ~31,000
memberships, ~86,000 documents): P/O summary, side-by-side comparison of four member bodies,
coverage with gaps, the member-body ranking and the SVG chart. Target: each ≤ 0.5 s.

Usage: NQI_DEBUG=1 .venv/bin/python benchmarks/bench_committees.py
"""

from __future__ import annotations

import os
import statistics
import time


def _time(label: str, func, repeat: int = 5) -> None:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        runs.append(time.perf_counter() - start)
    print(f"{label:<40} median {statistics.median(runs) * 1000:8.1f} ms   max {max(runs) * 1000:8.1f} ms")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nqi.settings")
    import django

    django.setup()
    from nqi.committees import analytics

    members = ["UZ", "VN", "KZ", "KR"]
    rows, _unknown = analytics.compare(members)
    for row in rows:
        print(
            f"{row['acronym']:<10} P {row['p']:4d}  O {row['o']:4d}  secretariats {len(row['secretariats'])}"
        )
    vn = analytics.resolve_member("VN")
    _time("summary (VN)", lambda: analytics.summary(vn))
    _time("compare (UZ, VN, KZ, KR)", lambda: analytics.compare(members))
    _time("coverage with gaps (VN)", lambda: analytics.coverage(vn))
    _time("coverage, explicit ICS 03,13,91", lambda: analytics.coverage(vn, ["03", "13", "91"]))
    _time("member-body ranking", lambda: analytics.member_bodies(300))
    _time("comparison chart (SVG)", lambda: analytics.comparison_svg(rows), repeat=3)


if __name__ == "__main__":
    main()

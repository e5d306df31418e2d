"""A deterministic generator of a large calibration network, for benchmarks and load tests.

``generate(instruments=100_000, years=10)`` writes, with bulk inserts and one seed, a calibration
hierarchy under the laboratories already in the database:

* per laboratory and quantity one chain of standards: a national standard (at the NMI), reference
  standards, working standards; every standard is calibrated once a year (on 10 January, valid
  400 days) against the level above, so every chain is unbroken;
* the remaining items are customers' instruments, calibrated once a year on a random day between
  February and December against a working standard of their laboratory, with two points each,
  as-found verdicts mostly pass, a few fails.

Records are written as issued, without a DCC document (benchmarks time queries, not XML).
Everything generated is tagged: asset numbers start with ``GEN-``, so :func:`clear` removes it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from nqi.metrology.models import (
    CalibrationPoint,
    CalibrationRecord,
    Instrument,
    InstrumentLevel,
    InstrumentQuantity,
    RecordStatus,
    StandardUse,
    Verdict,
)
from nqi.organizations.models import Organization

PREFIX = "GEN-"
LAB_KINDS = ("nmi", "metrology_centre", "laboratory")
QUANTITIES = [  # quantity, unit, nominal, U, MPE
    ("mass", "kg", 1.0, 5e-7, 1.6e-6),
    ("temperature", "°C", 100.0, 0.02, 0.1),
    ("DC voltage", "V", 10.0, 2e-5, 1e-4),
    ("pressure", "kPa", 500.0, 0.05, 0.25),
]
BATCH = 5000


@dataclass
class Generated:
    instruments: int = 0
    records: int = 0
    points: int = 0
    uses: int = 0


def clear() -> None:
    """Remove everything a previous :func:`generate` wrote."""
    generated = Instrument.objects.filter(asset_number__startswith=PREFIX)
    records = CalibrationRecord.objects.filter(item__in=generated)
    StandardUse.objects.filter(record__in=records).delete()
    CalibrationPoint.objects.filter(record__in=records).delete()
    # Revisions point at their predecessors (PROTECT); generated records have none.
    records.delete()
    InstrumentQuantity.objects.filter(instrument__in=generated).delete()
    generated.delete()


def _laboratories() -> tuple[Organization, list[Organization]]:
    labs = list(Organization.objects.filter(kind__in=LAB_KINDS).order_by("pk"))
    if not labs:
        raise RuntimeError(
            "no laboratories in the database: run `nqi demo` (or load the organizations) first"
        )
    nmi = next((lab for lab in labs if lab.kind == "nmi"), labs[0])
    return nmi, labs


def generate(
    instruments: int = 100_000,
    years: int = 10,
    seed: int = 1,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> Generated:
    """Write about ``instruments`` instruments with ``years`` annual calibrations each."""
    rng = random.Random(seed)
    today = today or dt.date.today()
    first_year = today.year - years
    nmi, labs = _laboratories()
    result = Generated()
    numbers = _Numbers()

    with transaction.atomic():
        # 1. The standards: per quantity a national standard at the NMI; per lab and quantity
        #    two reference standards and five working standards.
        standards: list[Instrument] = []
        plan: list[tuple[Instrument, str, int]] = []  # (standard, quantity, level rank)
        for q_index, (quantity, *_rest) in enumerate(QUANTITIES):
            national = Instrument(
                owner=nmi,
                asset_number=f"{PREFIX}NAT-{q_index}",
                name=f"National standard of {quantity}",
                level=InstrumentLevel.NATIONAL,
                manufacturer="NMI",
            )
            standards.append(national)
            plan.append((national, quantity, 0))
            for lab in labs:
                for r in range(2):
                    ref = Instrument(
                        owner=lab,
                        asset_number=f"{PREFIX}REF-{lab.pk}-{q_index}-{r}",
                        name=f"Reference standard of {quantity}",
                        level=InstrumentLevel.REFERENCE,
                        manufacturer="Fluke" if q_index == 2 else "Mettler Toledo",
                        serial_number=f"R{lab.pk:03d}{q_index}{r}",
                    )
                    standards.append(ref)
                    plan.append((ref, quantity, 1))
                for w in range(5):
                    work = Instrument(
                        owner=lab,
                        asset_number=f"{PREFIX}WRK-{lab.pk}-{q_index}-{w}",
                        name=f"Working standard of {quantity}",
                        level=InstrumentLevel.WORKING,
                        serial_number=f"W{lab.pk:03d}{q_index}{w}",
                    )
                    standards.append(work)
                    plan.append((work, quantity, 2))
        Instrument.objects.bulk_create(standards, batch_size=BATCH)
        by_rank: dict[tuple[str, int, int | None], list[Instrument]] = {}
        for standard, quantity, rank in plan:
            key = (quantity, rank, None if rank == 0 else standard.owner_id)
            by_rank.setdefault(key, []).append(standard)

        # 2. The customers' instruments, spread over the laboratories.
        customers: list[Instrument] = []
        for n in range(max(instruments - len(standards), 0)):
            lab = labs[n % len(labs)]
            q_index = rng.randrange(len(QUANTITIES))
            customers.append(
                Instrument(
                    owner=lab,
                    asset_number=f"{PREFIX}{n:07d}",
                    name=f"{QUANTITIES[q_index][0].capitalize()} instrument",
                    level=InstrumentLevel.INSTRUMENT,
                    manufacturer=rng.choice(["Sartorius", "Fluke", "WIKA", "Testo", "Keysight"]),
                    model=f"M{rng.randrange(100, 999)}",
                    serial_number=f"SN{n:08d}",
                )
            )
            if len(customers) >= BATCH:
                Instrument.objects.bulk_create(customers)
                result.instruments += len(customers)
                customers = []
        Instrument.objects.bulk_create(customers)
        result.instruments += len(customers) + len(standards)

        # 3. Quantities (with due dates) and the calibration history.
        quantity_of = {s.pk: q for s, q, _rank in plan}
        all_items = Instrument.objects.filter(asset_number__startswith=PREFIX).order_by("pk")
        standard_records: dict[tuple[int, int], int] = {}  # (standard pk, year) → record pk
        # Standards first (rank order), so that each level can link to the certificates above.
        for rank in (0, 1, 2):
            items = [s for s, _q, r in plan if r == rank]
            _calibrate(
                items, quantity_of, rank, by_rank, standard_records, first_year, years, rng, numbers, result
            )
            if progress:
                progress(len(items))
        batch: list[Instrument] = []
        for item in all_items.filter(level=InstrumentLevel.INSTRUMENT).iterator(chunk_size=BATCH):
            batch.append(item)
            if len(batch) >= BATCH:
                _calibrate(batch, None, 3, by_rank, standard_records, first_year, years, rng, numbers, result)
                if progress:
                    progress(len(batch))
                batch = []
        if batch:
            _calibrate(batch, None, 3, by_rank, standard_records, first_year, years, rng, numbers, result)
            if progress:
                progress(len(batch))
    return result


class _Numbers:
    def __init__(self) -> None:
        self.serial = 0

    def next(self, year: int) -> str:
        self.serial += 1
        return f"{PREFIX}{year}-{self.serial:08d}"


def _calibrate(items, quantity_of, rank, by_rank, standard_records, first_year, years, rng, numbers, result):
    """Annual calibrations of ``items`` (all of one rank) with points, links and due dates."""
    records: list[CalibrationRecord] = []
    pending: list[tuple[CalibrationRecord, Instrument, str, int]] = []
    quantities: list[InstrumentQuantity] = []
    for item in items:
        if quantity_of is not None:
            quantity = quantity_of[item.pk]
        else:
            quantity = item.name.split(" instrument")[0].lower()
            quantity = next(q[0] for q in QUANTITIES if q[0].lower() == quantity)
        spec = next(q for q in QUANTITIES if q[0] == quantity)
        last = None
        for year in range(first_year, first_year + years + 1):
            if rank < 3:
                day = dt.date(year, 1, 10)
            else:
                day = dt.date(year, 2, 1) + dt.timedelta(days=rng.randrange(300))
            failed = rng.random() < 0.03
            record = CalibrationRecord(
                certificate_number=numbers.next(year),
                status=RecordStatus.ISSUED,
                item=item,
                laboratory_id=item.owner_id,
                calibrated_on=day,
                valid_until=day + dt.timedelta(days=400 if rank < 3 else 365),
                issued_on=day + dt.timedelta(days=3),
                as_found_verdict=Verdict.FAIL if failed else Verdict.PASS,
                as_left_verdict=Verdict.PASS,
                adjusted=failed,
                temperature=20.0 + rng.uniform(-0.5, 0.5),
                humidity=45.0 + rng.uniform(-5, 5),
            )
            records.append(record)
            pending.append((record, item, quantity, year))
            last = day
        quantities.append(
            InstrumentQuantity(
                instrument=item,
                quantity=quantity,
                unit=spec[1],
                mpe=spec[4],
                interval_days=400 if rank < 3 else 365,
                last_calibrated=last,
                due_on=last + dt.timedelta(days=400 if rank < 3 else 365),
            )
        )
    CalibrationRecord.objects.bulk_create(records, batch_size=BATCH)
    InstrumentQuantity.objects.bulk_create(quantities, batch_size=BATCH)
    points: list[CalibrationPoint] = []
    uses: list[StandardUse] = []
    for record, item, quantity, year in pending:
        spec = next(q for q in QUANTITIES if q[0] == quantity)
        _name, unit, nominal, uncertainty, mpe = spec
        for position, factor in enumerate((0.5, 1.0)):
            value = nominal * factor
            error = rng.gauss(0, mpe / 3) if record.as_found_verdict == Verdict.PASS else mpe * 1.5
            points.append(
                CalibrationPoint(
                    record=record,
                    position=position,
                    quantity=quantity,
                    unit=unit,
                    nominal=value,
                    reference=value,
                    as_found=value + error,
                    as_left=value + error / 10,
                    uncertainty=uncertainty * (rank + 1),
                    mpe=mpe,
                    found_verdict=record.as_found_verdict,
                    left_verdict=Verdict.PASS,
                )
            )
        if rank > 0:
            owner = None if rank == 1 else item.owner_id
            above = by_rank.get((quantity, rank - 1, owner if rank > 1 else None)) or []
            if rank == 3:
                above = by_rank.get((quantity, 2, item.owner_id)) or []
            if above:
                standard = above[item.pk % len(above)]
                uses.append(
                    StandardUse(
                        record=record,
                        standard=standard,
                        standard_calibration_id=standard_records.get((standard.pk, year)),
                        calibrated_on=record.calibrated_on,
                    )
                )
        if rank < 3:
            standard_records[(item.pk, year)] = record.pk
    CalibrationPoint.objects.bulk_create(points, batch_size=BATCH)
    StandardUse.objects.bulk_create(uses, batch_size=BATCH)
    last_by_item = {}
    for record, item, _quantity, _year in pending:
        last_by_item[item.pk] = record.calibrated_on
    due_days = 400 if rank < 3 else 365
    for day in set(last_by_item.values()):
        ids = [pk for pk, last in last_by_item.items() if last == day]
        Instrument.objects.filter(pk__in=ids).update(
            last_calibrated=day, next_due=day + dt.timedelta(days=due_days)
        )
    result.records += len(records)
    result.points += len(points)
    result.uses += len(uses)

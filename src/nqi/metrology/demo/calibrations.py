"""Demo equipment and calibration history: three unbroken chains to the SI and the usual troubles.

* Mass (Vietnam): national 1 kg standard (calibrated at the BIPM) → VMI E1 set → VMI E2 set →
  QUATEST 1 F1 set → customers' balances. The F1 set is found out of tolerance at its latest
  calibration: reverse traceability lists the balances calibrated with it since its last good one.
* Temperature (Vietnam): ITS-90 fixed-point cells → VMI SPRT → QUATEST 2 digital reference
  thermometer → customers' thermometers. The reference thermometer's certificate is withdrawn
  afterwards, so the customers' certificates appear in the broken-chains list.
* DC voltage (Uzbekistan) and mass (Kazakhstan, traced to VNIIM's published CMC).
Plus a revised certificate, a withdrawn one and overdue instruments.
"""

from __future__ import annotations

import datetime as dt

from nqi.metrology.services import calibrations, equipment
from nqi.organizations.models import Organization

CUSTOMERS = [
    # seed key, English name, country, local name
    ("demo-ent-dairy", "Red River Dairy JSC (demo)", "VN", "Công ty CP Sữa Sông Hồng (demo)"),
    ("demo-ent-water", "Saigon Water Supply Co. (demo)", "VN", "Công ty Cấp nước Sài Gòn (demo)"),
    ("demo-ent-pharma", "Bukhara Pharma LLC (demo)", "UZ", "Buxoro Farma MChJ (demo)"),
    ("demo-ent-grain", "Shymkent Grain Terminal (demo)", "KZ", "Шымкент астық терминалы (demo)"),
]


def _customers() -> dict[str, Organization]:
    from nqi.organizations.models import Country

    found = {}
    for key, name, country, local in CUSTOMERS:
        language = {"VN": "vi", "UZ": "uz", "KZ": "kk"}[country]
        found[key], _created = Organization.objects.get_or_create(
            seed_key=key,
            defaults={
                "kind": "enterprise",
                "name": name,
                "name_i18n": {language: local},
                "country": Country.objects.get(code=country),
                "description": "Fictional customer for the metrology demo.",
            },
        )
    return found


class _Writer:
    """Registers instruments and issues certificates through the services."""

    def __init__(self, user, today: dt.date) -> None:
        self.user, self.today = user, today
        self.instruments = 0
        self.certificates = 0

    def instrument(
        self, owner, asset, name, level, quantity, unit, mpe=None, interval=365, method="fixed", **data
    ):
        self.instruments += 1
        return equipment.save_instrument(
            self.user,
            None,
            {"owner": owner, "asset_number": f"DEMO-{asset}", "name": name, "level": level, **data},
            [
                {
                    "quantity": quantity,
                    "unit": unit,
                    "mpe": mpe,
                    "interval_days": interval,
                    "interval_method": method,
                }
            ],
        )

    def calibrate(self, lab, item, days_ago, points, standards=(), customer=None, procedure=None, **data):
        day = self.today - dt.timedelta(days=days_ago)
        record = calibrations.save_draft(
            self.user,
            None,
            {
                "item": item,
                "laboratory": lab,
                "customer": customer or item.owner,
                "calibrated_on": day,
                "received_on": day - dt.timedelta(days=2),
                "procedure": procedure,
                "temperature": 20.1,
                "humidity": 48.0,
                "pressure": 1008.0,
                **data,
            },
            points=points,
            standards=list(standards),
        )
        record = calibrations.issue(self.user, record, issued_on=day + dt.timedelta(days=2))
        self.certificates += 1
        return record


def _mass_points(values, errors, u, mpe, left=None):
    rows = []
    for index, (value, error) in enumerate(zip(values, errors, strict=True)):
        row = {
            "quantity": "mass",
            "unit": "kg",
            "nominal": value,
            "as_found": value + error,
            "uncertainty": u[index],
            "mpe": mpe[index],
        }
        if left is not None:
            row["as_left"] = value + left[index]
        rows.append(row)
    return rows


def _temperature_points(values, errors, u, mpe):
    return [
        {
            "quantity": "temperature",
            "unit": "°C",
            "nominal": v,
            "as_found": v + e,
            "uncertainty": uu,
            "mpe": m,
        }
        for v, e, uu, m in zip(values, errors, u, mpe, strict=True)
    ]


def load(user, labs, procedures, today: dt.date) -> tuple[int, int]:
    w = _Writer(user, today)
    customers = _customers()
    vmi, q1 = labs["vmi"], labs["q1"]
    mass_proc = procedures.get("mass")

    # Mass chain, Vietnam ---------------------------------------------------------------------
    national = w.instrument(
        vmi,
        "VMI-M-001",
        "National standard of mass, 1 kg (stainless steel)",
        "national",
        "mass",
        "kg",
        mpe=5e-7,
        interval=730,
        manufacturer="Häfner",
        serial_number="VN-1KG-01",
        location="VMI mass laboratory, Hanoi",
    )
    w.calibrate(
        labs["bipm"],
        national,
        420,
        _mass_points([1.0], [2.1e-7], [4.6e-8], [5e-7]),
        external=True,
        certificate_number="BIPM-DEMO-2025-041",
        method="Comparison with BIPM working standards",
    )
    e1 = w.instrument(
        vmi,
        "VMI-M-011",
        "Weight set E1, 1 mg – 1 kg",
        "reference",
        "mass",
        "kg",
        mpe=5e-7,
        interval=730,
        manufacturer="Häfner",
        model="E1 set",
        serial_number="H-E1-5521",
    )
    w.calibrate(
        vmi,
        e1,
        720,
        _mass_points([1.0, 0.1, 0.001], [1.2e-7, 1.1e-8, -3e-9], [1.6e-7, 5e-8, 6e-9], [5e-7, 5e-8, 1e-8]),
        [national],
        procedure=mass_proc,
    )
    e2 = w.instrument(
        vmi,
        "VMI-M-021",
        "Weight set E2, 1 mg – 20 kg",
        "working",
        "mass",
        "kg",
        mpe=1.6e-6,
        manufacturer="Sartorius",
        model="YCW",
        serial_number="S-E2-30817",
    )
    w.calibrate(
        vmi,
        e2,
        700,
        _mass_points([20.0, 1.0, 0.1], [6e-6, 3e-7, 2e-8], [1e-5, 5e-7, 1.6e-7], [3e-5, 1.6e-6, 1.6e-7]),
        [e1],
        procedure=mass_proc,
    )
    w.calibrate(
        vmi,
        e2,
        330,
        _mass_points([20.0, 1.0, 0.1], [8e-6, 4e-7, 3e-8], [1e-5, 5e-7, 1.6e-7], [3e-5, 1.6e-6, 1.6e-7]),
        [e1],
        procedure=mass_proc,
    )
    f1 = w.instrument(
        q1,
        "Q1-M-104",
        "Weight set F1, 1 g – 20 kg",
        "working",
        "mass",
        "kg",
        mpe=1e-4,
        method="staircase",
        manufacturer="Kern",
        model="F1 set",
        serial_number="K-F1-77120",
        location="QUATEST 1 mass laboratory, Hanoi",
    )
    w.calibrate(
        vmi,
        f1,
        690,
        _mass_points([20.0, 1.0], [3e-5, 1e-6], [1.5e-5, 1.6e-6], [1e-4, 5e-6]),
        [e2],
        procedure=mass_proc,
    )
    return _rest(w, labs, customers, procedures, today, national, e1, e2, f1)


def _rest(w, labs, customers, procedures, today, national, e1, e2, f1):
    vmi, q1, q2 = labs["vmi"], labs["q1"], labs["q2"]
    mass_proc, temp_proc = procedures.get("mass"), procedures.get("temperature")
    dairy, water = customers["demo-ent-dairy"], customers["demo-ent-water"]
    w.calibrate(
        vmi,
        f1,
        300,
        _mass_points([20.0, 1.0], [4e-5, 1.5e-6], [1.5e-5, 1.6e-6], [1e-4, 5e-6]),
        [e2],
        procedure=mass_proc,
    )
    balances = []
    for n, (days, owner) in enumerate([(250, dairy), (200, dairy), (150, water), (100, water), (60, dairy)]):
        balance = w.instrument(
            owner,
            f"BAL-{n + 1:03d}",
            "Platform balance 60 kg",
            "instrument",
            "mass",
            "kg",
            mpe=0.02,
            manufacturer="Mettler Toledo",
            model="ICS425",
            serial_number=f"MT-{8812 + n}",
        )
        balances.append(balance)
        w.calibrate(
            q1,
            balance,
            days,
            _mass_points([20.0, 1.0], [0.004, 0.0005], [0.004, 0.0006], [0.02, 0.001]),
            [f1],
            customer=owner,
            procedure=mass_proc,
        )
    # The F1 set fails as found at its next calibration (20 kg weight +0.13 g): adjusted, then fine.
    w.calibrate(
        vmi,
        f1,
        20,
        _mass_points([20.0, 1.0], [1.3e-4, 2e-6], [1.5e-5, 1.6e-6], [1e-4, 5e-6], left=[2e-5, 1e-6]),
        [e2],
        adjusted=True,
        procedure=mass_proc,
        remarks="20 kg weight out of tolerance as found; cleaned and adjusted.",
    )
    # A revision: the first balance certificate named the wrong model.
    first = balances[0].calibrations.order_by("calibrated_on").first()
    revision = calibrations.revise(w.user, first, "The certificate named the wrong balance model; corrected.")
    calibrations.issue(w.user, revision, issued_on=first.issued_on + dt.timedelta(days=10))
    w.certificates += 1

    # Temperature chain, Vietnam ----------------------------------------------------------------
    cells = w.instrument(
        vmi,
        "VMI-T-001",
        "ITS-90 fixed-point cells (Hg, Ga, In, Sn, Zn)",
        "national",
        "temperature",
        "°C",
        interval=1825,
        location="VMI temperature laboratory",
    )
    sprt = w.instrument(
        vmi,
        "VMI-T-010",
        "Standard platinum resistance thermometer",
        "reference",
        "temperature",
        "°C",
        mpe=0.01,
        manufacturer="Fluke",
        model="5681",
        serial_number="F5681-1043",
    )
    w.calibrate(
        vmi,
        sprt,
        280,
        _temperature_points(
            [0.01, 29.7646, 156.5985, 231.928],
            [0.0004, 0.0006, -0.0008, 0.0011],
            [0.0012, 0.0015, 0.002, 0.0025],
            [0.01] * 4,
        ),
        [cells],
        procedure=temp_proc,
    )
    w.calibrate(
        vmi,
        sprt,
        600,
        _temperature_points(
            [0.01, 29.7646, 156.5985, 231.928],
            [0.0003, 0.0005, -0.0006, 0.001],
            [0.0012, 0.0015, 0.002, 0.0025],
            [0.01] * 4,
        ),
        [cells],
        procedure=temp_proc,
    )
    reference = w.instrument(
        q2,
        "Q2-T-031",
        "Digital reference thermometer",
        "working",
        "temperature",
        "°C",
        mpe=0.05,
        manufacturer="Fluke",
        model="1524",
        serial_number="F1524-2291",
    )
    ref_cert = w.calibrate(
        vmi,
        reference,
        240,
        _temperature_points(
            [-20, 0, 100, 200], [0.01, 0.008, -0.012, 0.02], [0.012, 0.01, 0.015, 0.02], [0.05] * 4
        ),
        [sprt],
        procedure=temp_proc,
    )
    for n, days in enumerate([200, 120, 45]):
        thermometer = w.instrument(
            water,
            f"TH-{n + 1:03d}",
            "Digital thermometer with Pt100 probe",
            "instrument",
            "temperature",
            "°C",
            mpe=0.3,
            manufacturer="Testo",
            model="720",
            serial_number=f"T720-{551 + n}",
        )
        w.calibrate(
            q2,
            thermometer,
            days,
            _temperature_points([0, 50, 100], [0.05, 0.12, 0.21 + 0.05 * n], [0.06, 0.07, 0.08], [0.3] * 3),
            [reference],
            customer=water,
            procedure=temp_proc,
            decision_rule="guard_band",
        )
    calibrations.withdraw(
        w.user, ref_cert, "Bath correction applied with the wrong sign; recalibration required."
    )
    # Overdue: a thermometer last calibrated 400 days ago with a one-year interval.
    old = w.instrument(
        q2,
        "Q2-T-090",
        "Liquid-in-glass thermometer 0–100 °C",
        "working",
        "temperature",
        "°C",
        mpe=0.2,
        manufacturer="Amarell",
    )
    w.calibrate(
        vmi, old, 400, _temperature_points([0, 50, 100], [0.05, 0.08, 0.1], [0.03] * 3, [0.2] * 3), [sprt]
    )

    from nqi.metrology.demo.calibrations_central_asia import load_uzbekistan_and_kazakhstan

    load_uzbekistan_and_kazakhstan(w, labs, customers)
    return w.instruments, w.certificates

"""Demo calibrations in Uzbekistan (DC voltage to UzNIM's Josephson standard) and Kazakhstan
(mass, traced to VNIIM's published CMC)."""

from __future__ import annotations

from nqi.metrology.demo.calibrations import _mass_points


def load_uzbekistan_and_kazakhstan(w, labs, customers):
    from nqi.metrology.models import Cmc

    uznim, bukhara, ksm, shymkent = labs["uznim"], labs["bukhara"], labs["ksm"], labs["shymkent"]

    def volts(values, errors, u, mpe):
        return [
            {
                "quantity": "DC voltage",
                "unit": "V",
                "nominal": v,
                "as_found": v + e,
                "uncertainty": uu,
                "mpe": m,
            }
            for v, e, uu, m in zip(values, errors, u, mpe, strict=True)
        ]

    josephson = w.instrument(
        uznim, "UZ-EM-001", "Josephson voltage standard", "national", "DC voltage", "V", interval=1825
    )
    zener = w.instrument(
        uznim,
        "UZ-EM-010",
        "Zener voltage reference 10 V",
        "reference",
        "DC voltage",
        "V",
        mpe=2e-5,
        manufacturer="Fluke",
        model="732C",
        serial_number="732C-3310",
    )
    w.calibrate(
        uznim, zener, 200, volts([10.0, 1.0], [3.1e-6, 2.5e-7], [1e-6, 2e-7], [2e-5, 2e-6]), [josephson]
    )
    calibrator = w.instrument(
        bukhara,
        "BX-EM-021",
        "Multifunction calibrator",
        "working",
        "DC voltage",
        "V",
        mpe=5e-4,
        manufacturer="Fluke",
        model="5522A",
        serial_number="5522A-9917",
    )
    w.calibrate(
        uznim,
        calibrator,
        150,
        volts([10.0, 1.0, 0.1], [1.2e-4, 1.5e-5, 2e-6], [4e-5, 5e-6, 1e-6], [5e-4, 6e-5, 8e-6]),
        [zener],
    )
    pharma = customers["demo-ent-pharma"]
    for n, days in enumerate([90, 30]):
        meter = w.instrument(
            pharma,
            f"DMM-{n + 1:03d}",
            "Digital multimeter",
            "instrument",
            "DC voltage",
            "V",
            mpe=0.005,
            manufacturer="Keysight",
            model="34461A",
            serial_number=f"MY5{7000 + n}",
        )
        w.calibrate(
            bukhara,
            meter,
            days,
            volts([10.0, 1.0], [0.0012, 0.0001], [0.0002, 0.00003], [0.005, 0.0005]),
            [calibrator],
            customer=pharma,
        )

    vniim_cmc = Cmc.objects.filter(laboratory=labs["vniim"], status="published").first()
    weights = w.instrument(
        ksm,
        "KZ-M-011",
        "Reference weight set E1, 1 mg – 20 kg",
        "reference",
        "mass",
        "kg",
        mpe=1e-5,
        interval=730,
        manufacturer="Sartorius",
        serial_number="S-E1-4471",
    )
    w.calibrate(
        labs["vniim"],
        weights,
        500,
        _mass_points([20.0, 1.0], [4e-6, 2e-7], [2.5e-6, 1.6e-7], [1e-5, 5e-7]),
        external=True,
        cmc=vniim_cmc,
        certificate_number="VNIIM-DEMO-2025-3318",
    )
    f2 = w.instrument(
        shymkent,
        "SH-M-031",
        "Weight set F2, 1 g – 20 kg",
        "working",
        "mass",
        "kg",
        mpe=3e-4,
        manufacturer="Kern",
        serial_number="K-F2-10293",
    )
    w.calibrate(
        ksm, f2, 260, _mass_points([20.0, 1.0], [6e-5, 4e-6], [3e-5, 3e-6], [3e-4, 1.6e-5]), [weights]
    )
    grain = customers["demo-ent-grain"]
    scale = w.instrument(
        grain,
        "TRK-001",
        "Truck scale 60 t",
        "instrument",
        "mass",
        "kg",
        mpe=20.0,
        manufacturer="Mettler Toledo",
        model="VTC221",
        serial_number="VTC-5540",
    )
    w.calibrate(
        shymkent,
        scale,
        180,
        _mass_points([10000.0, 40000.0], [5.0, 10.0], [4.0, 8.0], [10.0, 20.0]),
        [f2],
        customer=grain,
    )

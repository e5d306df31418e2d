"""Write the DCC test files of this folder (run from the project root; the files are committed).

    .venv/bin/python tests/metrology/data/dcc/make_files.py

``kriss_weight_1kg.xml`` is a certificate as another producer would write it (no NQI refTypes):
KRISS calibrated a 1 kg weight of VMI. The others are broken on purpose.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal as D
from pathlib import Path

from nqi.dcc import (
    CalibrationLaboratory,
    Certificate,
    Contact,
    CoreData,
    ExpandedUncertainty,
    Identification,
    InfluenceCondition,
    Item,
    Location,
    MeasurementResult,
    MeasuringEquipment,
    Quantity,
    Real,
    RealList,
    RespPerson,
    Result,
    Software,
    Text,
    UsedMethod,
    build,
)

HERE = Path(__file__).parent


def kriss_certificate() -> Certificate:
    unc = ExpandedUncertainty
    return Certificate(
        software=(Software(Text.of("KRISS DCC writer"), "2.1"),),
        core=CoreData(
            country_code="KR",
            used_languages=("en",),
            mandatory_languages=("en",),
            unique_identifier="KRISS-M-2026-0815",
            begin_performance_date=date(2026, 2, 2),
            end_performance_date=date(2026, 2, 4),
            receipt_date=date(2026, 1, 28),
            issue_date=date(2026, 2, 10),
        ),
        items=(
            Item(
                name=Text.of(en="Stainless steel weight 1 kg, class E1"),
                identifications=(
                    Identification("manufacturer", "KR-E1-0042"),
                    Identification("owner", "VMI-W-1KG"),
                ),
                manufacturer=Contact(Text.of("Häfner")),
                model="E1-1KG",
            ),
        ),
        laboratory=CalibrationLaboratory(
            Contact(
                Text.of(en="Korea Research Institute of Standards and Science"),
                location=Location(city="Daejeon", country_code="KR"),
            ),
            code="KRISS",
        ),
        responsible_persons=(
            RespPerson(Contact(Text.of("Kim Min-jun")), role="Head of mass", main_signer=True),
        ),
        customer=Contact(
            Text.of("Vietnam Metrology Institute"), location=Location(city="Hà Nội", country_code="VN")
        ),
        measurement_results=(
            MeasurementResult(
                name=Text.of(en="Calibration of a 1 kg weight"),
                used_methods=(
                    UsedMethod(Text.of(en="Subdivision and comparison weighing"), norms=("OIML R 111-1",)),
                ),
                measuring_equipments=(
                    MeasuringEquipment(
                        Text.of(en="Copy No. 72 of the kilogram"), certificate_number="BIPM-2025-77"
                    ),
                ),
                influence_conditions=(
                    InfluenceCondition(
                        Text.of(en="Temperature"), (Quantity(None, Real(D("20.1"), r"\degreecelsius")),)
                    ),
                    InfluenceCondition(Text.of(en="Humidity"), (Quantity(None, Real(D("45"), r"\percent")),)),
                    InfluenceCondition(
                        Text.of(en="Pressure"), (Quantity(None, Real(D("101230"), r"\pascal")),)
                    ),
                ),
                results=(
                    Result(
                        Text.of(en="Mass"),
                        (
                            Quantity(
                                Text.of(en="Nominal value"), Real(D("1"), r"\kilogram"), "basic_nominalValue"
                            ),
                            Quantity(
                                Text.of(en="Conventional mass"),
                                Real(D("1.00000023"), r"\kilogram", unc(D("0.00000016"), D("2"), D("0.95"))),
                            ),
                            Quantity(
                                Text.of(en="Deviation from nominal"),
                                Real(D("0.23"), r"\milli\gram", unc(D("0.16"), D("2"), D("0.95"))),
                            ),
                            Quantity(
                                Text.of(en="Weighing cycles"),
                                RealList((D("0.22"), D("0.24"), D("0.23")), (r"\milli\gram",)),
                            ),
                        ),
                    ),
                ),
            ),
        ),
    )


def with_unit(certificate: Certificate, unit: str) -> Certificate:
    measurement = certificate.measurement_results[0]
    result = measurement.results[0]
    quantity = result.quantities[2]
    bad = dataclasses.replace(quantity, value=dataclasses.replace(quantity.value, unit=unit))
    result = dataclasses.replace(result, quantities=(*result.quantities[:2], bad, *result.quantities[3:]))
    measurement = dataclasses.replace(measurement, results=(result,))
    return dataclasses.replace(certificate, measurement_results=(measurement,))


def main() -> None:
    good = kriss_certificate()
    (HERE / "kriss_weight_1kg.xml").write_bytes(build(good))
    (HERE / "unknown_unit.xml").write_bytes(build(with_unit(good, r"\furlong")))
    item = dataclasses.replace(good.items[0], identifications=(Identification("owner", "VMI-W-1KG"),))
    (HERE / "no_serial.xml").write_bytes(build(dataclasses.replace(good, items=(item,))))
    (HERE / "not_xml.xml").write_bytes(b"Certificate KRISS-M-2026-0815\nmass 1.00000023 kg\n")
    (HERE / "wrong_root.xml").write_bytes(
        b'<?xml version="1.0" encoding="UTF-8"?>\n<invoice xmlns="urn:example:invoice"><total>12</total></invoice>\n'
    )


if __name__ == "__main__":
    main()

"""Build the example DCC: calibration of a 1 kg OIML class E2 weight at a Vietnamese centre.

Run from the project root::

    .venv/bin/python examples/dcc/make_example.py

It writes ``examples/dcc/mass_1kg_dcc.xml``, which the tests compare with
:func:`example_certificate`. Names, addresses and numbers are illustrative.
"""

from __future__ import annotations

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
    Statement,
    Text,
    UsedMethod,
    build,
)

OUTPUT = Path(__file__).with_name("mass_1kg_dcc.xml")


def _u(value: str, k: str = "2", p: str = "0.95") -> ExpandedUncertainty:
    return ExpandedUncertainty(D(value), D(k), D(p), "normal")


def example_certificate() -> Certificate:
    """The example certificate (English and Vietnamese, both mandatory)."""
    laboratory = Contact(
        name=Text.of(
            en="Demo Metrology Centre, Mass Laboratory", vi="Trung tâm Đo lường Demo, Phòng Khối lượng"
        ),
        email="mass@metrology.example.vn",
        phone="+84 24 0000 0000",
        location=Location(
            street="Đường Hoàng Quốc Việt",
            street_no="8",
            post_code="100000",
            city="Hà Nội",
            country_code="VN",
        ),
    )
    return Certificate(
        software=(Software(Text.of("NQI"), "0.1.0", "application"),),
        core=CoreData(
            country_code="VN",
            used_languages=("en", "vi"),
            mandatory_languages=("en", "vi"),
            unique_identifier="VN-DMC-M-2026-0042",
            begin_performance_date=date(2026, 11, 16),
            end_performance_date=date(2026, 11, 18),
            performance_location="laboratory",
            identifications=(
                Identification("customer", "PO-2026-118", Text.of(en="Order number", vi="Số đơn hàng")),
            ),
            receipt_date=date(2026, 11, 12),
            issue_date=date(2026, 11, 20),
        ),
        items=(
            Item(
                name=Text.of(en="Weight 1 kg, OIML class E2", vi="Quả cân 1 kg, cấp chính xác E2"),
                manufacturer=Contact(Text.of("Example Weights Ltd.")),
                model="E2-1KG-CYL",
                identifications=(
                    Identification("manufacturer", "W-23-0815", Text.of(en="Serial number", vi="Số sê-ri")),
                    Identification("customer", "KL-E2-001", Text.of(en="Inventory number", vi="Số kiểm kê")),
                ),
            ),
        ),
        laboratory=CalibrationLaboratory(laboratory, code="VILAS 000"),
        responsible_persons=(
            RespPerson(Contact(Text.of("Nguyễn Văn An")), role="Head of mass laboratory", main_signer=True),
            RespPerson(Contact(Text.of("Trần Thị Bình")), role="Calibration engineer"),
        ),
        customer=Contact(
            name=Text.of("Công ty TNHH Cân Điện Tử Ví Dụ"),
            email="qa@customer.example.vn",
            location=Location(
                street="Đường Nguyễn Văn Linh", street_no="120", city="Đà Nẵng", country_code="VN"
            ),
        ),
        measurement_results=(
            MeasurementResult(
                name=Text.of(en="Calibration of a 1 kg weight", vi="Hiệu chuẩn quả cân 1 kg"),
                used_methods=(
                    UsedMethod(
                        name=Text.of(en="Comparison weighing, ABBA cycles", vi="Cân so sánh, chu trình ABBA"),
                        norms=("OIML R 111-1:2004",),
                    ),
                ),
                measuring_equipments=(
                    MeasuringEquipment(
                        name=Text.of(en="Reference weight 1 kg, class E1", vi="Quả cân chuẩn 1 kg, cấp E1"),
                        identifications=(Identification("manufacturer", "R-1KG-E1-07"),),
                        certificate_number="NMI-M-2025-0456",
                    ),
                    MeasuringEquipment(
                        name=Text.of(
                            en="Mass comparator 1 kg / 0.01 mg", vi="Bộ so sánh khối lượng 1 kg / 0.01 mg"
                        ),
                        model="MC-1000",
                        identifications=(Identification("manufacturer", "MC-5521"),),
                        certificate_number="VN-DMC-M-2026-0007",
                    ),
                ),
                influence_conditions=(
                    InfluenceCondition(
                        Text.of(en="Ambient temperature", vi="Nhiệt độ môi trường"),
                        (Quantity(None, Real(D("20.3"), r"\degreecelsius", _u("0.2"))),),
                    ),
                    InfluenceCondition(
                        Text.of(en="Relative humidity", vi="Độ ẩm tương đối"),
                        (Quantity(None, Real(D("45.2"), r"\percent", _u("2.0"))),),
                    ),
                    InfluenceCondition(
                        Text.of(en="Air pressure", vi="Áp suất không khí"),
                        (Quantity(None, Real(D("1008.5"), r"\hecto\pascal", _u("0.5"))),),
                    ),
                ),
                results=(
                    Result(
                        Text.of(en="Conventional mass", vi="Khối lượng quy ước"),
                        (
                            Quantity(
                                Text.of(en="Conventional mass", vi="Khối lượng quy ước"),
                                Real(D("1.0000012"), r"\kilogram", _u("0.0000005"), label="m_c"),
                            ),
                            Quantity(
                                Text.of(
                                    en="Deviation from nominal value", vi="Độ lệch so với giá trị danh nghĩa"
                                ),
                                Real(D("1.20"), r"\milli\gram", _u("0.50")),
                            ),
                        ),
                    ),
                    Result(
                        Text.of(en="Weighing cycles", vi="Các chu trình cân"),
                        (
                            Quantity(
                                Text.of(
                                    en="Mass difference per ABBA cycle",
                                    vi="Hiệu khối lượng mỗi chu trình ABBA",
                                ),
                                RealList(
                                    values=(D("1.21"), D("1.18"), D("1.24"), D("1.19"), D("1.20")),
                                    units=(r"\milli\gram",),
                                ),
                            ),
                        ),
                    ),
                ),
            ),
        ),
        statements=(
            Statement(
                name=Text.of(en="Conformity", vi="Sự phù hợp"),
                norms=("OIML R 111-1:2004",),
                declaration=Text.of(
                    en="The weight meets the maximum permissible error of class E2 (±1.6 mg).",
                    vi="Quả cân đáp ứng sai số lớn nhất cho phép của cấp E2 (±1.6 mg).",
                ),
                conformity="pass",
            ),
            Statement(
                name=Text.of(en="Traceability", vi="Tính liên kết chuẩn"),
                traceable=True,
                declaration=Text.of(
                    en="The results are traceable to the SI through the reference standards listed.",
                    vi="Kết quả được liên kết chuẩn tới SI thông qua các chuẩn đã liệt kê.",
                ),
            ),
        ),
        comment=Text.of(
            en="The expanded uncertainty is stated with k = 2 (approx. 95 % coverage).",
            vi="Độ không đảm bảo mở rộng được nêu với k = 2 (xác suất phủ khoảng 95 %).",
        ),
    )


def main() -> None:
    OUTPUT.write_bytes(build(example_certificate()))
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()

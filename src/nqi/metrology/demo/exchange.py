"""Demo procedures library and comparisons (fictional results, labelled as demo data)."""

from __future__ import annotations

import datetime as dt

from nqi.metrology.models import ComparisonStatus, ProcedureVersion
from nqi.metrology.services import comparisons, procedures

PROCEDURES = [
    # key, owner, code, area, services, English title, translations, references, versions {lang: body}
    (
        "mass",
        "vmi",
        "VMI-CP-M-01",
        "M-1.1",
        "Calibration of weights of classes E1 to M3 (demo)",
        {
            "vi": "Hiệu chuẩn quả cân cấp chính xác E1 đến M3 (demo)",
            "ru": "Калибровка гирь классов E1–M3 (demo)",
        },
        "OIML R 111-1:2004",
        {
            "en": "1. Scope: weights of classes E1–M3, 1 mg to 20 kg.\n2. Method: ABBA cycles against a reference "
            "weight of a higher class (OIML R 111-1, annex C).\n3. Corrections: air buoyancy from ambient "
            "temperature, pressure and humidity (CIPM-2007 formula).\n4. Uncertainty: type A from the cycles, "
            "reference weight, buoyancy, balance resolution and eccentricity (GUM).",
            "vi": "1. Phạm vi: quả cân cấp E1–M3, từ 1 mg đến 20 kg.\n2. Phương pháp: chu trình ABBA so với quả cân "
            "chuẩn cấp cao hơn (OIML R 111-1, phụ lục C).\n3. Hiệu chính: lực đẩy không khí theo nhiệt độ, áp suất "
            "và độ ẩm (công thức CIPM-2007).\n4. Độ không đảm bảo đo: loại A từ các chu trình, quả cân chuẩn, lực "
            "đẩy không khí, độ phân giải và độ lệch tâm của cân (GUM).",
        },
    ),
    (
        "temperature",
        "vmi",
        "VMI-CP-T-03",
        "T-1.4",
        "Calibration of digital thermometers by comparison in liquid baths (demo)",
        {"vi": "Hiệu chuẩn nhiệt kế hiện số bằng phương pháp so sánh trong bể ổn nhiệt (demo)"},
        "EURAMET Calibration Guide No. 8; ISO/IEC 17025:2017",
        {
            "en": "1. Scope: digital thermometers and indicators with probe, −80 °C to 650 °C.\n2. Method: comparison "
            "with a reference thermometer in a stirred liquid bath; stability and uniformity of the bath "
            "characterised beforehand.\n3. At least three points covering the range; readings after stabilisation.",
            "vi": "1. Phạm vi: nhiệt kế hiện số có đầu đo, từ −80 °C đến 650 °C.\n2. Phương pháp: so sánh với nhiệt kế "
            "chuẩn trong bể chất lỏng có khuấy; độ ổn định và độ đồng đều của bể được xác định trước.\n3. Ít "
            "nhất ba điểm bao trùm phạm vi đo; đọc số sau khi ổn định.",
        },
    ),
    (
        "voltage",
        "uznim",
        "UzNIM-KU-EM-05",
        "EM-3.1",
        "Calibration of digital multimeters (DC voltage) (demo)",
        {
            "uz": "Raqamli multimetrlarni kalibrlash (o‘zgarmas kuchlanish) (demo)",
            "ru": "Калибровка цифровых мультиметров (постоянное напряжение) (demo)",
        },
        "EURAMET Calibration Guide No. 15",
        {
            "ru": "1. Область: цифровые мультиметры, постоянное напряжение от 100 мВ до 1000 В.\n2. Метод: прямое "
            "измерение напряжения многофункционального калибратора.\n3. Неопределённость: калибратор, "
            "разрешение, повторяемость (GUM).",
            "uz": "1. Qo‘llanish sohasi: raqamli multimetrlar, 100 mV dan 1000 V gacha o‘zgarmas kuchlanish.\n2. Usul: "
            "ko‘p funksiyali kalibrator kuchlanishini bevosita o‘lchash.\n3. Noaniqlik: kalibrator, ajrata olish "
            "qobiliyati, takrorlanuvchanlik (GUM).",
        },
    ),
]


def load_procedures(user, labs, services, today: dt.date) -> dict[str, ProcedureVersion]:
    """The procedures with their current versions; returns the English (else first) version by key."""
    from nqi.metrology.models import MetrologyArea

    chosen: dict[str, ProcedureVersion] = {}
    for key, owner, code, service, title, title_i18n, references, bodies in PROCEDURES:
        procedure = procedures.save_procedure(
            user,
            None,
            {
                "code": code,
                "title": title,
                "title_i18n": title_i18n,
                "owner": labs[owner],
                "area": MetrologyArea.objects.get(code=service.split("-")[0]),
                "references": references,
                "shared": True,
            },
            services=[services[service]],
        )
        for language, body in bodies.items():
            version = procedures.add_version(
                user,
                procedure,
                {
                    "version": "2",
                    "language": language,
                    "body": body,
                    "status": ProcedureVersion.Status.CURRENT,
                    "effective_from": today - dt.timedelta(days=900),
                },
            )
            chosen.setdefault(key, version)
            if language == "en":
                chosen[key] = version
    return chosen


COMPARISONS = [
    # identifier, title, kind, service, measurand, nominal, unit, pilot, method, participants {lab: (value, U)}
    (
        "VMI-PT-M-2026-01",
        "National proficiency test: conventional mass of a 1 kg weight (demo data)",
        "proficiency",
        "M-1.1",
        "Conventional mass of a 1 kg stainless-steel weight (class E2)",
        1.0,
        "kg",
        "vmi",
        "weighted_mean",
        {
            "vmi": (1.00000021, 1.6e-7),
            "q1": (1.00000035, 5e-7),
            "q2": (1.00000002, 6e-7),
            "q3": (1.0000019, 8e-7),
        },
    ),
    (
        "VMI-UzNIM.T-B1",
        "Bilateral comparison of SPRT calibration at the fixed point of Ga (demo data)",
        "bilateral",
        "T-1.1",
        "Resistance ratio W(29.7646 °C) of a travelling SPRT, expressed as temperature",
        29.7646,
        "°C",
        "vmi",
        "weighted_mean",
        {"vmi": (29.76462, 0.0004), "uznim": (29.76455, 0.0006)},
    ),
]


def load_comparisons(user, labs, services, today: dt.date) -> int:
    count = 0
    for identifier, title, kind, service, measurand, nominal, unit, pilot, method, results in COMPARISONS:
        comparison = comparisons.save_comparison(
            user,
            None,
            {
                "identifier": identifier,
                "title": title,
                "kind": kind,
                "service": services[service],
                "measurand": measurand,
                "quantity": services[service].quantity,
                "unit": unit,
                "nominal": nominal,
                "pilot": labs[pilot],
                "protocol": "Circulation of one travelling standard; results with full uncertainty budgets. (demo)",
                "starts_on": today - dt.timedelta(days=240),
                "results_due": today + dt.timedelta(days=30),
                "ends_on": today + dt.timedelta(days=90),
                "method": method,
            },
        )
        participants = {lab: comparisons.add_participant(user, comparison, labs[lab]) for lab in results}
        comparisons.change_status(user, comparison, ComparisonStatus.RUNNING)
        for lab, (value, uncertainty) in results.items():
            comparisons.submit_result(
                user, participants[lab], {"value": value, "uncertainty": uncertainty, "coverage_factor": 2.0}
            )
        comparisons.run_analysis(user, comparison)
        comparisons.publish(user, comparison, today=today - dt.timedelta(days=10))
        count += 1
    return count

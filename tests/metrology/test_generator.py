"""The load-test generator writes a consistent, fully traceable network, the same for the same seed."""

from __future__ import annotations

import datetime as dt

from nqi.metrology import generator
from nqi.metrology.models import CalibrationRecord, Instrument, StandardUse
from nqi.metrology.traceability import valid_calibration


def test_generated_network_is_consistent_and_deterministic(demo_data):
    today = dt.date(2026, 11, 23)
    first = generator.generate(instruments=600, years=3, seed=7, today=today)
    assert first.instruments == Instrument.objects.filter(asset_number__startswith="GEN-").count()
    assert first.records == CalibrationRecord.objects.count() == first.instruments * 4
    # Every link points at the standard's certificate valid on the day of use.
    for use in StandardUse.objects.select_related("standard_calibration", "record")[:300]:
        assert use.standard_calibration is not None
        assert use.standard_calibration.item_id == use.standard_id
        assert valid_calibration(use.standard_id, use.calibrated_on) == use.standard_calibration
    # The due dates follow the last calibration.
    item = Instrument.objects.filter(asset_number__startswith="GEN-0").order_by("pk").first()
    last = CalibrationRecord.objects.filter(item=item).order_by("-calibrated_on").first()
    assert item.last_calibrated == last.calibrated_on
    assert item.next_due == last.calibrated_on + dt.timedelta(days=365)
    numbers = list(
        CalibrationRecord.objects.order_by("pk").values_list("certificate_number", "calibrated_on")
    )

    generator.clear()
    assert not Instrument.objects.filter(asset_number__startswith="GEN-").exists()
    generator.generate(instruments=600, years=3, seed=7, today=today)
    again = list(CalibrationRecord.objects.order_by("pk").values_list("certificate_number", "calibrated_on"))
    assert again == numbers

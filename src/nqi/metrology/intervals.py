"""Recalibration intervals (ILAC-G24:2022 / OIML D 10:2022).

``next_interval(quantity, record)`` is called when a calibration of the quantity is issued; it
returns the interval (days) in force from then on according to the quantity's method.
"""

from __future__ import annotations


def next_interval(quantity, record) -> int:
    return int(quantity.interval_days)

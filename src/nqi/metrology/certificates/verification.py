"""Public verification of a certificate: is it genuine, and is it still the one in force?

Anyone may ask with the certificate number (typed, or read from the QR code on the PDF) and
optionally the DCC XML file they received. The answer shows only what the certificate itself
shows publicly: laboratory, item name and serial number, dates and the verdict.

States (:class:`State`): ``current`` (issued and within its validity), ``expired`` (genuine but the
recommended recalibration date has passed), ``superseded`` (replaced by a revision, linked),
``withdrawn`` (with the reason), ``external`` (issued by another laboratory and only recorded
here: ask that laboratory) and ``unknown`` (no issued certificate with that number; drafts are
never disclosed). A file matches when its SHA-256 equals that of the DCC issued.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone

from nqi.metrology.models import CalibrationRecord, RecordStatus

__all__ = ["MAX_NUMBER", "State", "Verification", "number_from_dcc", "verify"]

MAX_NUMBER = 80  # CalibrationRecord.certificate_number max_length


class State(StrEnum):
    CURRENT = "current"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"
    EXTERNAL = "external"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Verification:
    number: str
    state: State
    record: CalibrationRecord | None = None
    successor: CalibrationRecord | None = None
    file_sha256: str | None = None

    @property
    def genuine(self) -> bool:
        """Issued by a laboratory in NQI (whatever its status now)."""
        return self.record is not None and self.state != State.EXTERNAL

    @property
    def file_matches(self) -> bool | None:
        """None without a file; else whether the file is byte-identical to the DCC issued."""
        if self.file_sha256 is None:
            return None
        return bool(self.record is not None and self.record.dcc_sha256 == self.file_sha256)


def clean_number(raw: object) -> str | None:
    """The number to look up, or None when it cannot be one (empty, too long, control characters)."""
    if not isinstance(raw, str):
        return None
    number = raw.strip()
    if not number or len(number) > MAX_NUMBER or any(ord(ch) < 32 or ord(ch) == 127 for ch in number):
        return None
    return number


def number_from_dcc(xml: bytes) -> str | None:
    """The certificate number written in a DCC file, or None if the file is not a readable DCC."""
    from nqi.dcc import DccError, parse

    try:
        return parse(bytes(xml)).unique_identifier
    except (DccError, ValueError, TypeError):
        return None


def verify(raw_number: object, file: bytes | None = None, today: dt.date | None = None) -> Verification:
    """Look a certificate up by number (or, without one, by the number inside ``file``)."""
    file_sha256 = hashlib.sha256(file).hexdigest() if file is not None else None
    if file is not None and not (isinstance(raw_number, str) and raw_number.strip()):
        raw_number = number_from_dcc(file) or ""
    number = clean_number(raw_number)
    if number is None:
        shown = raw_number[:MAX_NUMBER] if isinstance(raw_number, str) else ""
        return Verification(
            "".join(ch for ch in shown if ch.isprintable()), State.UNKNOWN, file_sha256=file_sha256
        )
    record = (
        CalibrationRecord.objects.select_related("laboratory", "item")
        .exclude(status=RecordStatus.DRAFT)
        .filter(certificate_number=number)
        .first()
    )
    if record is None:
        return Verification(number, State.UNKNOWN, file_sha256=file_sha256)
    successor = None
    if record.external:
        state = State.EXTERNAL
    elif record.status == RecordStatus.WITHDRAWN:
        state = State.WITHDRAWN
    elif record.status == RecordStatus.SUPERSEDED:
        state = State.SUPERSEDED
        successor = (
            CalibrationRecord.objects.filter(supersedes=record).exclude(status=RecordStatus.DRAFT).first()
        )
    elif record.valid_until is not None and record.valid_until < (today or timezone.localdate()):
        state = State.EXPIRED
    else:
        state = State.CURRENT
    return Verification(number, state, record, successor, file_sha256)


def public_data(result: Verification) -> dict:
    """The public facts of a verification (what the page and the API show)."""
    record = result.record
    data: dict = {
        "number": result.number,
        "state": str(result.state),
        "genuine": result.genuine,
        "file_matches": result.file_matches,
        "laboratory": None,
        "item": None,
        "serial_number": None,
        "calibrated_on": None,
        "issued_on": None,
        "valid_until": None,
        "verdict": None,
        "superseded_by": result.successor.certificate_number if result.successor else None,
        "withdrawal_reason": None,
    }
    if record is not None:
        data.update(
            laboratory=record.laboratory.name,
            item=record.item.name,
            serial_number=record.item.serial_number,
            calibrated_on=record.calibrated_on,
            issued_on=record.issued_on,
            valid_until=record.valid_until,
            verdict=record.as_left_verdict or None,
            withdrawal_reason=record.withdrawal_reason or None if result.state == State.WITHDRAWN else None,
        )
    return data

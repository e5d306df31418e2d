"""ISO harmonized stage codes and the four groups the catalogue filters on."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StageGroup(models.TextChoices):
    DEVELOPMENT = "development", _("Under development")
    PUBLISHED = "published", _("Published")
    REVIEW = "review", _("Under review")
    WITHDRAWN = "withdrawn", _("Withdrawn")


STAGE_NAMES = {
    0: _("Preliminary stage"),
    10: _("Proposal stage"),
    20: _("Preparatory stage"),
    30: _("Committee stage"),
    40: _("Enquiry stage"),
    50: _("Approval stage"),
    60: _("Publication stage"),
    90: _("Review stage"),
    95: _("Withdrawal stage"),
}

SUBSTAGE_NAMES = {
    6000: _("Under publication"),
    6060: _("International Standard published"),
    9020: _("Under systematic review"),
    9060: _("Close of review"),
    9092: _("To be revised"),
    9093: _("Confirmed"),
    9099: _("Withdrawal proposed"),
    9520: _("Withdrawal ballot initiated"),
    9560: _("Close of withdrawal voting"),
    9592: _("Decision not to withdraw"),
    9599: _("Withdrawn"),
    1099: _("New project approved"),
    4020: _("DIS ballot initiated"),
    5020: _("FDIS ballot initiated"),
}

# Review sub-stages after which the document is still in force but its future is open.
_REVIEW_CODES = {9020, 9060, 9092, 9099, 9520, 9560}


def stage_group(stage: int | None, iec_status: str = "") -> str:
    """The group of a stage code (ISO) or of an IEC catalogue status when there is no code."""
    if stage is None:
        status = iec_status.upper()
        if status in {"WITHDRAWN", "REVISED", "REPLACED"}:
            return StageGroup.WITHDRAWN
        return StageGroup.PUBLISHED
    if stage == 9599 or stage % 100 == 98:  # withdrawn, or a project abandoned/cancelled
        return StageGroup.WITHDRAWN
    if stage < 6060:
        return StageGroup.DEVELOPMENT
    if stage in _REVIEW_CODES:
        return StageGroup.REVIEW
    return StageGroup.PUBLISHED


def stage_label(stage: int | None) -> str:
    if stage is None:
        return ""
    name = SUBSTAGE_NAMES.get(stage) or STAGE_NAMES.get(stage // 100, "")
    return f"{stage // 100:02d}.{stage % 100:02d} {name}".strip()

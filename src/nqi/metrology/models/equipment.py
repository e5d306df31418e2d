"""The equipment register: measurement standards and instruments, with a calibration interval and
due date per measured quantity.

``Instrument.next_due`` is the earliest due date of its quantities, kept by
:mod:`nqi.metrology.services.equipment` so that due lists are one indexed query.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nqi.core.audit import audited
from nqi.core.search import searchable
from nqi.metrology.validators import validate_unit


class InstrumentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DAMAGED = "damaged", _("Damaged")
    DORMANT = "dormant", _("Dormant")
    LOST = "lost", _("Lost")
    RETIRED = "retired", _("Retired")


class InstrumentLevel(models.TextChoices):
    """Place in the calibration hierarchy; a national standard ends a traceability chain."""

    NATIONAL = "national", _("National measurement standard")
    REFERENCE = "reference", _("Reference standard")
    WORKING = "working", _("Working standard")
    INSTRUMENT = "instrument", _("Measuring instrument")


class IntervalMethod(models.TextChoices):
    FIXED = "fixed", _("Fixed interval")
    STAIRCASE = "staircase", _("Staircase (ILAC-G24 method 1)")
    STATISTICAL = "statistical", _("Statistical, from as-found history")


def _instrument_document(instrument: Instrument) -> str:
    parts = [instrument.asset_number, instrument.name, instrument.manufacturer, instrument.model]
    parts += [instrument.serial_number]
    if instrument.owner_id:
        parts += [instrument.owner.acronym]
    return " ".join(p for p in parts if p)


@audited(exclude=("next_due", "last_calibrated", "updated_at"))
@searchable(_instrument_document)
class Instrument(models.Model):
    owner = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="instruments",
        verbose_name=_("owner"),
    )
    asset_number = models.CharField(_("asset number"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(
        _("level"), max_length=12, choices=InstrumentLevel.choices, default=InstrumentLevel.INSTRUMENT
    )
    manufacturer = models.CharField(_("manufacturer"), max_length=200, blank=True)
    model = models.CharField(_("model"), max_length=200, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=InstrumentStatus.choices, default=InstrumentStatus.ACTIVE
    )
    traceable = models.BooleanField(_("traceability required"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    last_calibrated = models.DateField(_("last calibrated"), null=True, blank=True, editable=False)
    next_due = models.DateField(_("next calibration due"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["owner", "asset_number"]
        verbose_name = _("instrument or standard")
        verbose_name_plural = _("instruments and standards")
        constraints = [
            models.UniqueConstraint(fields=["owner", "asset_number"], name="metrology_instrument_asset"),
        ]
        indexes = [
            models.Index(fields=["status", "next_due"], name="metrology_instrument_due"),
            models.Index(fields=["owner", "status", "next_due"], name="metrology_instr_owner_due"),
        ]

    def __str__(self) -> str:
        return f"{self.asset_number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("metrology:instrument-detail", args=[self.pk])

    @property
    def is_standard(self) -> bool:
        return self.level != InstrumentLevel.INSTRUMENT


class InstrumentQuantity(models.Model):
    """A quantity an instrument measures or realizes, its range and its own calibration interval."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="quantities", verbose_name=_("instrument")
    )
    quantity = models.CharField(_("quantity"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, validators=[validate_unit])
    range_low = models.FloatField(_("lower limit"), null=True, blank=True)
    range_high = models.FloatField(_("upper limit"), null=True, blank=True)
    resolution = models.FloatField(_("resolution"), null=True, blank=True)
    mpe = models.FloatField(
        _("maximum permissible error (±)"), null=True, blank=True, validators=[MinValueValidator(0.0)]
    )
    interval_days = models.PositiveIntegerField(
        _("calibration interval (days)"), default=365, validators=[MinValueValidator(1)]
    )
    interval_method = models.CharField(
        _("interval method"), max_length=12, choices=IntervalMethod.choices, default=IntervalMethod.FIXED
    )
    last_calibrated = models.DateField(_("last calibrated"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["instrument", "quantity"]
        verbose_name = _("measured quantity")
        verbose_name_plural = _("measured quantities")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "quantity"], name="metrology_instrument_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} ({self.unit})"

    def clean(self) -> None:
        if self.range_low is not None and self.range_high is not None and self.range_high < self.range_low:
            raise ValidationError({"range_high": _("The upper limit is below the lower limit.")})

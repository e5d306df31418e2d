"""Calibration records: the points measured (as found, as left), the standards used, the budget.

A record is written as a draft and then *issued* (:func:`nqi.metrology.services.calibrations.issue`):
verdicts are computed, the traceability of every standard used is resolved, the DCC is built and
validated, and from then on the record never changes. A correction is a new revision that
references the record it supersedes; the superseded one stays readable and says so.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nqi.core.audit import audited
from nqi.metrology.validators import validate_unit


class RecordStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    SUPERSEDED = "superseded", _("Superseded by a revision")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Verdict(models.TextChoices):
    """Statement of conformity of one point (ILAC-G8:2019, JCGM 106)."""

    NONE = "", _("No statement")
    PASS = "pass", _("Pass")
    PASS_GUARD_BAND = "pass_guard_band", _("Pass with guard band")
    INDETERMINATE = "indeterminate", _("Indeterminate")
    FAIL = "fail", _("Fail")


class DecisionRule(models.TextChoices):
    SIMPLE = "simple", _("Simple acceptance (w = 0)")
    GUARD_BAND = "guard_band", _("Guard band w = r·U")


class CalibrationRecord(models.Model):
    certificate_number = models.CharField(_("certificate number"), max_length=80, unique=True)
    revision = models.PositiveSmallIntegerField(_("revision"), default=0)
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    revision_reason = models.TextField(_("reason for the revision"), blank=True)
    withdrawal_reason = models.TextField(_("reason for the withdrawal"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RecordStatus.choices, default=RecordStatus.DRAFT, db_index=True
    )
    item = models.ForeignKey(
        "metrology.Instrument", on_delete=models.PROTECT, related_name="calibrations", verbose_name=_("item")
    )
    laboratory = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="calibrations_performed",
        verbose_name=_("calibration laboratory"),
    )
    customer = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calibrations_ordered",
        verbose_name=_("customer"),
    )
    cmc = models.ForeignKey(
        "metrology.Cmc",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calibrations",
        verbose_name=_("CMC used"),
    )
    procedure = models.ForeignKey(
        "metrology.ProcedureVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calibrations",
        verbose_name=_("procedure"),
    )
    method = models.CharField(_("method"), max_length=300, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    calibrated_on = models.DateField(_("date of calibration"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Calibration date plus the interval in force.")
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    temperature = models.FloatField(_("ambient temperature (°C)"), null=True, blank=True)
    humidity = models.FloatField(_("relative humidity (%)"), null=True, blank=True)
    pressure = models.FloatField(_("air pressure (hPa)"), null=True, blank=True)
    adjusted = models.BooleanField(_("adjusted"), default=False)
    decision_rule = models.CharField(
        _("decision rule"), max_length=12, choices=DecisionRule.choices, default=DecisionRule.SIMPLE
    )
    guard_band_factor = models.FloatField(
        _("guard band factor r"), default=1.0, validators=[MinValueValidator(0.0)]
    )
    as_found_verdict = models.CharField(
        _("as found"), max_length=16, choices=Verdict.choices, blank=True, default=Verdict.NONE
    )
    as_left_verdict = models.CharField(
        _("as left"), max_length=16, choices=Verdict.choices, blank=True, default=Verdict.NONE
    )
    budget = models.JSONField(
        _("uncertainty budget"),
        default=dict,
        blank=True,
        help_text=_("Model and inputs for nqi.uncertainty, and the computed budget."),
    )
    performed_by = models.ForeignKey(
        "organizations.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calibrations_performed",
        verbose_name=_("performed by"),
    )
    approved_by = models.ForeignKey(
        "organizations.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calibrations_approved",
        verbose_name=_("approved by"),
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("issued by (account)"),
    )
    external = models.BooleanField(
        _("external"), default=False, help_text=_("Performed by another laboratory and recorded here.")
    )
    remarks = models.TextField(_("remarks"), blank=True)
    dcc_xml = models.TextField(_("digital calibration certificate"), blank=True, editable=False)
    dcc_sha256 = models.CharField(_("SHA-256 of the DCC"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-calibrated_on", "-pk"]
        verbose_name = _("calibration record")
        verbose_name_plural = _("calibration records")
        indexes = [
            models.Index(fields=["item", "calibrated_on"], name="metrology_record_item_date"),
            models.Index(fields=["laboratory", "calibrated_on"], name="metrology_record_lab_date"),
            models.Index(fields=["-calibrated_on", "-id"], name="metrology_record_date"),
        ]

    def __str__(self) -> str:
        return self.certificate_number

    # Fields that may still change once a record is issued: its status moves on to superseded or
    # withdrawn (with the reason), nothing else.
    MUTABLE_WHEN_LOCKED = frozenset({"status", "withdrawal_reason", "updated_at"})

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            stored = CalibrationRecord.objects.filter(pk=self.pk).first()
            if stored is not None and stored.is_locked:
                changed = [
                    f.name
                    for f in self._meta.concrete_fields
                    if f.name not in self.MUTABLE_WHEN_LOCKED
                    and f.value_from_object(stored) != f.value_from_object(self)
                ]
                allowed = {
                    RecordStatus.ISSUED: {
                        RecordStatus.ISSUED,
                        RecordStatus.SUPERSEDED,
                        RecordStatus.WITHDRAWN,
                    },
                    RecordStatus.SUPERSEDED: {RecordStatus.SUPERSEDED, RecordStatus.WITHDRAWN},
                }.get(stored.status, {stored.status})
                if changed or self.status not in allowed:
                    raise ValidationError(
                        _(
                            "Certificate %(number)s is issued and cannot change (%(fields)s); issue a revision instead."
                        )
                        % {"number": stored.certificate_number, "fields": ", ".join(changed) or "status"}
                    )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("metrology:record-detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        # An issued certificate stays on record for ever (withdraw it instead).
        if (
            self.pk
            and CalibrationRecord.objects.filter(pk=self.pk).exclude(status=RecordStatus.DRAFT).exists()
        ):
            raise ValidationError(
                _("Certificate %(number)s is issued and cannot be deleted; withdraw it instead.")
                % {"number": self.certificate_number}
            )
        return super().delete(*args, **kwargs)

    @property
    def is_locked(self) -> bool:
        """Issued, superseded and withdrawn records never change."""
        return self.status != RecordStatus.DRAFT

    @property
    def is_current(self) -> bool:
        return self.status == RecordStatus.ISSUED

    def clean(self) -> None:
        errors = {}
        if self.received_on and self.calibrated_on and self.received_on > self.calibrated_on:
            errors["received_on"] = _("The item was received after the calibration date.")
        if self.valid_until and self.calibrated_on and self.valid_until < self.calibrated_on:
            errors["valid_until"] = _("The validity ends before the calibration date.")
        if self.issued_on and self.calibrated_on and self.issued_on < self.calibrated_on:
            errors["issued_on"] = _("The certificate is issued before the calibration date.")
        if errors:
            raise ValidationError(errors)


# Status changes of records are audited; their content is frozen at issue, so no field diff is
# needed beyond status.
audited(exclude=("budget", "dcc_xml", "updated_at"))(CalibrationRecord)


def _refuse_if_locked(record: CalibrationRecord) -> None:
    status = CalibrationRecord.objects.filter(pk=record.pk).values_list("status", flat=True).first()
    if status is not None and status != RecordStatus.DRAFT:
        raise ValidationError(
            _("Certificate %(number)s is issued and cannot change; issue a revision instead.")
            % {"number": record.certificate_number}
        )


class CalibrationPoint(models.Model):
    """One calibration point: reference value, indications as found and as left, U and the verdicts.

    The error of an indication is ``indication − reference``; it conforms when within ``±mpe``
    under the record's decision rule (:mod:`nqi.metrology.verdicts`).
    """

    record = models.ForeignKey(
        CalibrationRecord, on_delete=models.CASCADE, related_name="points", verbose_name=_("record")
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    quantity = models.CharField(_("quantity"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, validators=[validate_unit])
    nominal = models.FloatField(_("nominal value"))
    reference = models.FloatField(_("reference value"), null=True, blank=True)
    as_found = models.FloatField(_("indication as found"), null=True, blank=True)
    as_left = models.FloatField(_("indication as left"), null=True, blank=True)
    uncertainty = models.FloatField(_("expanded uncertainty U"), validators=[MinValueValidator(0.0)])
    coverage_factor = models.FloatField(
        _("coverage factor k"), default=2.0, validators=[MinValueValidator(1.0)]
    )
    mpe = models.FloatField(
        _("maximum permissible error (±)"), null=True, blank=True, validators=[MinValueValidator(0.0)]
    )
    found_verdict = models.CharField(_("as found"), max_length=16, choices=Verdict.choices, blank=True)
    left_verdict = models.CharField(_("as left"), max_length=16, choices=Verdict.choices, blank=True)

    class Meta:
        ordering = ["record", "position", "pk"]
        verbose_name = _("calibration point")
        verbose_name_plural = _("calibration points")

    def __str__(self) -> str:
        return f"{self.quantity} {self.nominal:g} {self.unit}"

    def save(self, *args, **kwargs) -> None:
        _refuse_if_locked(self.record)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_locked(self.record)
        return super().delete(*args, **kwargs)

    @property
    def reference_value(self) -> float:
        return self.nominal if self.reference is None else self.reference

    @property
    def error_found(self) -> float | None:
        return None if self.as_found is None else self.as_found - self.reference_value

    @property
    def error_left(self) -> float | None:
        return None if self.as_left is None else self.as_left - self.reference_value


class StandardUse(models.Model):
    """A reference standard used in a calibration, with the standard's own certificate that was
    valid on the calibration date (resolved when the record is issued; empty means the chain is
    broken at this link)."""

    record = models.ForeignKey(
        CalibrationRecord, on_delete=models.CASCADE, related_name="standards_used", verbose_name=_("record")
    )
    standard = models.ForeignKey(
        "metrology.Instrument", on_delete=models.PROTECT, related_name="uses", verbose_name=_("standard")
    )
    standard_calibration = models.ForeignKey(
        CalibrationRecord,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supported_uses",
        verbose_name=_("certificate of the standard"),
    )
    calibrated_on = models.DateField(_("date of use"), editable=False)

    class Meta:
        ordering = ["record", "standard"]
        verbose_name = _("standard used")
        verbose_name_plural = _("standards used")
        constraints = [
            models.UniqueConstraint(fields=["record", "standard"], name="metrology_standard_use"),
        ]
        indexes = [models.Index(fields=["standard", "calibrated_on"], name="metrology_use_std_date")]

    def __str__(self) -> str:
        return f"{self.standard} → {self.record}"

    def save(self, *args, **kwargs) -> None:
        _refuse_if_locked(self.record)
        # A copy of the record's date, so reverse traceability is one indexed range query.
        self.calibrated_on = self.record.calibrated_on
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_if_locked(self.record)
        return super().delete(*args, **kwargs)

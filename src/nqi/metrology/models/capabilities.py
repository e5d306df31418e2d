"""Who can measure what: metrology areas and KCDB services, accreditations, and CMCs.

The service taxonomy and the CMC fields follow the BIPM key comparison database (KCDB): metrology
area → branch → service → sub-service → individual service, then per CMC the quantity, instrument,
method, measurand range, parameters and expanded uncertainty with its coverage factor.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nqi.core.audit import audited
from nqi.core.models import TranslatedNameMixin
from nqi.core.search import searchable
from nqi.metrology.validators import same_dimension, validate_unit


class MetrologyArea(TranslatedNameMixin):
    """A KCDB metrology area, e.g. ``M`` Mass and related quantities, ``T`` Thermometry."""

    code = models.CharField(_("code"), max_length=10, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("metrology area")
        verbose_name_plural = _("metrology areas")

    def __str__(self) -> str:
        return f"{self.code} — {self.display_name}"


def _service_document(service: Service) -> str:
    parts = [service.code, service.branch, service.service, service.sub_service, *service.all_names()]
    parts += [service.quantity, service.unit]
    return " ".join(p for p in parts if p)


@searchable(_service_document)
class Service(TranslatedNameMixin):
    """A leaf of the KCDB service classification; ``name`` is the individual service."""

    area = models.ForeignKey(
        MetrologyArea, on_delete=models.PROTECT, related_name="services", verbose_name=_("metrology area")
    )
    code = models.CharField(_("classification code"), max_length=40, unique=True)
    branch = models.CharField(_("branch"), max_length=200)
    service = models.CharField(_("service"), max_length=200)
    sub_service = models.CharField(_("sub-service"), max_length=200, blank=True)
    quantity = models.CharField(_("quantity"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, validators=[validate_unit])

    class Meta:
        ordering = ["area__code", "code"]
        verbose_name = _("calibration service")
        verbose_name_plural = _("calibration services")

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    @property
    def path(self) -> list[str]:
        return [p for p in (self.branch, self.service, self.sub_service, self.display_name) if p]


@audited()
class Accreditation(models.Model):
    """A laboratory's accreditation (usually to ISO/IEC 17025) by an accreditation body."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    laboratory = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="accreditations",
        verbose_name=_("laboratory"),
    )
    body = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="accreditations_granted",
        verbose_name=_("accreditation body"),
        limit_choices_to={"kind": "accreditation_body"},
    )
    standard = models.CharField(_("standard"), max_length=80, default="ISO/IEC 17025:2017")
    number = models.CharField(_("accreditation number"), max_length=80)
    scope = models.TextField(_("scope"), blank=True)
    scope_url = models.URLField(_("scope document"), blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        ordering = ["laboratory", "-valid_until"]
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        constraints = [
            models.UniqueConstraint(fields=["body", "number"], name="metrology_accreditation_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.standard})"

    def clean(self) -> None:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end of validity is before its start.")})

    def is_valid_on(self, day) -> bool:
        return self.status == self.Status.ACTIVE and self.valid_from <= day <= self.valid_until

    @property
    def is_current(self) -> bool:
        return self.is_valid_on(timezone.localdate())


class CmcStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    INTERNAL_REVIEW = "internal_review", _("Internally reviewed")
    REGIONAL_REVIEW = "regional_review", _("Regional review")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class UncertaintyKind(models.TextChoices):
    ABSOLUTE = "absolute", _("Absolute")
    RELATIVE = "relative", _("Relative")
    EQUATION = "equation", _("Equation")
    TABLE = "table", _("Table")


def _cmc_document(cmc: Cmc) -> str:
    parts = [cmc.kcdb_code, cmc.quantity, cmc.instrument, cmc.method, cmc.unit]
    if cmc.service_id:
        parts += [cmc.service.code, *cmc.service.all_names(), cmc.service.service]
    if cmc.laboratory_id:
        parts += [cmc.laboratory.acronym, cmc.laboratory.name]
    return " ".join(p for p in parts if p)


@audited()
@searchable(_cmc_document)
class Cmc(models.Model):
    """A calibration and measurement capability of a laboratory, shaped like a KCDB entry.

    The expanded uncertainty is given one of four ways (``uncertainty_kind``): an absolute value in
    ``uncertainty_unit``; a relative value (``uncertainty_value`` in ``uncertainty_unit`` such as
    ``%`` or ``µV/V``); an equation of the measured value ``x`` (``uncertainty_equation``); or a
    table of ``[x, U]`` rows (``uncertainty_table``).
    """

    laboratory = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="cmcs",
        verbose_name=_("laboratory"),
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="cmcs", verbose_name=_("service")
    )
    kcdb_code = models.CharField(_("KCDB code"), max_length=60, blank=True, db_index=True)
    rmo = models.CharField(_("regional metrology organization"), max_length=20, blank=True)
    quantity = models.CharField(_("quantity"), max_length=200)
    instrument = models.CharField(_("instrument or artefact"), max_length=300, blank=True)
    instrument_type = models.CharField(_("instrument type"), max_length=200, blank=True)
    method = models.CharField(_("method of measurement"), max_length=300, blank=True)
    range_low = models.FloatField(_("lower limit"))
    range_high = models.FloatField(_("upper limit"))
    unit = models.CharField(_("unit"), max_length=40, validators=[validate_unit])
    parameters = models.JSONField(
        _("parameters"), default=list, blank=True, help_text=_("List of {name, value} pairs.")
    )
    uncertainty_kind = models.CharField(
        _("uncertainty given as"),
        max_length=10,
        choices=UncertaintyKind.choices,
        default=UncertaintyKind.ABSOLUTE,
    )
    uncertainty_low = models.FloatField(_("expanded uncertainty (lowest)"), null=True, blank=True)
    uncertainty_high = models.FloatField(_("expanded uncertainty (highest)"), null=True, blank=True)
    uncertainty_unit = models.CharField(
        _("uncertainty unit"), max_length=40, blank=True, validators=[validate_unit]
    )
    uncertainty_equation = models.CharField(_("uncertainty equation"), max_length=300, blank=True)
    uncertainty_table = models.JSONField(_("uncertainty table"), default=list, blank=True)
    coverage_factor = models.FloatField(
        _("coverage factor"), default=2.0, validators=[MinValueValidator(1.0)]
    )
    confidence_level = models.FloatField(
        _("level of confidence (%)"),
        default=95.0,
        validators=[MinValueValidator(50.0), MaxValueValidator(99.99)],
    )
    traceability = models.CharField(_("source of traceability"), max_length=300, blank=True)
    traceability_source = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cmcs_traced_to",
        verbose_name=_("traceable to (organization)"),
    )
    procedure = models.ForeignKey(
        "metrology.Procedure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cmcs",
        verbose_name=_("procedure"),
    )
    status = models.CharField(_("status"), max_length=20, choices=CmcStatus.choices, default=CmcStatus.DRAFT)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["service__code", "laboratory__acronym", "range_low"]
        verbose_name = _("calibration and measurement capability")
        verbose_name_plural = _("calibration and measurement capabilities")
        indexes = [models.Index(fields=["service", "status"]), models.Index(fields=["laboratory", "status"])]

    def __str__(self) -> str:
        label = self.kcdb_code or f"CMC {self.pk}"
        return f"{label}: {self.quantity} {self.range_low:g}–{self.range_high:g} {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("metrology:cmc-detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.range_low is not None and self.range_high is not None and self.range_high < self.range_low:
            errors["range_high"] = _("The upper limit is below the lower limit.")
        if self.service_id and self.unit and not same_dimension(self.unit, self.service.unit):
            errors["unit"] = _("The unit does not measure the service's quantity (%(unit)s).") % {
                "unit": self.service.unit
            }
        kind = self.uncertainty_kind
        if kind in (UncertaintyKind.ABSOLUTE, UncertaintyKind.RELATIVE) and self.uncertainty_low is None:
            errors["uncertainty_low"] = _("Give the expanded uncertainty.")
        if kind == UncertaintyKind.RELATIVE and not self.uncertainty_unit:
            errors["uncertainty_unit"] = _("Give the unit of the relative uncertainty, e.g. µV/V or percent.")
        if kind == UncertaintyKind.EQUATION and not self.uncertainty_equation:
            errors["uncertainty_equation"] = _("Give the uncertainty equation.")
        if kind == UncertaintyKind.TABLE and not self.uncertainty_table:
            errors["uncertainty_table"] = _("Give the uncertainty table.")
        if (
            self.uncertainty_low is not None
            and self.uncertainty_high is not None
            and self.uncertainty_high < self.uncertainty_low
        ):
            errors["uncertainty_high"] = _("The highest uncertainty is below the lowest.")
        if errors:
            raise ValidationError(errors)

    @property
    def country(self):
        return self.laboratory.country if self.laboratory_id else None

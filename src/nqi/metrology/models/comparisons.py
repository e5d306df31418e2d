"""Interlaboratory comparisons (key, supplementary, bilateral, national proficiency tests).

The pilot laboratory runs the analysis with :mod:`nqi.interlab`; the published analysis is kept as
JSON on the comparison and per participant (degree of equivalence, score, equivalence verdict)
so that the mutual-recognition matrix is a query.
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
from nqi.core.search import searchable
from nqi.metrology.validators import validate_unit


class ComparisonKind(models.TextChoices):
    KEY = "key", _("Key comparison")
    SUPPLEMENTARY = "supplementary", _("Supplementary comparison")
    BILATERAL = "bilateral", _("Bilateral comparison")
    PROFICIENCY = "proficiency", _("National proficiency test")


class ComparisonStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Measurements running")
    ANALYSIS = "analysis", _("Analysis")
    PUBLISHED = "published", _("Report published")
    CANCELLED = "cancelled", _("Cancelled")


def _comparison_document(comparison: Comparison) -> str:
    parts = [comparison.identifier, comparison.title, comparison.measurand, comparison.quantity]
    if comparison.pilot_id:
        parts += [comparison.pilot.acronym]
    return " ".join(p for p in parts if p)


@audited(exclude=("analysis", "chart_svg", "updated_at"))
@searchable(_comparison_document)
class Comparison(models.Model):
    identifier = models.CharField(_("identifier"), max_length=60, unique=True, help_text="e.g. APMP.M.M-K1")
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=14, choices=ComparisonKind.choices)
    service = models.ForeignKey(
        "metrology.Service",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comparisons",
        verbose_name=_("service"),
    )
    measurand = models.CharField(_("measurand"), max_length=300)
    quantity = models.CharField(_("quantity"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, validators=[validate_unit])
    nominal = models.FloatField(_("nominal value"), null=True, blank=True)
    pilot = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="comparisons_piloted",
        verbose_name=_("pilot laboratory"),
    )
    linked_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="linked_comparisons",
        verbose_name=_("linked key comparison"),
    )
    protocol = models.TextField(_("protocol"), blank=True)
    protocol_url = models.URLField(_("protocol document"), blank=True)
    starts_on = models.DateField(_("measurements start"), null=True, blank=True)
    results_due = models.DateField(_("results due"), null=True, blank=True)
    ends_on = models.DateField(_("report due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ComparisonStatus.choices, default=ComparisonStatus.PLANNED
    )
    method = models.CharField(_("reference value method"), max_length=30, default="weighted_mean")
    analysis = models.JSONField(_("analysis"), default=dict, blank=True, editable=False)
    chart_svg = models.TextField(_("chart"), blank=True, editable=False)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-starts_on", "identifier"]
        verbose_name = _("comparison")
        verbose_name_plural = _("comparisons")

    def __str__(self) -> str:
        return self.identifier

    def get_absolute_url(self) -> str:
        return reverse("metrology:comparison-detail", args=[self.pk])

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The report is due before the measurements start.")})


@audited(exclude=("budget",))
class Participant(models.Model):
    """A laboratory in a comparison and its submitted result (value, expanded U, k, budget)."""

    comparison = models.ForeignKey(
        Comparison, on_delete=models.CASCADE, related_name="participants", verbose_name=_("comparison")
    )
    laboratory = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="comparison_participations",
        verbose_name=_("laboratory"),
    )
    code = models.CharField(_("code in the report"), max_length=40, blank=True)
    value = models.FloatField(_("result"), null=True, blank=True)
    uncertainty = models.FloatField(
        _("expanded uncertainty U"), null=True, blank=True, validators=[MinValueValidator(0.0)]
    )
    coverage_factor = models.FloatField(
        _("coverage factor k"), default=2.0, validators=[MinValueValidator(1.0)]
    )
    budget = models.JSONField(_("uncertainty budget"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Filled when the pilot publishes the analysis.
    degree_of_equivalence = models.FloatField(_("degree of equivalence"), null=True, blank=True)
    doe_uncertainty = models.FloatField(_("U of the degree of equivalence"), null=True, blank=True)
    score = models.FloatField(_("En score"), null=True, blank=True)
    equivalent = models.BooleanField(_("equivalence demonstrated"), null=True, blank=True)

    class Meta:
        ordering = ["comparison", "code", "laboratory"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["comparison", "laboratory"], name="metrology_participant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.comparison} — {self.laboratory}"

    @property
    def has_result(self) -> bool:
        return self.value is not None and self.uncertainty is not None

"""Measurement procedures and methods, with versions and languages, shareable between countries."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nqi.core.audit import audited
from nqi.core.models import in_active_language
from nqi.core.search import searchable


def _procedure_document(procedure: Procedure) -> str:
    parts = [procedure.code, procedure.title, *(procedure.title_i18n or {}).values(), procedure.summary]
    if procedure.owner_id:
        parts += [procedure.owner.acronym]
    return " ".join(p for p in parts if p)


@audited()
@searchable(_procedure_document)
class Procedure(models.Model):
    """A documented calibration procedure or measurement method of a laboratory.

    ``shared`` procedures are visible to everyone (and exported for partner countries); the others
    only to the owner laboratory's staff.
    """

    code = models.CharField(_("code"), max_length=60)
    title = models.CharField(_("title (English)"), max_length=300)
    title_i18n = models.JSONField(_("title in other languages"), default=dict, blank=True)
    owner = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="procedures",
        verbose_name=_("owner"),
    )
    area = models.ForeignKey(
        "metrology.MetrologyArea",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedures",
        verbose_name=_("metrology area"),
    )
    services = models.ManyToManyField(
        "metrology.Service", blank=True, related_name="procedures", verbose_name=_("services")
    )
    summary = models.TextField(_("summary"), blank=True)
    references = models.CharField(_("normative references"), max_length=500, blank=True)
    shared = models.BooleanField(_("shared with partners"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        constraints = [models.UniqueConstraint(fields=["owner", "code"], name="metrology_procedure_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.display_title}"

    def get_absolute_url(self) -> str:
        return reverse("metrology:procedure-detail", args=[self.pk])

    @property
    def display_title(self) -> str:
        return in_active_language(self.title, self.title_i18n)

    def current_versions(self):
        return self.versions.filter(status=ProcedureVersion.Status.CURRENT)


@audited()
class ProcedureVersion(models.Model):
    """One edition of a procedure in one language; issuing a version supersedes the older one."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CURRENT = "current", _("Current")
        SUPERSEDED = "superseded", _("Superseded")

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="versions", verbose_name=_("procedure")
    )
    version = models.CharField(_("version"), max_length=20)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    body = models.TextField(_("text"), blank=True)
    document_url = models.URLField(_("document"), blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["procedure", "-effective_from", "language"]
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "version", "language"], name="metrology_procedure_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.version} ({self.language})"

    def clean(self) -> None:
        if not (self.body or self.document_url):
            raise ValidationError({"body": _("Give the text of the procedure or a link to its document.")})

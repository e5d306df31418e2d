"""National standards, their adoptions of international documents, the review queue and watchlists."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nqi.core.audit import audited
from nqi.core.search import searchable

__all__ = [
    "Adoption",
    "AdoptionMethod",
    "Degree",
    "NationalStandard",
    "NationalStatus",
    "Notification",
    "ReviewItem",
    "Watch",
]


class NationalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_FORCE = "in_force", _("In force")
    REPLACED = "replaced", _("Replaced")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Degree(models.TextChoices):
    """Degree of correspondence, ISO/IEC Guide 21-1."""

    IDT = "IDT", _("Identical (IDT)")
    MOD = "MOD", _("Modified (MOD)")
    NEQ = "NEQ", _("Not equivalent (NEQ)")


class AdoptionMethod(models.TextChoices):
    ENDORSEMENT = "endorsement", _("Endorsement")
    TRANSLATION = "translation", _("Translation")
    REPRINT = "reprint", _("Reprint")
    REDRAFTING = "redrafting", _("Redrafting")


def _standard_text(std: NationalStandard) -> str:
    return " ".join(
        [std.designation, std.title, std.title_en, *std.title_i18n.values(), std.technical_committee]
    )


@audited()
@searchable(_standard_text)
class NationalStandard(models.Model):
    country = models.ForeignKey(
        "organizations.Country",
        on_delete=models.PROTECT,
        related_name="national_standards",
        verbose_name=_("country"),
    )
    designation = models.CharField(_("designation"), max_length=200)
    sort_key = models.CharField(max_length=250, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, db_index=True)
    title = models.TextField(_("title (national language)"), blank=True)
    title_en = models.TextField(_("title (English)"), blank=True)
    title_i18n = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=NationalStatus.choices, default=NationalStatus.IN_FORCE
    )
    approval_date = models.DateField(_("approved"), null=True, blank=True)
    effective_date = models.DateField(_("effective"), null=True, blank=True)
    withdrawal_date = models.DateField(_("withdrawn"), null=True, blank=True)
    ics_codes = models.JSONField(_("ICS codes"), default=list, blank=True)
    ics_field = models.CharField(_("ICS field"), max_length=2, blank=True, db_index=True)
    technical_committee = models.CharField(_("national technical committee"), max_length=120, blank=True)
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    is_demo = models.BooleanField(_("demo data"), default=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["country", "designation"], name="national_designation_unique")
        ]
        indexes = [models.Index(fields=["country", "status"])]
        verbose_name = _("national standard")
        verbose_name_plural = _("national standards")

    def __str__(self) -> str:
        return self.designation

    def get_absolute_url(self) -> str:
        return reverse("national:standard-detail", args=[self.pk])


@audited()
class Adoption(models.Model):
    """A national standard adopts an international document with a degree of correspondence."""

    standard = models.ForeignKey(NationalStandard, on_delete=models.CASCADE, related_name="adoptions")
    document = models.ForeignKey(
        "standards.InternationalDocument",
        on_delete=models.PROTECT,
        related_name="adoptions",
        verbose_name=_("international document"),
    )
    degree = models.CharField(_("degree"), max_length=3, choices=Degree.choices, default=Degree.IDT)
    method = models.CharField(_("method"), max_length=12, choices=AdoptionMethod.choices, blank=True)
    adopted_edition = models.CharField(_("adopted edition"), max_length=200, blank=True)
    reference = models.CharField(_("reference as written"), max_length=250, blank=True)

    class Meta:
        ordering = ["standard", "document__sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "document"], name="adoption_unique"),
        ]
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")

    def __str__(self) -> str:
        return f"{self.standard} ← {self.document} ({self.degree})"


class ReviewItem(models.Model):
    """An adoption reference the importer could not link on its own: staff confirm, correct or reject."""

    class Reason(models.TextChoices):
        AMBIGUOUS = "ambiguous", _("Several international documents match")
        UNKNOWN = "unknown", _("No international document matches")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CONFIRMED = "confirmed", _("Confirmed")
        CORRECTED = "corrected", _("Corrected")
        REJECTED = "rejected", _("Rejected")

    standard = models.ForeignKey(NationalStandard, on_delete=models.CASCADE, related_name="review_items")
    reference = models.CharField(_("reference"), max_length=250)
    degree = models.CharField(_("degree"), max_length=3, choices=Degree.choices, default=Degree.IDT)
    method = models.CharField(max_length=12, choices=AdoptionMethod.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    candidates = models.ManyToManyField("standards.InternationalDocument", blank=True, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["state", "-created_at", "pk"]
        verbose_name = _("adoption to review")
        verbose_name_plural = _("adoptions to review")

    def __str__(self) -> str:
        return f"{self.standard}: {self.reference} ({self.reason})"


class Watch(models.Model):
    """Something a user follows: a document, an ICS field, a national TC or an international committee."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("International document")
        ICS = "ics", _("ICS field")
        NATIONAL_TC = "national_tc", _("National technical committee")
        COMMITTEE = "committee", _("International committee")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    value = models.CharField(_("followed"), max_length=200)  # base designation, ICS prefix, TC or ref
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [models.UniqueConstraint(fields=["user", "kind", "value"], name="watch_unique")]

    def __str__(self) -> str:
        return f"{self.user} follows {self.kind} {self.value}"


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nqi_notifications"
    )
    event = models.ForeignKey(
        "standards.ChangeEvent", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="notification_once")]

    def __str__(self) -> str:
        return self.message

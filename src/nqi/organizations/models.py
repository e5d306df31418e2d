"""Countries, organizations and people: the tenancy every other module hangs on."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nqi.core.audit import audited
from nqi.core.models import TranslatedNameMixin
from nqi.core.search import searchable


@searchable(lambda c: " ".join([c.code, c.alpha3, *c.all_names()]))
class Country(TranslatedNameMixin):
    """A country by ISO 3166-1, with its name in every UI language."""

    code = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2, unique=True)
    alpha3 = models.CharField(_("ISO 3166-1 alpha-3"), max_length=3, unique=True)
    numeric = models.CharField(_("ISO 3166-1 numeric"), max_length=3, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("organizations:country-detail", args=[self.code])


class OrganizationKind(models.TextChoices):
    NSB = "nsb", _("National standards body")
    NMI = "nmi", _("National metrology institute")
    METROLOGY_CENTRE = "metrology_centre", _("Regional or provincial metrology centre")
    LABORATORY = "laboratory", _("Calibration or testing laboratory")
    CERTIFICATION_BODY = "certification_body", _("Certification body")
    ACCREDITATION_BODY = "accreditation_body", _("Accreditation body")
    GOVERNMENT_AGENCY = "government_agency", _("Government agency")
    INTERNATIONAL_ORG = "international_org", _("International organization")
    REGIONAL_ORG = "regional_org", _("Regional organization")
    ENTERPRISE = "enterprise", _("Enterprise")


def _organization_document(org: Organization) -> str:
    parts = [org.acronym, org.iso_acronym, *org.all_names()]
    if org.country_id:
        parts += [org.country.code, *org.country.all_names()]
    return " ".join(p for p in parts if p)


@audited()
@searchable(_organization_document)
class Organization(TranslatedNameMixin):
    kind = models.CharField(_("kind"), max_length=30, choices=OrganizationKind.choices, db_index=True)
    acronym = models.CharField(_("acronym"), max_length=50, blank=True, db_index=True)
    country = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
        verbose_name=_("country"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent organization"),
    )
    iso_member_id = models.PositiveIntegerField(_("ISO member-body id"), null=True, blank=True, unique=True)
    iso_acronym = models.CharField(_("ISO member acronym"), max_length=50, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.TextField(_("address"), blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    seed_key = models.SlugField(max_length=80, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.acronym})" if self.acronym else self.display_name

    def get_absolute_url(self) -> str:
        return reverse("organizations:organization-detail", args=[self.pk])

    def ancestors(self) -> list[Organization]:
        chain: list[Organization] = []
        node = self.parent
        while node is not None and node not in chain:
            chain.append(node)
            node = node.parent
        return chain

    def descendant_ids(self) -> set[int]:
        """Ids of this organization and everything below it (breadth-first, one query a level)."""
        found = {self.pk}
        frontier = {self.pk}
        while frontier:
            frontier = (
                set(Organization.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
            )
            found |= frontier
        return found

    def clean(self) -> None:
        if self.parent_id and self.pk and self.parent_id in self.descendant_ids():
            raise ValidationError(
                {"parent": _("An organization cannot be placed under itself or its own units.")}
            )


def _person_document(person: Person) -> str:
    orgs = [a.organization for a in person.affiliations.select_related("organization")] if person.pk else []
    parts = [person.given_name, person.family_name, person.name_native, person.email]
    for org in orgs:
        parts += [org.acronym, org.name]
    return " ".join(p for p in parts if p)


@audited()
@searchable(_person_document)
class Person(models.Model):
    """An expert, officer or metrologist; affiliations record where they work(ed) and as what."""

    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    name_native = models.CharField(_("name in native script"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    country = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("country"),
    )
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)
    seed_key = models.SlugField(max_length=80, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("organizations:person-detail", args=[self.pk])

    def current_affiliations(self, on: dt.date | None = None):
        day = on or timezone.localdate()
        return self.affiliations.filter(
            models.Q(start__isnull=True) | models.Q(start__lte=day),
            models.Q(end__isnull=True) | models.Q(end__gte=day),
        ).select_related("organization")


class AffiliationRole(models.TextChoices):
    DIRECTOR = "director", _("Director")
    CHAIR = "chair", _("Chair")
    SECRETARY = "secretary", _("Secretary")
    EXPERT = "expert", _("Expert")
    METROLOGIST = "metrologist", _("Metrologist")
    AUDITOR = "auditor", _("Auditor")
    STAFF = "staff", _("Staff")
    OBSERVER = "observer", _("Observer")


@audited()
class Affiliation(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="affiliations", verbose_name=_("person")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="affiliations", verbose_name=_("organization")
    )
    role = models.CharField(
        _("role"), max_length=20, choices=AffiliationRole.choices, default=AffiliationRole.STAFF
    )
    title = models.CharField(_("position"), max_length=200, blank=True)
    start = models.DateField(_("from"), null=True, blank=True)
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["-start", "pk"]
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()}, {self.organization.acronym or self.organization.name}"

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end date is before the start date.")})

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return (self.start is None or self.start <= today) and (self.end is None or self.end >= today)


class UserOrganization(models.Model):
    """The organization a user account works for; it scopes what the user may edit."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nqi_organization"
    )
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="users")

    class Meta:
        verbose_name = _("user's organization")
        verbose_name_plural = _("users' organizations")

    def __str__(self) -> str:
        return f"{self.user} → {self.organization}"


def _reindex_person(sender, instance: Affiliation, **kwargs) -> None:
    from nqi.core.search import index_objects

    if Person.objects.filter(pk=instance.person_id).exists():
        index_objects(Person, [instance.person])


models.signals.post_save.connect(_reindex_person, sender=Affiliation, dispatch_uid="affiliation-reindex-save")
models.signals.post_delete.connect(
    _reindex_person, sender=Affiliation, dispatch_uid="affiliation-reindex-del"
)

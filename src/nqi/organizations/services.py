"""Write operations on the organization registry, shared by the web pages, the API and the CLI.

Every function checks permissions, validates the whole object (model ``full_clean``) and runs in a
transaction, so a rejected change leaves nothing behind. The audit trail records the change.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from nqi.organizations import permissions
from nqi.organizations.models import Affiliation, Organization, Person

ORGANIZATION_FIELDS = {
    "name",
    "name_i18n",
    "kind",
    "acronym",
    "country",
    "parent",
    "iso_member_id",
    "iso_acronym",
    "website",
    "email",
    "address",
    "description",
    "is_active",
}
PERSON_FIELDS = {"given_name", "family_name", "name_native", "email", "phone", "country", "notes"}


def _apply(instance, data: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    for name, value in data.items():
        setattr(instance, name, value)


def _clean_i18n(value: Any) -> dict[str, str]:
    from django.conf import settings

    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ValidationError({"name_i18n": _("Expected an object of language code to name.")})
    codes = {code for code, _label in settings.LANGUAGES}
    bad = [key for key in value if key not in codes]
    if bad:
        raise ValidationError(
            {"name_i18n": _("Unknown language code: %(codes)s") % {"codes": ", ".join(bad)}}
        )
    return {key: str(text).strip() for key, text in value.items() if str(text or "").strip()}


@transaction.atomic
def create_organization(user, data: dict[str, Any]) -> Organization:
    parent = data.get("parent")
    if not permissions.can_add_organization(user, parent):
        raise PermissionDenied(_("You may not add organizations here."))
    org = Organization()
    data = {**data, "name_i18n": _clean_i18n(data.get("name_i18n"))}
    _apply(org, data, ORGANIZATION_FIELDS)
    org.full_clean()
    org.save()
    return org


@transaction.atomic
def update_organization(user, org: Organization, data: dict[str, Any]) -> Organization:
    if not permissions.can_change_organization(user, org):
        raise PermissionDenied(_("You may not change this organization."))
    if "name_i18n" in data:
        data = {**data, "name_i18n": _clean_i18n(data["name_i18n"])}
    moving = "parent" in data and getattr(data["parent"], "pk", None) != org.parent_id
    if moving and not permissions.can_add_organization(user, data["parent"]):
        raise PermissionDenied(_("You may not move the organization outside your own organization."))
    _apply(org, data, ORGANIZATION_FIELDS)
    org.full_clean()
    org.save()
    return org


@transaction.atomic
def delete_organization(user, org: Organization) -> None:
    if not permissions.can_delete_organization(user, org):
        raise PermissionDenied(_("Only administrators may delete organizations."))
    if org.children.exists() or org.affiliations.exists():
        raise ValidationError(
            _("The organization still has units or affiliated people; move or end them first.")
        )
    org.delete()


@transaction.atomic
def save_person(user, person: Person | None, data: dict[str, Any]) -> Person:
    if not permissions.can_change_person(user, person):
        raise PermissionDenied(_("You may not change this person."))
    person = person or Person()
    _apply(person, data, PERSON_FIELDS)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def add_affiliation(user, person: Person, data: dict[str, Any]) -> Affiliation:
    if not permissions.can_change_person(user, person):
        raise PermissionDenied(_("You may not change this person."))
    affiliation = Affiliation(person=person, **data)
    affiliation.full_clean()
    affiliation.save()
    return affiliation

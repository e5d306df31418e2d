"""Who may change what: role permissions, scoped to the user's own organization and its units.

Administrators (and superusers) may change anything. An editor may change the organization their
account belongs to and every organization below it, and the people affiliated with those.
"""

from __future__ import annotations

from nqi.core.roles import ADMINISTRATOR
from nqi.organizations.models import Organization, Person, UserOrganization


def is_administrator(user) -> bool:
    return bool(
        user.is_authenticated and (user.is_superuser or user.groups.filter(name=ADMINISTRATOR).exists())
    )


def scope_ids(user) -> set[int] | None:
    """Organization ids the user's writes are limited to; ``None`` means unlimited."""
    if is_administrator(user):
        return None
    link = UserOrganization.objects.filter(user=user).select_related("organization").first()
    return link.organization.descendant_ids() if link else set()


def can_add_organization(user, parent: Organization | None) -> bool:
    if not (user.is_authenticated and user.has_perm("organizations.add_organization")):
        return False
    scope = scope_ids(user)
    return scope is None or (parent is not None and parent.pk in scope)


def can_change_organization(user, org: Organization) -> bool:
    if not (user.is_authenticated and user.has_perm("organizations.change_organization")):
        return False
    scope = scope_ids(user)
    return scope is None or org.pk in scope


def can_delete_organization(user, org: Organization) -> bool:
    return (
        user.is_authenticated
        and user.has_perm("organizations.delete_organization")
        and is_administrator(user)
    )


def can_change_person(user, person: Person | None) -> bool:
    perm = "organizations.change_person" if person is not None else "organizations.add_person"
    if not (user.is_authenticated and user.has_perm(perm)):
        return False
    scope = scope_ids(user)
    if scope is None or person is None:
        return scope is None or bool(scope)
    org_ids = set(person.affiliations.values_list("organization_id", flat=True))
    return not org_ids or bool(org_ids & scope)

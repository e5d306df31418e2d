"""Who may change what in the metrology module.

The ``metrologist`` role holds this app's model permissions. A metrologist's writes are scoped to
laboratories in their organization scope (:func:`nqi.organizations.permissions.scope_ids`): the
instruments their laboratory owns, the calibrations it performs, its CMCs, accreditations,
procedures and comparison results. A comparison is managed by its pilot laboratory.
Administrators may change anything. Reading is public, except unshared procedures.
"""

from __future__ import annotations

from nqi.organizations.permissions import scope_ids


def has(user, codename: str) -> bool:
    return bool(user.is_authenticated and user.has_perm(f"metrology.{codename}"))


def in_scope(user, *organization_ids: int | None) -> bool:
    scope = scope_ids(user)
    return scope is None or any(pk in scope for pk in organization_ids if pk)


def can_write(user, codename: str, *organization_ids: int | None) -> bool:
    """``codename`` permission (e.g. ``change_instrument``) for an object of these organizations."""
    return has(user, codename) and in_scope(user, *organization_ids)


def can_add_any(user, codename: str) -> bool:
    """May add such objects for at least one organization (shows the "add" buttons)."""
    if not has(user, codename):
        return False
    scope = scope_ids(user)
    return scope is None or bool(scope)


def writable_organizations(user):
    """Organizations the user may write for (a queryset), e.g. to limit form choices."""
    from nqi.organizations.models import Organization

    scope = scope_ids(user)
    if scope is None:
        return Organization.objects.all()
    return Organization.objects.filter(pk__in=scope)

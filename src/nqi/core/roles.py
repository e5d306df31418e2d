"""Roles are Django groups with the model permissions of the apps they work in.

Anonymous visitors are the "viewer" role: public registry data is readable without login.
The groups are (re)built after every migration, so a new app's models join its roles at once.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

EDITOR = "editor"
COMMITTEE_SECRETARY = "committee_secretary"
METROLOGIST = "metrologist"
ADMINISTRATOR = "administrator"

ROLE_LABELS = {
    EDITOR: _("Editor"),
    COMMITTEE_SECRETARY: _("Committee secretary"),
    METROLOGIST: _("Metrologist"),
    ADMINISTRATOR: _("Administrator"),
}

# Which apps' models each role may add, change and delete. Administrators get every permission.
ROLE_APPS: dict[str, tuple[str, ...]] = {
    EDITOR: ("organizations", "standards", "conformity", "capacity"),
    COMMITTEE_SECRETARY: ("committees",),
    METROLOGIST: ("metrology",),
}

# Models no role but administrators may touch.
_ADMIN_ONLY = {"core.auditentry", "core.searchentry", "core.apitoken"}


def sync_role_groups() -> None:
    from django.contrib.auth.models import Group, Permission

    for role in (EDITOR, COMMITTEE_SECRETARY, METROLOGIST, ADMINISTRATOR):
        group, _created = Group.objects.get_or_create(name=role)
        if role == ADMINISTRATOR:
            permissions = Permission.objects.all()
        else:
            labels = ROLE_APPS[role]
            permissions = Permission.objects.filter(content_type__app_label__in=labels)
        wanted = [p for p in permissions.select_related("content_type") if _allowed(role, p)]
        group.permissions.set(wanted)


def _allowed(role: str, permission) -> bool:
    label = f"{permission.content_type.app_label}.{permission.content_type.model}"
    return role == ADMINISTRATOR or label not in _ADMIN_ONLY


@receiver(post_migrate)
def _sync_after_migrate(sender, **kwargs) -> None:
    if sender.label == list(apps.get_app_configs())[-1].label:
        sync_role_groups()


def user_roles(user) -> list[str]:
    if not user.is_authenticated:
        return []
    names = set(user.groups.values_list("name", flat=True))
    if user.is_superuser:
        names.add(ADMINISTRATOR)
    return sorted(names)

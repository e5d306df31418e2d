"""Demo accounts for trying NQI locally (never created unless NQI_DEBUG is on)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from nqi.core.roles import ADMINISTRATOR, EDITOR, METROLOGIST
from nqi.organizations.models import Organization, UserOrganization

DEMO_ACCOUNTS = [
    # user name, password, role, organization seed key (scope), superuser
    ("admin", "admin", ADMINISTRATOR, None, True),
    ("editor", "editor", EDITOR, "vn-stameq", False),
    ("metrologist", "metrologist", METROLOGIST, "vn-vmi", False),
]


def ensure_demo_accounts() -> list[str]:
    User = get_user_model()
    lines = []
    for username, password, role, org_key, superuser in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": superuser, "is_superuser": superuser}
        )
        if created:
            user.set_password(password)
            user.save()
        user.groups.add(Group.objects.get(name=role))
        org = Organization.objects.filter(seed_key=org_key).first() if org_key else None
        if org is not None:
            UserOrganization.objects.update_or_create(user=user, defaults={"organization": org})
        scope = f", may edit {org.acronym or org.name} and its units" if org else ""
        lines.append(f"demo account: {username} / {password} ({role}{scope})")
    return lines

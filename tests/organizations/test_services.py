"""Write services: permissions scoped to the user's organization, validation, atomicity."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from nqi.core.audit import history_for
from nqi.core.roles import ADMINISTRATOR, EDITOR, METROLOGIST
from nqi.organizations import services
from nqi.organizations.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(db):
    nsb = Organization.objects.create(name="Standards Body", kind="nsb", acronym="NSB")
    nmi = Organization.objects.create(name="Metrology Institute", kind="nmi", acronym="NMI", parent=nsb)
    centre = Organization.objects.create(name="Centre 1", kind="metrology_centre", parent=nmi)
    other = Organization.objects.create(name="Elsewhere", kind="nsb", acronym="ELS")
    return nsb, nmi, centre, other


def test_editor_may_change_own_organization_and_units_only(tree, make_user):
    nsb, nmi, centre, other = tree
    editor = make_user("ed", EDITOR, organization=nmi)
    services.update_organization(editor, nmi, {"acronym": "NMI-2"})
    services.update_organization(editor, centre, {"acronym": "C1"})
    with pytest.raises(PermissionDenied):
        services.update_organization(editor, nsb, {"acronym": "X"})
    with pytest.raises(PermissionDenied):
        services.update_organization(editor, other, {"acronym": "X"})
    assert Organization.objects.get(pk=nsb.pk).acronym == "NSB"


def test_editor_may_add_only_below_own_organization(tree, make_user):
    _nsb, nmi, _centre, _other = tree
    editor = make_user("ed", EDITOR, organization=nmi)
    created = services.create_organization(
        editor, {"name": "Centre 2", "kind": "metrology_centre", "parent": nmi}
    )
    assert created.parent == nmi
    with pytest.raises(PermissionDenied):
        services.create_organization(editor, {"name": "Top", "kind": "nsb", "parent": None})


def test_roles_without_registry_permissions_and_anonymous_are_refused(tree, make_user):
    _nsb, nmi, _centre, _other = tree
    metrologist = make_user("met", METROLOGIST, organization=nmi)
    for user in (metrologist, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.update_organization(user, nmi, {"acronym": "X"})


def test_administrator_may_change_anything_and_delete(tree, make_user):
    nsb, _nmi, _centre, other = tree
    admin = make_user("boss", ADMINISTRATOR)
    services.update_organization(admin, nsb, {"website": "https://example.org"})
    services.delete_organization(admin, other)
    assert not Organization.objects.filter(pk=other.pk).exists()
    with pytest.raises(ValidationError):
        services.delete_organization(admin, nsb)  # still has units


def test_parent_cycle_is_rejected_and_nothing_is_written(tree, make_user):
    nsb, _nmi, centre, _other = tree
    admin = make_user("boss", ADMINISTRATOR)
    before = history_for(nsb).count()
    with pytest.raises(ValidationError) as excinfo:
        services.update_organization(admin, nsb, {"parent": centre})
    assert "parent" in excinfo.value.message_dict
    assert Organization.objects.get(pk=nsb.pk).parent is None
    assert history_for(nsb).count() == before


def test_invalid_values_name_the_field(tree, make_user):
    admin = make_user("boss", ADMINISTRATOR)
    with pytest.raises(ValidationError) as excinfo:
        services.create_organization(admin, {"name": "", "kind": "galaxy"})
    assert {"name", "kind"} <= set(excinfo.value.message_dict)
    with pytest.raises(ValidationError) as excinfo:
        services.create_organization(admin, {"name": "X", "kind": "nsb", "name_i18n": {"xx": "?"}})
    assert "name_i18n" in excinfo.value.message_dict

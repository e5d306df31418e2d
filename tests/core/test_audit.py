import pytest
from django.contrib.contenttypes.models import ContentType

from nqi.core.audit import acting_as, history_for
from nqi.core.models import AuditEntry
from nqi.organizations.models import Organization

pytestmark = pytest.mark.django_db


def test_create_update_delete_are_recorded_with_actor_and_changes(make_user):
    user = make_user("auditor")
    with acting_as(user, "web"):
        org = Organization.objects.create(name="Test Lab", kind="laboratory", acronym="TL")
        org.acronym = "TLAB"
        org.name_i18n = {"ru": "Тестовая лаборатория"}
        org.save()
    entries = list(history_for(org))
    assert [e.action for e in entries] == ["update", "create"]
    update = entries[0]
    assert update.actor == user and update.actor_label == "auditor" and update.source == "web"
    assert update.changes == {"acronym": ["TL", "TLAB"], "name_i18n": [{}, {"ru": "Тестовая лаборатория"}]}
    assert entries[1].changes["name"] == [None, "Test Lab"]

    org_id = org.pk
    org.delete()
    deleted = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Organization), object_id=str(org_id), action="delete"
    )
    assert deleted.actor is None and deleted.source == "system"


def test_saving_without_changes_records_nothing(db):
    org = Organization.objects.create(name="Same", kind="enterprise")
    org.save()
    assert [e.action for e in history_for(org)] == ["create"]

"""A Vietnamese mirror committee of ISO/TC 176 on the real catalogue sample, with its people."""

import datetime as dt

import pytest
from django.utils import timezone

from nqi.committees.models import Ballot, CommitteeMember, MirrorCommittee
from nqi.core.roles import COMMITTEE_SECRETARY, EDITOR
from nqi.organizations.models import Organization, Person
from nqi.standards.models import InternationalCommittee
from tests.standards.conftest import catalogue  # noqa: F401  (the real ISO sample)


@pytest.fixture
def world(demo_data, catalogue, make_user):  # noqa: F811
    stameq = Organization.objects.get(seed_key="vn-stameq")
    committee = MirrorCommittee.objects.create(
        number="TCVN/TC 176",
        title="Quality management and quality assurance",
        title_i18n={"vi": "Quản lý chất lượng và đảm bảo chất lượng"},
        member_body=stameq,
        secretariat=stameq,
    )
    tc176 = InternationalCommittee.objects.get(reference="ISO/TC 176")
    sc2 = InternationalCommittee.objects.get(reference="ISO/TC 176/SC 2")
    committee.mirrors.set([tc176, sc2])
    people = {p.seed_key: p for p in Person.objects.filter(seed_key__startswith="demo-vn-")}
    secretary = people["demo-vn-nguyen-thi-lan"]
    expert = people["demo-vn-pham-thu-huong"]
    observer = people["demo-vn-le-hoang-anh"]
    start = dt.date(2024, 1, 1)
    for person, role in ((secretary, "secretary"), (expert, "expert"), (observer, "observer")):
        CommitteeMember.objects.create(committee=committee, person=person, role=role, start=start)
    today = timezone.localdate()
    ballot = Ballot.objects.create(
        committee=tc176,
        mirror=committee,
        reference="ISO/DIS 9001",
        ballot_type="dis",
        opens=today - dt.timedelta(days=20),
        closes=today + dt.timedelta(days=5),
    )
    users = {
        "secretary": make_user("sec", COMMITTEE_SECRETARY, organization=stameq),
        "expert": make_user("expert"),
        "observer": make_user("observer"),
        "editor": make_user("editor", EDITOR, organization=stameq),
        "other_secretary": make_user(
            "sec-kz", COMMITTEE_SECRETARY, organization=Organization.objects.get(seed_key="kz-ktrm")
        ),
    }
    for key, person in (("expert", expert), ("observer", observer), ("secretary", secretary)):
        users[key].email = person.email
        users[key].save()
    return {
        "stameq": stameq,
        "committee": committee,
        "tc176": tc176,
        "sc2": sc2,
        "ballot": ballot,
        "expert_person": expert,
        "observer_person": observer,
        "secretary_person": secretary,
        **users,
    }

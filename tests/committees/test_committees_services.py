"""Services: participation from the real import with audited overrides, permissions, consultation."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from nqi.committees import deadlines, participation, services
from nqi.committees.models import Ballot, NationalPosition, ParticipationChange, Stage, WorkItem
from nqi.core.audit import history_for
from nqi.standards.models import InternationalCommittee

pytestmark = pytest.mark.django_db


def test_status_comes_from_the_imported_memberships(world):
    stameq = world["stameq"]
    statuses = participation.statuses(stameq)
    by_ref = {c.reference: statuses.get(c.pk, "") for c in InternationalCommittee.objects.all()}
    # Real ISO data: STAMEQ is P in TC 176, TC 207; O in JTC 1/SC 27; not in TC 46.
    assert by_ref["ISO/TC 176"] == "P"
    assert by_ref["ISO/TC 207"] == "P"
    assert by_ref["ISO/IEC JTC 1/SC 27"] == "O"
    assert by_ref["ISO/TC 46"] == ""


def test_override_with_history_who_when_why(world):
    stameq, tc176 = world["stameq"], world["tc176"]
    change = services.set_participation(world["secretary"], stameq, tc176, "O", "Missed two ballots.")
    assert (change.old_status, change.new_status, change.changed_by_label) == ("P", "O", "sec")
    assert participation.status_of(stameq, tc176) == "O"
    assert participation.statuses(stameq)[tc176.pk] == "O"
    services.set_participation(world["secretary"], stameq, tc176, "", "Withdrew.")
    assert tc176.pk not in participation.statuses(stameq)
    history = list(participation.history(stameq, tc176))
    assert [h.reason for h in history] == ["Withdrew.", "Missed two ballots."]
    with pytest.raises(ValidationError):
        services.set_participation(world["secretary"], stameq, tc176, "P", "  ")
    with pytest.raises(ValidationError):
        services.set_participation(world["secretary"], stameq, tc176, "", "same")


def test_participation_permissions_are_scoped(world):
    stameq, tc176 = world["stameq"], world["tc176"]
    for user in (world["editor"], world["other_secretary"], world["expert"]):
        with pytest.raises(PermissionDenied):
            services.set_participation(user, stameq, tc176, "O", "no")
    assert not ParticipationChange.objects.exists()


def test_committee_writes_are_audited_and_scoped(world):
    committee = world["committee"]
    services.save_committee(
        world["secretary"], committee, {"scope": "Quality management.", "status": "active"}
    )
    entry = history_for(committee).first()
    assert entry.actor_label == "" or entry.changes["scope"][1] == "Quality management."
    with pytest.raises(PermissionDenied):
        services.save_committee(world["other_secretary"], committee, {"scope": "x"})
    with pytest.raises(PermissionDenied):
        services.save_committee(world["editor"], committee, {"scope": "x"})
    with pytest.raises(ValidationError):
        services.save_committee(world["secretary"], committee, {"title_i18n": {"xx": "?"}})


def test_consultation_vote_comment_consolidate_submit(world):
    ballot = world["ballot"]
    vote = services.cast_vote(world["expert"], ballot, "approve")
    assert vote.person == world["expert_person"] and services.tally(ballot)["approve"] == 1
    services.cast_vote(world["expert"], ballot, "abstain")  # changes the vote, no duplicate
    assert services.tally(ballot) == {"approve": 0, "disapprove": 0, "abstain": 1}
    with pytest.raises(ValidationError):
        services.cast_vote(world["expert"], ballot, "disapprove", "")
    with pytest.raises(PermissionDenied):
        services.cast_vote(world["observer"], ballot, "approve")
    with pytest.raises(PermissionDenied):
        services.cast_vote(world["editor"], ballot, "approve")
    comment = services.add_comment(
        world["observer"],
        ballot,
        {
            "clause": "4.1",
            "paragraph": "Table 1",
            "comment_type": "te",
            "comment": "Unclear.",
            "proposed_change": "X",
        },
    )
    with pytest.raises(PermissionDenied):
        services.review_comment(world["expert"], comment, "Accepted")
    services.review_comment(world["secretary"], comment, "Accepted")
    with pytest.raises(ValidationError):
        services.submit_position(world["secretary"], ballot)
    with pytest.raises(PermissionDenied):
        services.record_position(world["expert"], ballot, "approve")
    services.record_position(world["secretary"], ballot, "approve", "Consensus.")
    position = services.submit_position(world["secretary"], ballot)
    assert position.submitted and position.submitted_by == world["secretary"]
    with pytest.raises(ValidationError):
        services.cast_vote(world["expert"], ballot, "approve")
    with pytest.raises(ValidationError):
        services.submit_position(world["secretary"], ballot)


def _closed(world, days_ago: int, submitted: bool) -> Ballot:
    today = timezone.localdate()
    ballot = Ballot.objects.create(
        committee=world["tc176"],
        mirror=world["committee"],
        reference=f"ISO/CD 9000.{days_ago}",
        ballot_type="cd",
        opens=today - dt.timedelta(days=days_ago + 60),
        closes=today - dt.timedelta(days=days_ago),
    )
    if submitted:
        NationalPosition.objects.create(ballot=ballot, vote="approve", submitted=True)
    return ballot


def test_two_successive_missed_ballots_put_p_membership_at_risk(world):
    _closed(world, 300, submitted=False)
    _closed(world, 200, submitted=True)
    _closed(world, 100, submitted=False)
    assert deadlines.at_risk(world["stameq"]) == []
    _closed(world, 50, submitted=False)
    risky = deadlines.at_risk(world["stameq"])
    assert [row["committee"].reference for row in risky] == ["ISO/TC 176"]
    assert risky[0]["streak"] == 2 and risky[0]["missed"] == 3
    # Not a P-member any more: no longer "at risk" of losing P status.
    services.set_participation(world["secretary"], world["stameq"], world["tc176"], "O", "Directives 1.7.4")
    assert deadlines.at_risk(world["stameq"]) == []
    record = deadlines.voting_record(world["stameq"])
    row = record["per_committee"][0]
    assert (row["due"], row["voted"], row["missed"], row["open"]) == (4, 1, 3, 1)
    assert deadlines.due_soon().count() == 1 and deadlines.overdue().count() == 3


def test_ballot_defaults_to_the_mirror_committee_and_catalogue_title(world):
    from nqi.standards.models import InternationalDocument

    document = InternationalDocument.objects.filter(committee=world["sc2"]).first()
    today = timezone.localdate()
    ballot = services.save_ballot(
        world["secretary"],
        None,
        {
            "committee": world["sc2"],
            "document": document,
            "ballot_type": "sr",
            "opens": today,
            "closes": today,
        },
    )
    assert ballot.mirror == world["committee"] and ballot.reference == document.reference
    with pytest.raises(PermissionDenied):
        services.save_ballot(world["other_secretary"], None, {"committee": world["tc176"]})


def test_work_item_stages_overdue_and_publication_hook(world):
    today = timezone.localdate()
    item = services.save_work_item(
        world["secretary"],
        None,
        {
            "committee": world["committee"],
            "reference": "TCVN DT 2026-1",
            "title": "Adoption of ISO 9001",
            "stage": Stage.WORKING_DRAFT,
            "stage_target": today - dt.timedelta(days=1),
        },
    )
    assert item.is_overdue and list(deadlines.overdue_work_items()) == [item]
    services.advance_stage(world["secretary"], item, Stage.PUBLICATION)
    item.refresh_from_db()
    assert item.published_on == today and not item.is_overdue
    assert services.on_published(item) is None  # hook: no national standard model yet
    with pytest.raises(PermissionDenied):
        services.advance_stage(world["other_secretary"], item, Stage.APPROVAL)
    assert WorkItem.objects.count() == 1

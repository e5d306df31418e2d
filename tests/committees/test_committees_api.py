"""The committees API over HTTP: reads, token writes, participation history, analytics."""

import pytest
from django.test import Client

from nqi.committees.models import MirrorCommittee
from nqi.core.models import ApiToken

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
BASE = "/api/v1/committees"


def bearer(user):
    _token, key = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_mirror_committees_read(world):
    api = Client()
    body = api.get(f"{BASE}/mirror-committees", {"q": "quality"}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["number"] == "TCVN/TC 176" and item["titles"]["vi"].startswith("Quản lý")
    assert {m["reference"]: m["status"] for m in item["mirrors"]} == {
        "ISO/TC 176": "P",
        "ISO/TC 176/SC 2": "P",
    }
    assert item["secretary"] == str(world["secretary_person"])
    members = api.get(f"{BASE}/mirror-committees/{item['id']}/members").json()
    assert {m["role"] for m in members} == {"secretary", "expert", "observer"}
    assert api.get(f"{BASE}/mirror-committees", {"country": "kz"}).json()["count"] == 0
    missing = api.get(f"{BASE}/mirror-committees/999999")
    assert missing.status_code == 404 and missing["Content-Type"] == PROBLEM


def test_create_committee_needs_scope(world):
    api = Client()
    payload = {
        "number": "TCVN/TC 207",
        "title": "Environmental management",
        "title_i18n": {"vi": "Quản lý môi trường"},
        "member_body_id": world["stameq"].pk,
        "mirror_ids": [world["tc176"].pk],
    }
    assert api.post(f"{BASE}/mirror-committees", payload, content_type="application/json").status_code == 401
    denied = api.post(
        f"{BASE}/mirror-committees",
        payload,
        content_type="application/json",
        **bearer(world["other_secretary"]),
    )
    assert denied.status_code == 403
    bad = api.post(
        f"{BASE}/mirror-committees",
        {**payload, "mirror_ids": [123456789]},
        content_type="application/json",
        **bearer(world["secretary"]),
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "mirror_ids"
    created = api.post(
        f"{BASE}/mirror-committees", payload, content_type="application/json", **bearer(world["secretary"])
    )
    assert created.status_code == 201, created.content
    committee = MirrorCommittee.objects.get(number="TCVN/TC 207")
    history = api.get(f"{BASE}/mirror-committees/{committee.pk}/history").json()
    assert history[0]["action"] == "create" and history[0]["user"] == "sec"


def test_participation_change_and_history(world):
    api = Client()
    url = f"{BASE}/member-bodies/{world['stameq'].pk}/participation"
    rows = {r["committee"]["reference"]: r for r in api.get(url).json()}
    assert rows["ISO/TC 207"]["status"] == "P" and rows["ISO/TC 207"]["source"] == "import"
    target = f"{url}/{world['tc176'].pk}"
    payload = {"status": "O", "reason": "Two missed ballots (Directives 1.7.4)."}
    assert (
        api.put(target, payload, content_type="application/json", **bearer(world["editor"])).status_code
        == 403
    )
    changed = api.put(target, payload, content_type="application/json", **bearer(world["secretary"]))
    assert changed.status_code == 200 and changed.json()["old_status"] == "P"
    rows = {r["committee"]["reference"]: r for r in api.get(url).json()}
    assert rows["ISO/TC 176"] == {
        "committee": rows["ISO/TC 176"]["committee"],
        "status": "O",
        "source": "manual",
    }
    history = api.get(f"{target}/history").json()
    assert history[0]["user"] == "sec" and history[0]["reason"].startswith("Two missed")


def test_ballot_flow_over_the_api(world):
    api = Client()
    ballot = world["ballot"]
    url = f"{BASE}/ballots/{ballot.pk}"
    vote = api.post(
        f"{url}/votes", {"vote": "approve"}, content_type="application/json", **bearer(world["expert"])
    )
    assert vote.status_code == 200, vote.content
    comment = api.post(
        f"{url}/comments",
        {"clause": "5", "comment_type": "ge", "comment": "Fine.", "proposed_change": ""},
        content_type="application/json",
        **bearer(world["expert"]),
    )
    assert comment.status_code == 201
    secretary = bearer(world["secretary"])
    review = api.patch(
        f"{BASE}/comments/{comment.json()['id']}",
        {"observations": "Noted"},
        content_type="application/json",
        **secretary,
    )
    assert review.json()["observations"] == "Noted"
    assert api.post(f"{url}/position/submit", **secretary).status_code == 422
    api.put(f"{url}/position", {"vote": "approve"}, content_type="application/json", **secretary)
    submitted = api.post(f"{url}/position/submit", **secretary).json()
    assert submitted["submitted"] is True
    body = api.get(url).json()
    assert body["tally"]["approve"] == 1 and body["position"]["submitted"] is True
    assert api.get(f"{BASE}/ballots", {"state": "submitted"}).json()["count"] == 1
    deadlines = api.get(f"{BASE}/deadlines").json()
    assert deadlines["due_soon"] == [] and deadlines["overdue"] == []


def test_work_items_over_the_api(world):
    api = Client()
    created = api.post(
        f"{BASE}/work-items",
        {
            "committee_id": world["committee"].pk,
            "reference": "DT-1",
            "title": "ISO 9001 adoption",
            "stage_target": "2020-01-01",
        },
        content_type="application/json",
        **bearer(world["secretary"]),
    )
    assert created.status_code == 201 and created.json()["is_overdue"] is True
    assert api.get(f"{BASE}/work-items", {"overdue": "true"}).json()["count"] == 1
    moved = api.post(
        f"{BASE}/work-items/{created.json()['id']}/stage",
        {"stage": "publication"},
        content_type="application/json",
        **bearer(world["secretary"]),
    )
    assert moved.json()["stage"] == "publication" and moved.json()["is_overdue"] is False


def test_analytics_from_the_real_sample(world):
    api = Client()
    compare = api.get(f"{BASE}/participation/compare", {"members": "VN,UZ,CTRM,KATS,nobody"}).json()
    counts = {row["acronym"]: (row["p"], row["o"]) for row in compare["members"]}
    # The eight committees of the real 2025 sample.
    assert counts["STAMEQ"] == (4, 1)
    assert counts["O'ZTTSA"] == (2, 3)
    assert counts["CTRM"] == (7, 1)
    assert counts["KATS"] == (8, 0)
    assert compare["unknown"] == ["nobody"]
    one = api.get(f"{BASE}/participation/2199").json()
    assert one["acronym"] == "STAMEQ" and one["country"] == "VN"
    assert api.get(f"{BASE}/participation/nobody").status_code == 404
    coverage = api.get(f"{BASE}/participation/VN/coverage").json()
    assert coverage["relevant_committees"] >= 1 and 0 <= coverage["p_share"] <= 1
    tops = api.get(f"{BASE}/participation/member-bodies", {"limit": 5}).json()
    assert tops[0]["p"] >= tops[-1]["p"]
    record = api.get(f"{BASE}/member-bodies/{world['stameq'].pk}/voting-record").json()
    assert record["per_committee"][0]["open"] == 1


def test_nominations(world):
    api = Client()
    payload = {
        "person_id": world["expert_person"].pk,
        "committee_id": world["sc2"].pk,
        "working_group": "WG 29",
    }
    assert api.post(f"{BASE}/nominations", payload, content_type="application/json").status_code == 401
    denied = api.post(
        f"{BASE}/nominations", payload, content_type="application/json", **bearer(world["editor"])
    )
    assert denied.status_code == 403
    created = api.post(
        f"{BASE}/nominations", payload, content_type="application/json", **bearer(world["secretary"])
    )
    assert created.status_code == 201 and created.json()["committee"]["reference"] == "ISO/TC 176/SC 2"
    listed = api.get(f"{BASE}/nominations", {"person_id": world["expert_person"].pk}).json()
    assert listed["count"] == 1
    page = api.get(world["committee"].get_absolute_url()).content.decode()
    assert "WG 29" in page

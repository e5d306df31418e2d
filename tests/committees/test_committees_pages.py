"""Pages: lists, detail, the consultation through forms, exports, participation and analytics."""

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from nqi.committees.models import Comment, ParticipationChange, Vote

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_list_and_detail_pages(world):
    client = Client()
    page = client.get("/mirror-committees/", {"q": "tcvn"})
    assert page.status_code == 200 and "TCVN/TC 176" in page.content.decode()
    rows = client.get("/mirror-committees/", {"q": "assurance"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in rows and "TCVN/TC 176" in rows
    detail = client.get(world["committee"].get_absolute_url()).content.decode()
    assert "ISO/TC 176/SC 2" in detail and str(world["secretary_person"]) in detail
    assert "ISO/DIS 9001" in detail
    home = client.get("/").content.decode()
    assert 'href="/mirror-committees/"' in home  # the navigation link
    for url in ("/ballots/", "/work-programme/", "/participation/", "/participation/VN/"):
        assert client.get(url).status_code == 200, url
    svg = client.get("/participation/chart.svg", {"members": "VN,KZ"})
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert client.get("/participation/nobody/").status_code == 404


def test_detail_in_vietnamese(world):
    client = Client()
    client.cookies["nqi_language"] = "vi"
    assert "Quản lý chất lượng" in client.get(world["committee"].get_absolute_url()).content.decode()


def test_expert_votes_and_comments_secretary_submits(world):
    ballot = world["ballot"]
    expert = logged_in(world["expert"])
    page = expert.get(ballot.get_absolute_url()).content.decode()
    assert f'action="/ballots/{ballot.pk}/vote/"' in page
    bad = expert.post(f"/ballots/{ballot.pk}/vote/", {"vote": "disapprove", "justification": ""})
    assert bad.status_code == 422 and "needs a justification" in bad.content.decode()
    assert expert.post(f"/ballots/{ballot.pk}/vote/", {"vote": "approve"}).status_code == 302
    assert Vote.objects.get(ballot=ballot).vote == "approve"
    expert.post(
        f"/ballots/{ballot.pk}/comment/",
        {
            "clause": "7.1",
            "paragraph": "Figure 2",
            "comment_type": "te",
            "comment": "=SUM(A1)",
            "proposed_change": "Fix",
        },
    )
    comment = Comment.objects.get(ballot=ballot)
    editor = logged_in(world["editor"])
    assert editor.post(f"/ballots/{ballot.pk}/position/", {"position-vote": "approve"}).status_code == 403
    secretary = logged_in(world["secretary"])
    secretary.post(f"/ballot-comments/{comment.pk}/review/", {"observations": "Accepted", "included": "on"})
    secretary.post(
        f"/ballots/{ballot.pk}/position/", {"position-vote": "approve", "position-justification": ""}
    )
    secretary.post(f"/ballots/{ballot.pk}/position/", {"submit": "1"})
    ballot.refresh_from_db()
    assert ballot.position.submitted
    assert "submitted" in Client().get(ballot.get_absolute_url()).content.decode()

    sheet = load_workbook(io.BytesIO(Client().get(f"/ballots/{ballot.pk}/comments.xlsx").content)).active
    header = [cell.value for cell in sheet[3]]
    assert header[:4] == ["MB/NC", "Line number", "Clause/Subclause", "Paragraph/Figure/Table"]
    assert header[4:] == ["Type of comment", "Comments", "Proposed change", "Observations of the secretariat"]
    assert [cell.value for cell in sheet[4]] == [
        "STAMEQ",
        "1",
        "7.1",
        "Figure 2",
        "te",
        "'=SUM(A1)",
        "Fix",
        "Accepted",
    ]
    rows = list(csv.reader(io.StringIO(Client().get(f"/ballots/{ballot.pk}/comments.csv").content.decode())))
    assert rows[1][0] == "STAMEQ" and rows[1][5] == "'=SUM(A1)"


def test_participation_page_changes_status_with_reason(world):
    url = f"/participation/{world['stameq'].pk}/committee/{world['tc176'].pk}/"
    assert 'name="reason"' not in Client().get(url).content.decode()
    assert Client().post(url, {"status": "O", "reason": "x"}).status_code == 403
    secretary = logged_in(world["secretary"])
    assert secretary.post(url, {"status": "O", "reason": ""}).status_code == 422
    assert secretary.post(url, {"status": "O", "reason": "Missed two ballots."}).status_code == 302
    page = Client().get(url).content.decode()
    assert "Missed two ballots." in page and "sec" in page
    assert ParticipationChange.objects.get().new_status == "O"


def test_secretary_creates_committee_and_work_item(world):
    secretary = logged_in(world["secretary"])
    form = secretary.get("/mirror-committees/new/")
    assert form.status_code == 200 and "title_vi" in form.content.decode()
    response = secretary.post(
        "/mirror-committees/new/",
        {
            "number": "TCVN/TC 207",
            "title": "Environmental management",
            "title_vi": "Quản lý môi trường",
            "member_body": world["stameq"].pk,
            "secretariat": world["stameq"].pk,
            "status": "active",
            "mirrors": [world["tc176"].pk],
        },
    )
    assert response.status_code == 302
    assert logged_in(world["editor"]).get("/mirror-committees/new/").status_code == 403
    item = secretary.post(
        "/work-programme/new/",
        {
            "committee": world["committee"].pk,
            "reference": "DT-9",
            "title": "Quality",
            "kind": "new",
            "stage": "wd",
        },
    )
    assert item.status_code == 302
    detail = secretary.get(item["Location"])
    assert detail.status_code == 200 and "Working draft" in detail.content.decode()

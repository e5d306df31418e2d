"""National mirror committees, participation in ISO/IEC committees, ballots and the work programme."""

from django.urls import path

from nqi.committees import views, views_ballots

app_name = "committees"

urlpatterns = [
    path("mirror-committees/", views.mirror_list, name="mirror-list"),
    path("mirror-committees/new/", views.mirror_create, name="mirror-create"),
    path("mirror-committees/<int:pk>/", views.mirror_detail, name="mirror-detail"),
    path("mirror-committees/<int:pk>/edit/", views.mirror_edit, name="mirror-edit"),
    path("mirror-committees/<int:pk>/members/new/", views.member_add, name="member-add"),
    path(
        "participation/<int:org_id>/committee/<int:committee_id>/",
        views.participation_detail,
        name="participation-detail",
    ),
    path("participation/", views.analytics_overview, name="analytics"),
    path("participation/chart.svg", views.analytics_chart, name="analytics-chart"),
    path("participation/<str:member>/", views.analytics_member, name="analytics-member"),
    path("ballots/", views_ballots.ballot_list, name="ballot-list"),
    path("ballots/new/", views_ballots.ballot_create, name="ballot-create"),
    path("ballots/<int:pk>/", views_ballots.ballot_detail, name="ballot-detail"),
    path("ballots/<int:pk>/vote/", views_ballots.ballot_vote, name="ballot-vote"),
    path("ballots/<int:pk>/comment/", views_ballots.ballot_comment, name="ballot-comment"),
    path("ballots/<int:pk>/position/", views_ballots.ballot_position, name="ballot-position"),
    path(
        "ballots/<int:pk>/comments.xlsx", views_ballots.comments_export, {"fmt": "xlsx"}, name="comments-xlsx"
    ),
    path("ballots/<int:pk>/comments.csv", views_ballots.comments_export, {"fmt": "csv"}, name="comments-csv"),
    path("ballot-comments/<int:pk>/review/", views_ballots.comment_review, name="comment-review"),
    path("work-programme/", views_ballots.workitem_list, name="workitem-list"),
    path("work-programme/new/", views_ballots.workitem_create, name="workitem-create"),
    path("work-programme/<int:pk>/", views_ballots.workitem_detail, name="workitem-detail"),
]

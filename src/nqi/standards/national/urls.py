"""National standards, their adoptions of international documents, and the review queue."""

from django.urls import path

from nqi.standards.national import views, views_analysis

app_name = "national"

urlpatterns = [
    path("", views.standard_list, name="standard-list"),
    path("<int:pk>/", views.standard_detail, name="standard-detail"),
    path("import/", views.import_help, name="import-help"),
    path("import/template.<str:fmt>", views.template_download, name="template"),
    path("review/", views.review_queue, name="review"),
    path("review/<int:pk>/", views.review_resolve, name="review-resolve"),
    path("alerts/", views.alerts, name="alerts"),
    path("harmonization/", views_analysis.dashboard, name="dashboard"),
    path("harmonization/outdated/", views_analysis.outdated_list, name="outdated"),
    path("harmonization/candidates/", views_analysis.candidates_list, name="candidates"),
]

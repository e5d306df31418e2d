from django.urls import path

from nqi.standards import views

app_name = "standards"

urlpatterns = [
    path("catalogue/", views.document_list, name="document-list"),
    path("catalogue/export.csv", views.document_export, {"fmt": "csv"}, name="document-export-csv"),
    path("catalogue/export.json", views.document_export, {"fmt": "json"}, name="document-export-json"),
    path("catalogue/<int:pk>/", views.document_detail, name="document-detail"),
    path("ics/", views.ics_list, name="ics-list"),
    path("ics/<str:code>/", views.ics_detail, name="ics-detail"),
    path("committees/", views.committee_list, name="committee-list"),
    path("committees/<int:pk>/", views.committee_detail, name="committee-detail"),
    path("changes/", views.change_list, name="change-list"),
]

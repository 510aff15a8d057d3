"""Library pages (public search, reports, themes). Mounted at the site root by cspr/urls.py."""

from django.urls import path

from cspr.library import views

app_name = "library"

urlpatterns = [
    path("library/", views.search, name="search"),
    path("library/reports/<int:report_id>/", views.report_detail, name="report"),
    path("library/reports/<int:report_id>/themes/", views.theme_review, name="theme_review"),
    path("library/reports/<int:report_id>/themes/decide/", views.theme_decide, name="theme_decide"),
    path("library/themes/review/", views.theme_queue, name="theme_queue"),
    path("library/themes/", views.recurrent_themes, name="recurrent_themes"),
]

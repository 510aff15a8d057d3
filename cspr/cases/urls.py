from django.urls import path

from cspr.cases import views

app_name = "cases"

urlpatterns = [
    path("cases/", views.case_list, name="list"),
    path("cases/<int:case_id>/", views.case_detail, name="detail"),
    path("cases/<int:case_id>/audit/", views.case_audit, name="audit"),
    path("panel/", views.panel_inbox, name="panel_inbox"),
]

"""The action plan's pages, under /learning/ (the access rules: tests/learning/test_action_plan_access.py)."""

from django.urls import path

from cspr.learning import views

app_name = "learning"

urlpatterns = [
    path("reviews/<int:review_id>/", views.plan, name="plan"),
    path(
        "reviews/<int:review_id>/recommendations/<int:recommendation_id>/actions/new/",
        views.action_new,
        name="action_new",
    ),
    path(
        "reviews/<int:review_id>/recommendations/<int:recommendation_id>/close/",
        views.recommendation_close,
        name="recommendation_close",
    ),
    path("actions/<int:action_id>/", views.action_detail, name="action"),
    path("actions/<int:action_id>/evidence/new/", views.evidence_new, name="evidence_new"),
    path("actions/<int:action_id>/evidence/<int:evidence_id>/decide/", views.evidence_decide, name="evidence_decide"),
    path("actions/<int:action_id>/results/new/", views.result_new, name="result_new"),
]

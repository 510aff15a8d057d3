"""The review's pages, under /reviews/ (the access rules: tests/reviews/test_review_access.py)."""

from django.urls import path

from cspr.reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.reviews_list, name="list"),
    path("national/<int:national_id>/", views.national_review, name="national"),
    path("<int:review_id>/", views.review_detail, name="detail"),
    path("<int:review_id>/commission/", views.commission, name="commission"),
    path("<int:review_id>/notice/", views.notice, name="notice"),
    path("<int:review_id>/terms/", views.terms, name="terms"),
    path("<int:review_id>/briefing/", views.briefing, name="briefing"),
    path("<int:review_id>/start/", views.start, name="start"),
    path("<int:review_id>/contributions/new/", views.contribution, name="contribution"),
    path("<int:review_id>/processes/new/", views.process, name="process"),
    path("<int:review_id>/processes/<int:process_id>/hold/", views.hold, name="hold"),
    path("<int:review_id>/processes/<int:process_id>/lift/", views.lift, name="lift"),
    path("<int:review_id>/involvement/new/", views.involvement, name="involvement"),
    path("<int:review_id>/checkpoints/new/", views.checkpoint, name="checkpoint"),
    path("<int:review_id>/requests/new/", views.ask, name="ask"),
    path("<int:review_id>/requests/<int:request_id>/", views.answer, name="request_answer"),
    path("<int:review_id>/draft/", views.draft, name="draft"),
    path("<int:review_id>/versions/<int:version_id>/comment/", views.comment, name="comment"),
    path("<int:review_id>/versions/<int:version_id>/file/", views.version_file, name="version_file"),
    path("<int:review_id>/final/", views.final, name="final"),
    path("<int:review_id>/sign-off/", views.sign_off, name="sign_off"),
    path("<int:review_id>/new-version/", views.new_version, name="new_version"),
    path("<int:review_id>/delays/new/", views.delay, name="delay"),
    path("<int:review_id>/delays/decide/", views.delay_decide, name="delay_decide"),
    path("<int:review_id>/ready/", views.mark_ready, name="ready"),
]

"""The review's pages, under /reviews/ (the access rules: tests/reviews/test_review_access.py)."""

from django.urls import path

from cspr.reviews import publication_views as pub
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
    path("<int:review_id>/learning-shared/", views.learning_shared, name="learning_shared"),
    # Publishing safely (DOMAIN.md step 10)
    path("<int:review_id>/publication/", pub.publication_page, name="publication"),
    path("<int:review_id>/publication/plan/", pub.plan, name="publication_plan"),
    path("<int:review_id>/publication/copies/new/", pub.copy, name="publication_copy"),
    path("<int:review_id>/publication/pseudonyms/new/", pub.pseudonym, name="publication_pseudonym"),
    path("<int:review_id>/publication/redaction/", pub.redaction, name="publication_redaction"),
    path("<int:review_id>/publication/preview/", pub.preview, name="publication_preview"),
    path("<int:review_id>/publication/declaration/", pub.declaration, name="publication_declaration"),
    path("<int:review_id>/publication/publish/", pub.publish, name="publication_publish"),
    path("<int:review_id>/publication/national-copies/new/", pub.national_copy, name="publication_national_copy"),
    path(
        "<int:review_id>/publication/requests/<int:request_id>/answered/",
        pub.request_answered,
        name="publication_request_answered",
    ),
]

"""Every URL of the service. tests/test_tenancy_walk.py enumerates these patterns: a new URL must be added
to its table of how to reach it, or the test fails (issue: tenancy)."""

from django.contrib.auth import views as django_auth_views
from django.urls import include, path

from cspr.api.api import api
from cspr.core import views as core_views
from cspr.partnerships import auth_views
from cspr.partnerships import views as partnership_views
from cspr.reviews import publication_views as review_publication_views
from cspr.web import home as web_home

password_reset_patterns = [
    path(
        "password-reset/",
        django_auth_views.PasswordResetView.as_view(
            template_name="partnerships/password_reset.html",
            email_template_name="partnerships/password_reset_email.txt",
            subject_template_name="partnerships/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        django_auth_views.PasswordResetDoneView.as_view(template_name="partnerships/password_reset_sent.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        django_auth_views.PasswordResetConfirmView.as_view(template_name="partnerships/password_reset_confirm.html"),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        django_auth_views.PasswordResetCompleteView.as_view(template_name="partnerships/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", partnership_views.start, name="start"),
    path("home/", web_home.home, name="home"),
    path("sign-in/", auth_views.sign_in, name="sign_in"),
    path("sign-in/two-factor/", auth_views.two_factor, name="two_factor"),
    path("sign-in/backup-codes/", auth_views.backup_codes, name="backup_codes"),
    path("sign-out/", auth_views.sign_out, name="sign_out"),
    path("session/keep-alive/", auth_views.keep_alive, name="keep_alive"),
    path("drafts/autosave/", core_views.draft_autosave, name="draft_autosave"),
    *password_reset_patterns,
    path("account/", partnership_views.account, name="account"),
    path("account/backup-codes/", auth_views.backup_codes_regenerate, name="backup_codes_regenerate"),
    path("account/tokens/", partnership_views.api_token_create, name="api_token_create"),
    path("account/tokens/<int:token_id>/revoke/", partnership_views.api_token_revoke, name="api_token_revoke"),
    path("invitations/<str:token>/", partnership_views.invitation_accept, name="invitation_accept"),
    path("partnerships/<slug:slug>/people/", partnership_views.people, name="people"),
    path("partnerships/<slug:slug>/people/invite/", partnership_views.person_invite, name="person_invite"),
    path("partnerships/<slug:slug>/agencies/add/", partnership_views.organisation_add, name="organisation_add"),
    path(
        "partnerships/<slug:slug>/people/<int:membership_id>/remove/",
        partnership_views.person_remove,
        name="person_remove",
    ),
    path(
        "partnerships/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        partnership_views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("accessibility/", partnership_views.accessibility, name="accessibility"),
    path("privacy/", partnership_views.privacy, name="privacy"),
    path("healthz", partnership_views.healthz, name="healthz"),
    path("", include("cspr.cases.urls")),
    path("reviews/", include("cspr.reviews.urls")),
    path("learning/", include("cspr.learning.urls")),
    # A partnership's public page of published reviews (DOMAIN.md step 10): no sign-in.
    path("public/<slug:slug>/", review_publication_views.public_reviews, name="public_reviews"),
    path(
        "public/<slug:slug>/reports/<int:publication_id>/file/",
        review_publication_views.public_file,
        name="public_review_file",
    ),
    path(
        "public/<slug:slug>/reports/<int:publication_id>/request/",
        review_publication_views.public_request,
        name="public_review_request",
    ),
    path("", include("cspr.library.urls")),
    path("api/v1/", api.urls),
]

handler400 = "cspr.web.views.bad_request"
handler403 = "cspr.web.views.forbidden"
handler404 = "cspr.web.views.not_found"
handler500 = "cspr.web.views.server_error"

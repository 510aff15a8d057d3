from django.urls import path

from cspr.cases import views, views_decision, views_files

app_name = "cases"

urlpatterns = [
    path("cases/", views.case_list, name="list"),
    path("cases/referrals/new/", views.referral_new, name="referral_new"),
    path("cases/notifications/new/", views.notification_new, name="notification_new"),
    path("cases/<int:case_id>/", views.case_detail, name="detail"),
    path("cases/<int:case_id>/audit/", views.case_audit, name="audit"),
    path("cases/<int:case_id>/calendar.ics", views.case_calendar, name="calendar"),
    path("cases/<int:case_id>/screen/", views.referral_screen, name="screen"),
    path("cases/<int:case_id>/notification/", views.notification_edit, name="notification"),
    path("cases/<int:case_id>/notification/sent/", views.notification_sent, name="notification_sent"),
    path("cases/<int:case_id>/rapid-review/", views.rapid_review_edit, name="rapid_review"),
    path("cases/<int:case_id>/rapid-review/requests/new/", views.agency_request_new, name="request_new"),
    path("cases/<int:case_id>/rapid-review/episodes/new/", views.episode_add, name="episode_new"),
    path("cases/<int:case_id>/rapid-review/actions/new/", views.immediate_action_add, name="action_new"),
    path("cases/<int:case_id>/rapid-review/episodes/<int:episode_id>/", views.episode_edit, name="episode_edit"),
    path(
        "cases/<int:case_id>/rapid-review/episodes/<int:episode_id>/remove/",
        views.episode_remove,
        name="episode_remove",
    ),
    path("cases/<int:case_id>/rapid-review/actions/<int:action_id>/", views.immediate_action_edit, name="action_edit"),
    path(
        "cases/<int:case_id>/rapid-review/actions/<int:action_id>/remove/",
        views.immediate_action_remove,
        name="action_remove",
    ),
    path("cases/<int:case_id>/rapid-review/submit/", views.rapid_review_submit, name="rapid_review_submit"),
    path("cases/<int:case_id>/rapid-review/sent/", views_decision.rapid_review_sent, name="rapid_review_sent"),
    path("cases/<int:case_id>/decision/vote/", views_decision.decision_vote, name="vote"),
    path("cases/<int:case_id>/decision/advice/", views_decision.decision_advice, name="advice"),
    path("cases/<int:case_id>/decision/majority/", views_decision.decision_majority, name="majority"),
    path("cases/<int:case_id>/decision/family/", views_decision.family_told, name="family"),
    path("cases/<int:case_id>/decision/justification/", views_decision.decision_justification, name="justification"),
    path("cases/<int:case_id>/family-letter/", views_decision.family_letter, name="family_letter"),
    path("cases/<int:case_id>/panel-response/", views_decision.panel_response, name="panel_response"),
    path("cases/<int:case_id>/documents/<slug:kind>.<str:fmt>", views_decision.document_download, name="document"),
    path("cases/<int:case_id>/attachments/new/", views_files.attachment_new, name="attachment_new"),
    path("cases/<int:case_id>/attachments/<int:attachment_id>/", views_files.attachment_download, name="attachment"),
    path("cases/<int:case_id>/publish/", views_files.review_publish, name="publish"),
    path("requests/<int:request_id>/", views.agency_request_answer, name="request_answer"),
    path("panel/", views_decision.panel_inbox, name="panel_inbox"),
    path("rapid-review-audits/", views_decision.rr_audit_list, name="rr_audits"),
    path("rapid-review-audits/<int:audit_id>/", views_decision.rr_audit_detail, name="rr_audit"),
    path("rapid-review-audits/<int:audit_id>/items/<int:item_id>/", views_decision.rr_audit_item, name="rr_audit_item"),
    path(
        "rapid-review-audits/<int:audit_id>/summary.<str:fmt>", views_decision.rr_audit_summary, name="rr_audit_summary"
    ),
]

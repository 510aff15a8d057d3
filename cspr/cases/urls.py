from django.urls import path

from cspr.cases.views import agency_requests, audits, case, decision, files, notification, panel, rapid_review, referral

app_name = "cases"

urlpatterns = [
    path("cases/", case.case_list, name="list"),
    path("cases/referrals/new/", referral.referral_new, name="referral_new"),
    path("cases/notifications/new/", notification.notification_new, name="notification_new"),
    path("cases/<int:case_id>/", case.case_detail, name="detail"),
    path("cases/<int:case_id>/audit/", case.case_audit, name="audit"),
    path("cases/<int:case_id>/calendar.ics", case.case_calendar, name="calendar"),
    path("cases/<int:case_id>/screen/", referral.referral_screen, name="screen"),
    path("cases/<int:case_id>/notification/", notification.notification_edit, name="notification"),
    path("cases/<int:case_id>/notification/sent/", notification.notification_sent, name="notification_sent"),
    path("cases/<int:case_id>/notification/correct/", notification.notification_correct, name="notification_correct"),
    path("cases/<int:case_id>/rapid-review/", rapid_review.rapid_review_edit, name="rapid_review"),
    path("cases/<int:case_id>/rapid-review/requests/new/", rapid_review.agency_request_new, name="request_new"),
    path("cases/<int:case_id>/rapid-review/episodes/new/", rapid_review.episode_add, name="episode_new"),
    path("cases/<int:case_id>/rapid-review/actions/new/", rapid_review.immediate_action_add, name="action_new"),
    path("cases/<int:case_id>/rapid-review/episodes/<int:episode_id>/", rapid_review.episode_edit, name="episode_edit"),
    path(
        "cases/<int:case_id>/rapid-review/episodes/<int:episode_id>/remove/",
        rapid_review.episode_remove,
        name="episode_remove",
    ),
    path(
        "cases/<int:case_id>/rapid-review/actions/<int:action_id>/",
        rapid_review.immediate_action_edit,
        name="action_edit",
    ),
    path(
        "cases/<int:case_id>/rapid-review/actions/<int:action_id>/remove/",
        rapid_review.immediate_action_remove,
        name="action_remove",
    ),
    path("cases/<int:case_id>/rapid-review/submit/", rapid_review.rapid_review_submit, name="rapid_review_submit"),
    path("cases/<int:case_id>/rapid-review/sent/", decision.rapid_review_sent, name="rapid_review_sent"),
    path("cases/<int:case_id>/decision/vote/", decision.decision_vote, name="vote"),
    path("cases/<int:case_id>/decision/advice/", decision.decision_advice, name="advice"),
    path("cases/<int:case_id>/decision/majority/", decision.decision_majority, name="majority"),
    path("cases/<int:case_id>/decision/family/", decision.family_told, name="family"),
    path("cases/<int:case_id>/decision/justification/", decision.decision_justification, name="justification"),
    path("cases/<int:case_id>/family-letter/", decision.family_letter, name="family_letter"),
    path("cases/<int:case_id>/panel-response/", panel.panel_response, name="panel_response"),
    path("cases/<int:case_id>/documents/<slug:kind>.<str:fmt>", files.document_download, name="document"),
    path("cases/<int:case_id>/attachments/new/", files.attachment_new, name="attachment_new"),
    path("cases/<int:case_id>/attachments/<int:attachment_id>/", files.attachment_download, name="attachment"),
    path("requests/<int:request_id>/", agency_requests.agency_request_answer, name="request_answer"),
    path("panel/", panel.panel_inbox, name="panel_inbox"),
    path("rapid-review-audits/", audits.rr_audit_list, name="rr_audits"),
    path("rapid-review-audits/<int:audit_id>/", audits.rr_audit_detail, name="rr_audit"),
    path("rapid-review-audits/<int:audit_id>/items/<int:item_id>/", audits.rr_audit_item, name="rr_audit_item"),
    path("rapid-review-audits/<int:audit_id>/summary.<str:fmt>", audits.rr_audit_summary, name="rr_audit_summary"),
]

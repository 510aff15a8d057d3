"""Every change to a case goes through a function here (DESIGN.md rule 2): permission, validation, write,
audit event and state move, in one transaction. Split by step of the chain (DOMAIN.md)."""

from cspr.cases.services.attachments import attachment_add, attachment_read
from cspr.cases.services.decision import (
    decision_close_by_majority,
    decision_record_scrutineer_advice,
    decision_record_vote,
    decision_send_justification,
    family_communication_record,
    majority_outcome,
    rapid_review_record_sent,
)
from cspr.cases.services.notification import (
    ChildInput,
    age_band,
    case_open,
    notification_correct,
    notification_errors,
    notification_record_sent,
    notification_update,
)
from cspr.cases.services.panel import panel_response_errors, panel_response_record
from cspr.cases.services.publication import review_publish
from cspr.cases.services.rapid_review import (
    agency_request_create,
    agency_request_create_for_review,
    agency_request_respond,
    agency_request_withdraw,
    agency_requests_remind,
    episode_add,
    episode_remove,
    episode_update,
    immediate_action_add,
    immediate_action_remove,
    immediate_action_update,
    rapid_review_submit_for_decision,
    rapid_review_update,
)
from cspr.cases.services.referral import referral_errors, referral_screen, referral_submit
from cspr.cases.services.rr_audit import rr_audit_complete, rr_audit_create, rr_audit_score

__all__ = [
    "ChildInput",
    "age_band",
    "agency_request_create",
    "agency_request_create_for_review",
    "agency_request_respond",
    "agency_request_withdraw",
    "agency_requests_remind",
    "attachment_add",
    "attachment_read",
    "case_open",
    "decision_close_by_majority",
    "decision_record_scrutineer_advice",
    "decision_record_vote",
    "decision_send_justification",
    "episode_add",
    "episode_remove",
    "episode_update",
    "family_communication_record",
    "immediate_action_add",
    "immediate_action_remove",
    "immediate_action_update",
    "majority_outcome",
    "notification_correct",
    "notification_errors",
    "notification_record_sent",
    "notification_update",
    "panel_response_errors",
    "panel_response_record",
    "rapid_review_record_sent",
    "rapid_review_submit_for_decision",
    "rapid_review_update",
    "referral_errors",
    "referral_screen",
    "referral_submit",
    "review_publish",
    "rr_audit_complete",
    "rr_audit_create",
    "rr_audit_score",
]

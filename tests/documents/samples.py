"""Sample rapid-review content: a full report, a family letter and an audit, each adjustable per test."""

from __future__ import annotations

import datetime as dt

from cspr.documents import (
    STATUTORY_CRITERIA,
    AgencySummary,
    AuditRow,
    ChildSummary,
    ClockLine,
    CriterionAssessment,
    DecisionSummary,
    Episode,
    FamilyLetter,
    ImmediateAction,
    IncidentSummary,
    RapidReviewAuditSummary,
    RapidReviewReport,
    SignOff,
    Vote,
)

D = dt.date


def make_report(**changes: object) -> RapidReviewReport:
    values: dict[str, object] = {
        "partnership_name": "Northshire Safeguarding Children Partnership",
        "case_reference": "NSCP-2026-007",
        "child_pseudonym": "Child Q",
        "generated_on": D(2026, 3, 20),
        "children": [
            ChildSummary(
                "Child Q", "Under 1", "Female", "White British", "None known", "Child protection plan", "Northshire"
            ),
            ChildSummary("Sibling R", "5 to 9", "Male", "White British", "Autism", "Child in need plan", "Westshire"),
        ],
        "incident": IncidentSummary(
            nature="serious harm",
            incident_date=D(2026, 2, 22),
            place="Family home",
            la_where_happened="Northshire",
            la_became_aware=D(2026, 2, 23),
            notification_sent_on=D(2026, 2, 26),
            panel_reference="PNL-55123",
        ),
        "clocks": [
            ClockLine("Notify the Panel", D(2026, 3, 2), D(2026, 2, 26), "Met 2 working days early"),
            ClockLine("Rapid review to the Panel", D(2026, 3, 19), None, "Due in 1 working day"),
        ],
        "agency_involvement": [
            AgencySummary(
                "Northshire Hospitals NHS Trust",
                "Named nurse for safeguarding",
                "Q was seen in the emergency department twice.\n\nThe second visit was not linked to the first.",
            ),
            AgencySummary("Northshire Police", "Detective inspector", "Two domestic abuse call-outs in 2025."),
        ],
        "chronology": [
            Episode(
                D(2025, 11, 4), "Health visiting", "New birth visit; father not seen", "Father's role not explored"
            ),
            Episode("Winter 2025", "GP", "Bruise noted on forearm", "No referral; bruising in a non-mobile baby"),
        ],
        "good_practice": "The health visitor escalated promptly after the second visit.",
        "immediate_actions": [
            ImmediateAction("Briefing on bruising in non-mobile babies", "Designated nurse", D(2026, 3, 10))
        ],
        "learning_so_far": "Professional curiosity about men in the household was limited.",
        "learning_shared": "A 7-minute briefing went to all agencies on 12 March 2026.",
        "family_context": "The family are of White British heritage. Mother has a learning disability.",
        "family_views": "Mother said she felt nobody listened to her worries about the father.",
        "practitioner_views": "Practitioners described high caseloads in the winter months.",
        "criteria": [
            CriterionAssessment(code, label, answer, reasons)
            for (code, label), answer, reasons in zip(
                STATUTORY_CRITERIA,
                ["yes", "yes", "maybe", "no"],
                [
                    "Bruising protocol not followed",
                    "Invisible men theme recurs",
                    "Information sharing gaps",
                    "Not referred by the Panel",
                ],
            )
        ],
        "circumstances": [
            CriterionAssessment(
                "cross-boundary", "Family moved between local authorities", "yes", "Moved from Westshire in 2025"
            )
        ],
        "recommendation": "Local child safeguarding practice review",
        "recommendation_reasons": "Several agencies missed chances to share what they knew about the father.",
        "decision": DecisionSummary(
            outcome_label="A local child safeguarding practice review will be carried out",
            decided_on=D(2026, 3, 18),
            rationale="Criteria (a) and (b) are met and the learning is significant for the whole partnership.",
            votes=[
                Vote("Local authority", "Director of Children's Services", "Review", "Criteria met", 1),
                Vote("Police", "Detective Superintendent", "No review", "Learning already captured", 1),
                Vote("Integrated care board", "Chief Nurse", "Review", "Health learning", 1),
                Vote("Police", "Detective Superintendent", "Review", "Persuaded by the scrutineer", 2),
            ],
            scrutineer_advice="The scrutineer advised that the multi-agency learning justifies a review.",
            majority=False,
        ),
        "sign_off": [
            SignOff("Local authority", "A. Director", D(2026, 3, 19)),
            SignOff("Police", "B. Superintendent", D(2026, 3, 19)),
            SignOff("Integrated care board", "C. Nurse", D(2026, 3, 19)),
        ],
    }
    values.update(changes)
    return RapidReviewReport(**values)  # type: ignore[arg-type]


def make_letter(**changes: object) -> FamilyLetter:
    values: dict[str, object] = {
        "partnership_name": "Northshire Safeguarding Children Partnership",
        "partnership_address": "County Hall\nHigh Street\nNorthtown\nNT1 1AA",
        "addressee": "Ms Jane Smith",
        "salutation": "Ms Smith",
        "child_pseudonym": "Child Q",
        "child_first_name": "Amy",
        "case_reference": "NSCP-2026-007",
        "decision_outcome_label": "to do a full review of what happened",
        "rationale": "We think there are things that services could have done better.\n\nWe want to learn from them.",
        "what_happens_next": "Someone will be chosen to lead the review. They will ask if you want to talk to them.",
        "contact_name": "Sam Patel",
        "contact_role": "Business manager",
        "contact_phone": "01234 567890",
        "contact_email": "reviews@northshire.example",
        "date": D(2026, 3, 25),
    }
    values.update(changes)
    return FamilyLetter(**values)  # type: ignore[arg-type]


def make_audit(**changes: object) -> RapidReviewAuditSummary:
    values: dict[str, object] = {
        "partnership_name": "Northshire Safeguarding Children Partnership",
        "period_start": D(2026, 1, 1),
        "period_end": D(2026, 3, 31),
        "generated_on": D(2026, 4, 14),
        "rows": [
            AuditRow(
                "NSCP-2026-001", "Child K", "met", "met", "partly", "met", "not met", "met", "Family not yet written to"
            ),
            AuditRow("NSCP-2026-004", "Child M", "met", "partly", "met", "met", "met", "not met", "Sent 2 days late"),
            AuditRow("NSCP-2026-007", "Child Q", "met", "met", "met", "partly", "met", "met", ""),
        ],
    }
    values.update(changes)
    return RapidReviewAuditSummary(**values)  # type: ignore[arg-type]

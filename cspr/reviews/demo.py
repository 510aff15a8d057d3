"""Demo local reviews, one in each stage (the README's first command; "keep the demo showing every state"),
made through the same services as a person would use: Northshire's Child H in progress with a publication hold
for a criminal investigation, four more cases the Panel agreed go to a local review, and the published Child L,
whose review carries the signed-off report that was published."""

from __future__ import annotations

import datetime

from django.utils import timezone

from cspr.cases import services as case_services
from cspr.cases.demo import notify_case, ready_for_decision
from cspr.cases.models import Case, CaseState
from cspr.partnerships.models import Organisation, Partnership, User
from cspr.reviews import services
from cspr.reviews.models import LocalReview, ReviewState
from cspr.reviews.rules import COMPETENCES
from cspr.timescales import WorkingCalendar

DEMO = "demo.cspr.test"

EVIDENCE = {
    "knowledge": "Author of four published local reviews, two with family participation.",
    "research": "Cites the Panel's national reviews on infants and the triennial analysis.",
    "conditions": "Twenty years in children's social work, latterly a principal social worker.",
    "hindsight": "References from two partnerships describe a systems approach without blame.",
    "communication": "Sample reports read well; led practitioner events in both partnerships.",
}


def _user(local: str) -> User:
    return User.objects.get(email=f"{local}@{DEMO}")


def load_demo_reviews(*, partnerships: dict[str, Partnership], today: datetime.date) -> None:
    nr = partnerships["northshire-riverside"]
    _national(nr)
    if LocalReview.objects.filter(partnership=nr).exclude(state=ReviewState.COMMISSIONING).exists():
        return  # loaded before
    _northshire(nr)


def _to_local_review(p: Partnership, pseudonym: str, summary: str, child: str, age_days: int, ago: int) -> Case:
    m, panel = _user("manager"), _user("panel")
    cal = WorkingCalendar(p.nation)
    today = timezone.localdate()

    def back(n: int) -> datetime.date:
        return cal.add_working_days(cal.roll_back(today), -n)

    case = notify_case(m, p, pseudonym, summary, child, age_days, back(ago), back(ago - 2))
    ready_for_decision(m, case)
    for who in ("la", "police", "icb"):
        case_services.decision_record_vote(
            actor=_user(f"{who}.decider"), case=case, option="local_review", rationale="Agencies did not join up."
        )
    case_services.rapid_review_record_sent(actor=m, case=case, sent_on=today)
    case_services.panel_response_record(
        actor=panel, case=case, response="agree", national_review="no", responded_on=today
    )
    case.refresh_from_db()
    return case


def _northshire(p: Partnership) -> None:
    m, la, icb = _user("manager"), _user("la.decider"), _user("icb.decider")
    reviewer = _user("reviewer")
    health = _user("health.contributor")
    school = _user("school.contributor")
    health_org = Organisation.objects.get(partnership=p, name="Northshire Hospitals NHS Foundation Trust")
    school_org = Organisation.objects.get(partnership=p, name="Riverside Primary School")
    today = timezone.localdate()

    def review_of(case: Case) -> LocalReview:
        return LocalReview.objects.get(case=case)

    def commission(review: LocalReview) -> None:
        services.review_commission(
            actor=m,
            review=review,
            reviewer=reviewer,
            competences={code: {"answer": "yes", "evidence": EVIDENCE[code]} for code, _ in COMPETENCES},
            conflict="declared",
            conflict_management="Worked in a neighbouring council until 2019; no contact with this family or its "
            "practitioners. The independent chair oversees the review.",
            commissioned_on=today,
        )

    def agree_terms(review: LocalReview) -> None:
        services.review_notice_record(actor=m, review=review, recipients=["panel", "ofsted", "dfe"], sent_on=today)
        services.review_terms_agree(
            actor=m,
            review=review,
            period_from=today - datetime.timedelta(days=540),
            period_to=today - datetime.timedelta(days=20),
            lines_of_enquiry="How did agencies share what they knew about the adults in the household?\n"
            "Was the child's lived experience understood and recorded?\n"
            "How were the family's race, culture and language considered?",
            agencies="Children's social care\nNorthshire Police\nNorthshire Hospitals NHS Foundation Trust\n"
            "Riverside Primary School",
            method="systems",
            child_and_family="The reviewer meets the mother and the maternal grandmother with an interpreter; the "
            "child's day is described from the school's and the health visitor's records.",
            agreed_on=today,
        )

    def start(review: LocalReview) -> None:
        services.review_briefing_record(
            actor=m, review=review, held_on=today, attended="Children's social care (2)\nPolice (1)\nHealth (3)"
        )
        services.review_start(actor=m, review=review)

    def final(review: LocalReview) -> None:
        services.review_draft_share(
            actor=reviewer, review=review, text="Draft report: background, the practice episodes and the analysis."
        )
        services.review_draft_comment(
            actor=icb, version=review.report_versions.get(), text="Please say more about the GP's part."
        )
        due = today + datetime.timedelta(days=240)
        services.review_final_submit(
            actor=reviewer,
            review=review,
            text="Final report: what happened, what agencies knew, and what must change.",
            findings="Agencies held parts of the picture but no meeting brought them together; caseload "
            "pressure and no interpreter meant the mother's account was not heard.",
            recommendations=[
                {"what": "Police share domestic abuse call-outs with health visiting within a day.",
                 "owner": "Northshire Police", "due_on": due},
                {"what": "Interpreters are booked for every assessment where English is a second language.",
                 "owner": "Children's social care", "due_on": due},
                {"what": "Multi-agency training on the adults around a baby.", "owner": "The partnership",
                 "due_on": due},
            ],
        )  # fmt: skip

    # Child H (cases demo): in progress, a criminal investigation holding publication, agencies' returns asked.
    h = review_of(Case.objects.get(partnership=p, pseudonym="Child H"))
    commission(h)
    agree_terms(h)
    start(h)
    answered = services.review_contribution_request(
        actor=m,
        review=h,
        organisation=health_org,
        contributor=health,
        purpose="chronology",
        shared_facts="The review of Child H, 4: domestic abuse was known to police.",
        due_date=today + datetime.timedelta(days=10),
    )
    case_services.agency_request_respond(
        actor=health, agency_request=answered, response="Chronology of 14 contacts from birth to the incident."
    )
    services.review_contribution_request(
        actor=m,
        review=h,
        organisation=school_org,
        contributor=school,
        purpose="management_report",
        shared_facts="The review of Child H, 4: what the nursery class saw.",
        due_date=today + datetime.timedelta(days=15),
    )
    services.review_process_record(
        actor=m,
        review=h,
        kind="criminal_investigation",
        lead_contact="DI Morgan, Northshire Police Public Protection",
        expected_on=today + datetime.timedelta(days=120),
        hold=True,
        hold_from=today,
        hold_reason="A charging decision is awaited: publishing now could prejudice a trial.",
        hold_approved_by="Review group, with the police's agreement",
    )
    services.review_involvement_record(
        actor=reviewer, review=h, kind="family", on=today, family_member="Mother", participation="invited"
    )
    services.review_ask_reviewer(actor=la, review=h, question="Please include the nursery's view of the child's day.")

    # Four more cases the Panel agreed go to a local review: one review at each remaining stage before sign-off.
    m_case = _to_local_review(p, "Child M", "A 2-year-old was found alone and malnourished.", "Demo Child Em", 730, 9)
    commission(review_of(m_case))  # commissioning: the national bodies are not told yet
    n_case = _to_local_review(
        p, "Child N", "A 13-year-old was stabbed; exploitation was known.", "Demo Child En", 4750, 11
    )
    n = review_of(n_case)
    commission(n)
    agree_terms(n)  # terms agreed: the briefing comes next
    p_case = _to_local_review(p, "Child P", "A baby suffered a brain injury at 8 weeks.", "Demo Child Pea", 56, 13)
    pr = review_of(p_case)
    commission(pr)
    agree_terms(pr)
    start(pr)
    services.review_draft_share(actor=reviewer, review=pr, text="First draft: background and the practice episodes.")
    services.review_delay_request(
        actor=m,
        review=pr,
        reason="The inquest is listed after the six months end.",
        new_due=today + datetime.timedelta(days=270),
    )  # fmt: skip  (a delay waiting for the leadership group)
    r_case = _to_local_review(p, "Child R", "A 6-year-old disabled child died of neglect.", "Demo Child Arr", 2190, 15)
    rr = review_of(r_case)
    commission(rr)
    agree_terms(rr)
    start(rr)
    final(rr)
    services.review_sign_off(
        actor=icb, review=rr, signed_off_by="Assurance group: LA, police and ICB leads", signed_off_on=today
    )

    # Child L (cases demo) was published: its review holds the signed-off report, ready to publish.
    lcase = Case.objects.get(partnership=p, pseudonym="Child L")
    if lcase.state == CaseState.PUBLISHED:
        lr = review_of(lcase)
        commission(lr)
        agree_terms(lr)
        services.review_briefing_record(actor=m, review=lr, held_on=today, attended="All agencies")
        services.review_start(actor=m, review=lr)
        final(lr)
        services.review_sign_off(actor=la, review=lr, signed_off_by="Assurance group", signed_off_on=today)
        services.review_mark_ready(actor=m, review=lr)


def _national(p: Partnership) -> None:
    """Child I (cases demo): the Panel took a national review; one request and one sending recorded."""
    from cspr.reviews.models import NationalReview
    from cspr.reviews.national import national_review_exchange_record

    found = NationalReview.objects.filter(partnership=p, case__pseudonym="Child I").first()
    if found is None or found.exchanges.exists():
        return
    m, today = _user("manager"), timezone.localdate()
    national_review_exchange_record(
        actor=m, national=found, kind="panel_request", on=today,
        what="The Panel asks for the school's attendance record and the elective home education visits.",
    )  # fmt: skip
    national_review_exchange_record(
        actor=m, national=found, kind="information_sent", on=today,
        what="Sent the attendance record and the council's two home education visit notes.",
    )  # fmt: skip

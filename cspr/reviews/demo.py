"""Demo local reviews, one in each stage (the README's first command; "keep the demo showing every state"),
made through the same services as a person would use: Northshire's Child H in progress with a publication hold
for a criminal investigation, four more cases at the stages before sign-off (Child R's publication held for the
inquest), and the publications of DOMAIN.md step 10: Child L published in full with its NSPCC copy, Child T's
improvements only, Child U past its year on the website and asked for, and Child S ready to publish; and a
multi-agency learning review, completed once its learning was shared. A published
review is made on the days it happened (``cspr.cases.generate.on_day``) so its dates obey the 7 working days."""

from __future__ import annotations

import datetime

from django.utils import timezone

from cspr.cases import services as case_services
from cspr.cases.demo import notify_case, ready_for_decision
from cspr.cases.models import Case
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


def _review_of(case: Case) -> LocalReview:
    return LocalReview.objects.get(case=case)


def _commission(review: LocalReview) -> None:
    services.review_commission(
        actor=_user("manager"),
        review=review,
        reviewer=_user("reviewer"),
        competences={code: {"answer": "yes", "evidence": EVIDENCE[code]} for code, _ in COMPETENCES},
        conflict="declared",
        conflict_management="Worked in a neighbouring council until 2019; no contact with this family or its "
        "practitioners. The independent chair oversees the review.",
        commissioned_on=timezone.localdate(),
    )


def _agree_terms(review: LocalReview) -> None:
    m, today = _user("manager"), timezone.localdate()
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


def _start(review: LocalReview) -> None:
    m = _user("manager")
    services.review_briefing_record(
        actor=m,
        review=review,
        held_on=timezone.localdate(),
        attended="Children's social care (2)\nPolice (1)\nHealth (3)",
    )
    services.review_start(actor=m, review=review)


def _final(review: LocalReview, text: str = "") -> None:
    reviewer = _user("reviewer")
    services.review_draft_share(
        actor=reviewer, review=review, text="Draft report: background, the practice episodes and the analysis."
    )
    services.review_draft_comment(
        actor=_user("icb.decider"), version=review.report_versions.get(), text="Please say more about the GP's part."
    )
    due = timezone.localdate() + datetime.timedelta(days=240)
    services.review_final_submit(
        actor=reviewer,
        review=review,
        text=text or "Final report: what happened, what agencies knew, and what must change.",
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


def _signed_off(review: LocalReview, text: str = "") -> None:
    _commission(review)
    _agree_terms(review)
    _start(review)
    _final(review, text)
    services.review_sign_off(
        actor=_user("la.decider"), review=review, signed_off_by="Assurance group: LA, police and ICB leads",
        signed_off_on=timezone.localdate(),
    )  # fmt: skip


def _northshire(p: Partnership) -> None:
    m, la = _user("manager"), _user("la.decider")
    reviewer = _user("reviewer")
    health = _user("health.contributor")
    school = _user("school.contributor")
    health_org = Organisation.objects.get(partnership=p, name="Northshire Hospitals NHS Foundation Trust")
    school_org = Organisation.objects.get(partnership=p, name="Riverside Primary School")
    today = timezone.localdate()

    # Child H (cases demo): in progress, a criminal investigation holding publication, agencies' returns asked.
    h = _review_of(Case.objects.get(partnership=p, pseudonym="Child H"))
    _commission(h)
    _agree_terms(h)
    _start(h)
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
    _commission(_review_of(m_case))  # commissioning: the national bodies are not told yet
    n_case = _to_local_review(
        p, "Child N", "A 13-year-old was stabbed; exploitation was known.", "Demo Child En", 4750, 11
    )
    n = _review_of(n_case)
    _commission(n)
    _agree_terms(n)  # terms agreed: the briefing comes next
    p_case = _to_local_review(p, "Child P", "A baby suffered a brain injury at 8 weeks.", "Demo Child Pea", 56, 13)
    pr = _review_of(p_case)
    _commission(pr)
    _agree_terms(pr)
    _start(pr)
    services.review_draft_share(actor=reviewer, review=pr, text="First draft: background and the practice episodes.")
    services.review_delay_request(
        actor=m,
        review=pr,
        reason="The inquest is listed after the six months end.",
        new_due=today + datetime.timedelta(days=270),
    )  # fmt: skip  (a delay waiting for the leadership group)
    # Child R: signed off, its publication held for the inquest (DOMAIN.md step 10: "one held").
    r_case = _to_local_review(p, "Child R", "A 6-year-old disabled child died of neglect.", "Rory Demoford", 2190, 15)
    rr = _review_of(r_case)
    _signed_off(rr)
    services.review_process_record(
        actor=m, review=rr, kind="inquest", lead_contact="HM Senior Coroner's officer", expected_on=today
        + datetime.timedelta(days=90), hold=True, hold_from=today,
        hold_reason="The coroner asked that nothing is published before the inquest.",
        hold_approved_by="Review group",
    )  # fmt: skip
    _publications(p)
    _learning_review(p)


# --- published reviews (DOMAIN.md step 10), made on the days they happened ------------------------------------

REPORT_TEXT = """Background

{child} lived with their mother, her new partner Jordan Demo-Partner and a brother, Sam Demo-Sibling, at 4 Demo \
Street, Northtown NT1 4ZZ. The family's health visitor rang the mother on 07700 900456 after two missed \
appointments.

What agencies knew

Northshire Police held information about the partner's violence to a former partner that was not shared with \
the health visitor or the school. Riverside Primary School noticed that Sam Demo-Sibling was often late and \
hungry.

Analysis

No meeting brought the agencies together, so no one saw the whole picture of the adults around the baby."""


def _send_copies(review: LocalReview, *, justification: bool = False) -> None:
    """The full report (and the justification for publishing only the improvements) to the national bodies."""
    from cspr.reviews import publication

    wanted = [(r, "full_report") for r in ("panel", "secretary_of_state", "ofsted")]
    wanted += [(r, "justification") for r in ("panel", "secretary_of_state")] if justification else []
    for recipient, what in wanted:
        publication.publication_copy_record(
            actor=_user("manager"), review=review, recipient=recipient, what=what, sent_on=timezone.localdate(),
            how="secure_email",
        )  # fmt: skip


def _published(
    p: Partnership, pseudonym: str, summary: str, child: str, age_days: int, back: int, *, mode: str, nspcc: bool
) -> LocalReview:
    """A case notified ``back`` working days ago, reviewed, signed off, its text checked and published 7 working
    days after the copies, each step on its own day (cspr.cases.generate.on_day)."""
    from cspr.cases.generate import on_day
    from cspr.reviews import publication

    m, cal, today = _user("manager"), WorkingCalendar(p.nation), timezone.localdate()

    def day(n: int) -> datetime.date:
        return cal.add_working_days(cal.roll_back(today), -n)

    with on_day(day(back)):
        case = _to_local_review(p, pseudonym, summary, child, age_days, 2)
    review = _review_of(case)
    with on_day(day(back - 60)):
        _signed_off(review, REPORT_TEXT.format(child=pseudonym))
        justification = (
            "The family asked that the details of the children's lives are not published, and the brother is "
            "at the school named in the report: publishing the improvements meets the purpose of the review."
            if mode == "improvements"
            else ""
        )
        publication.publication_plan(actor=m, review=review, mode=mode, justification=justification)
        for value, replacement in (("Jordan Demo-Partner", "Mother's partner"), ("Sam Demo-Sibling", "Sibling 1"),
                                   ("4 Demo Street, Northtown NT1 4ZZ", "[address]")):  # fmt: skip
            publication.pseudonym_add(
                actor=m, review=review, category="family_member", value=value, replacement=replacement
            )
        services.review_mark_ready(actor=m, review=review)
        _send_copies(review, justification=mode == "improvements")
        plan = publication.plan_of(review)
        assert plan is not None
        publication.redaction_decide(
            actor=m, review=review,
            decisions={f.pk: ("rejected" if f.source == "names" and "Police" in f.text else "accepted",
                                  f.replacement) for f in plan.findings.all()},
        )  # fmt: skip
        earliest = publication.earliest_date(plan)
    assert earliest is not None
    with on_day(earliest):
        publication.publication_publish(actor=m, review=review, published_on=earliest)
        if nspcc:
            publication.publication_copy_record(
                actor=m, review=review, recipient="nspcc", what="", sent_on=earliest, how="portal"
            )
    return review


def _publications(p: Partnership) -> None:
    # Child L: published in full a few days ago, its copy sent to the NSPCC repository.
    _published(
        p, "Child L", "A 7-month-old baby was seriously injured; the mother's new partner had a history of violence.",
        "Ellie Demoford", 210, 75, mode="full", nspcc=True,
    )  # fmt: skip
    # Child T: only the improvements published (the family's wishes), the NSPCC copy still to send.
    _published(
        p, "Child T", "A 3-year-old was admitted with burns; neglect was suspected.", "Tia Demoford", 1100, 100,
        mode="improvements", nspcc=False,
    )  # fmt: skip
    # Child U: published over a year ago, so now available on request; someone has asked for it.
    u = _published(
        p, "Child U", "A 15-year-old died by suicide after exploitation.", "Uma Demoford", 5500, 400,
        mode="full", nspcc=True,
    )  # fmt: skip
    from cspr.reviews import publication

    plan = publication.plan_of(u)
    if plan is not None and plan.public_until and plan.public_until <= timezone.localdate():
        publication.report_request_create(
            publication_id=plan.pk, name="A Demo Researcher", email="researcher@example.com",
            reason="Teaching a module on safeguarding adolescents.",
        )  # fmt: skip
    # Child S: ready to publish, the copies sent and the text still to check.
    from cspr.cases.generate import on_day

    cal, m = WorkingCalendar(p.nation), _user("manager")

    def day(n: int) -> datetime.date:
        return cal.add_working_days(cal.roll_back(timezone.localdate()), -n)

    with on_day(day(40)):
        sr = _review_of(_to_local_review(p, "Child S", "A 9-month-old was shaken.", "Sami Demoford", 270, 2))
    with on_day(day(3)):
        _signed_off(sr, REPORT_TEXT.format(child="Child S"))
        publication.publication_plan(actor=m, review=sr, mode="full")
        services.review_mark_ready(actor=m, review=sr)
        _send_copies(sr)


def _learning_review(p: Partnership) -> None:
    """A referral screened into a multi-agency learning review (DOMAIN.md step 4), reviewed with the local
    review's building blocks on its own timescales and completed when its learning was shared."""
    from cspr.cases.generate import on_day

    m, cal = _user("manager"), WorkingCalendar(p.nation)

    def day(n: int) -> datetime.date:
        return cal.add_working_days(cal.roll_back(timezone.localdate()), -n)

    with on_day(day(70)):
        case = case_services.referral_submit(
            actor=m, partnership=p,
            what_happened="A near miss: a baby on a child protection plan was left with an unassessed carer.",
            who_was_harmed="Baby, 5 months",
        )  # fmt: skip
        case_services.referral_screen(
            actor=m, case=case, outcome="learning_review",
            reasons="Not a serious case, but health visiting and the nursery acted quickly: worth learning from.",
        )  # fmt: skip
    review = _review_of(case)
    with on_day(day(50)):
        _commission(review)
        services.review_terms_agree(
            actor=m, review=review, period_from=timezone.localdate() - datetime.timedelta(days=200),
            period_to=timezone.localdate() - datetime.timedelta(days=60),
            lines_of_enquiry="What helped the nursery and the health visitor act the same day?",
            agencies="Health visiting\nRiverside Nursery\nChildren's social care", method="appreciative_inquiry",
            child_and_family="The mother was invited to a conversation with the reviewer.",
            agreed_on=timezone.localdate(),
        )  # fmt: skip
        _start(review)
    with on_day(day(20)):
        _final(review, "What happened\n\nThe nursery noticed an unknown carer and rang the health visitor at once.")
        services.review_sign_off(
            actor=_user("la.decider"),
            review=review,
            signed_off_by="Assurance group",
            signed_off_on=timezone.localdate(),
        )
    with on_day(day(5)):
        services.review_learning_shared(
            actor=m, review=review, shared_on=timezone.localdate(),
            how="A 7-minute briefing to every agency and a practitioner event with 40 staff.",
        )  # fmt: skip


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

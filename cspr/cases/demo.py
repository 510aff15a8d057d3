"""Demo cases at every step of the chain, created through the same services as real cases.

Every stage of the case state machine (cspr.cases.state.TRANSITIONS) has at least one case, so each page
and each next step can be seen; tests/cases/test_case_pages.py fails if a new stage has none. Dates are set
relative to today with the partnership's working calendar, so the clocks show a realistic mix: on time,
due soon and overdue. Idempotent: a partnership that already has cases gets none added.
"""

from __future__ import annotations

import datetime

from cspr.cases import services
from cspr.cases.clocks import clocks_recompute
from cspr.cases.models import Case
from cspr.partnerships.models import Organisation, Partnership, User
from cspr.timescales import WorkingCalendar

CRITERIA_YES = {
    "a": {
        "answer": "yes",
        "reasons": "Health visiting did not follow up missed contacts, as found in an earlier review.",
    },
    "b": {"answer": "yes", "reasons": "Non-accidental injury in a non-mobile infant: a recurrent national theme."},
    "c": {"answer": "yes", "reasons": "Police and children's social care did not share the domestic abuse history."},
    "d": {"answer": "no", "reasons": "The Panel has not considered the case."},
    "one_agency": {"answer": "no", "reasons": ""},
    "no_involvement": {"answer": "no", "reasons": "Health visiting, police and the school were all involved."},
    "several_areas": {"answer": "maybe", "reasons": "The family moved from another county six months earlier."},
    "institutional": {"answer": "no", "reasons": ""},
}

# A case the partners decide needs no review: the criteria were weighed and not met.
CRITERIA_NOT_MET = {
    "a": {"answer": "no", "reasons": "The trust's own review found the learning and has already acted on it."},
    "b": {"answer": "no", "reasons": "No theme beyond those the partnership is already working on."},
    "c": {"answer": "no", "reasons": "The agencies shared information promptly and worked well together."},
    "d": {"answer": "no", "reasons": "The Panel has not considered the case."},
    "one_agency": {"answer": "yes", "reasons": "The concern is about one provider, which has reviewed it."},
    "no_involvement": {"answer": "no", "reasons": ""},
    "several_areas": {"answer": "no", "reasons": ""},
    "institutional": {"answer": "no", "reasons": ""},
}


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _local_authority_name(partnership: Partnership) -> str:
    """The partnership's local authority: every demo partnership has one (cspr.partnerships.demo)."""
    la = partnership.organisations.filter(kind="local_authority").first()
    assert la is not None, f"demo partnership {partnership.slug} has no local authority"
    return la.name


def notify_case(
    manager: User,
    partnership: Partnership,
    pseudonym: str,
    summary: str,
    child: str,
    age_days: int,
    aware: datetime.date,
    sent: datetime.date | None,
    nature: str = "serious_harm",
    legal_status: str = "",
    **fields: object,
) -> Case:
    """Open a case and record its notification (as sent on ``sent``, if given); ``fields`` override the
    notification's answers, for incidents other than a suspected-abuse serious case."""
    case = services.case_open(
        actor=manager, partnership=partnership, pseudonym=pseudonym, summary=summary, children=[{"name": child}]
    )
    dob = aware - datetime.timedelta(days=age_days)
    services.notification_update(
        actor=manager,
        case=case,
        version=case.version,
        children=[
            {
                "name": child,
                "date_of_birth": dob,
                "sex": "female" if age_days % 2 else "male",
                "ethnicity": "White British" if age_days % 3 else "Black Caribbean",
                "legal_status": legal_status or ("child_protection" if age_days > 1000 else "none"),
                "la_of_residence": _local_authority_name(partnership),
            }
        ],
        fields={
            "nature": nature,
            "abuse_or_neglect": "suspected",
            "in_area": True,
            "incident_date": aware,
            "la_became_aware": aware,
            "description": summary,
            "la_where_happened": _local_authority_name(partnership),
            "agencies_involved": "Children's social care, health visiting, police",
            "notifier_name": manager.full_name,
            "notifier_role": "Safeguarding partnership business manager",
            "notifier_email": manager.email,
            **fields,
        },
    )
    if sent is not None:
        case.refresh_from_db()
        services.notification_record_sent(
            actor=manager, case=case, sent_on=sent, panel_reference=f"SIN-{case.pk:05d}", partners_informed_on=sent
        )
    case.refresh_from_db()
    return case


def ready_for_decision(
    manager: User,
    case: Case,
    recommendation: str = "local_review",
    criteria: dict[str, dict[str, str]] | None = None,
    reasons: str = "Criteria a to c are met and agencies did not work together.",
) -> None:
    rr = case.rapid_review
    services.rapid_review_update(
        actor=manager,
        case=case,
        version=rr.version,
        criteria=criteria or CRITERIA_YES,
        sections={
            "good_practice": "The GP made a prompt referral when bruising was seen.",
            "learning_so_far": "Information about the father's history was held by police but not shared.",
            "learning_shared": "A 7-minute briefing on bruising in non-mobile babies went to all agencies.",
            "family_context": "A young mother, recently moved, with no wider family nearby; English is her "
            "second language.",
            "family_views": "The mother said nobody asked who else lived in the house.",
            "practitioner_views": "Health visitors described high caseloads and no interpreter being offered.",
            "recommendation": recommendation,
            "recommendation_reasons": reasons,
        },
    )
    services.rapid_review_submit_for_decision(actor=manager, case=case)


def load_demo_cases(*, partnerships: dict[str, Partnership], today: datetime.date) -> None:
    nr = partnerships["northshire-riverside"]
    if not Case.objects.filter(partnership=nr).exists():
        _northshire(nr)
    eb = partnerships["eastbury"]
    if not Case.objects.filter(partnership=eb).exists():
        _eastbury(eb)
    # DESIGN.md rule 8: the services stored each new case's clocks; this covers demo cases loaded before the
    # clocks were stored, so every demo case ends with its clocks computed.
    for case in Case.objects.filter(partnership__in=[nr, eb]):
        clocks_recompute(case=case)


def _northshire(p: Partnership) -> None:
    cal = WorkingCalendar(p.nation)
    today = datetime.date.today()

    def ago(n: int) -> datetime.date:
        return cal.add_working_days(cal.roll_back(today), -n)

    m = _user("manager@demo.cspr.test")
    la, police, icb = (_user(f"{x}.decider@demo.cspr.test") for x in ("la", "police", "icb"))
    scrutineer, panel = _user("scrutineer@demo.cspr.test"), _user("panel@demo.cspr.test")
    health, school = _user("health.contributor@demo.cspr.test"), _user("school.contributor@demo.cspr.test")
    health_org = Organisation.objects.get(partnership=p, name="Northshire Hospitals NHS Foundation Trust")
    school_org = Organisation.objects.get(partnership=p, name="Riverside Primary School")

    def unanimous(case: Case, option: str, rationale: str) -> None:
        """The three statutory partners vote alike, which decides the round."""
        for who in (la, police, icb):
            services.decision_record_vote(actor=who, case=case, option=option, rationale=rationale)

    # 1. A referral waiting to be screened.
    services.referral_submit(
        actor=health,
        partnership=p,
        incident_date=ago(1),
        what_happened="A 3-month-old baby was brought to A&E with rib fractures.",
        who_was_harmed="Baby girl, 3 months, Riverside",
        agency_knowledge="Seen twice by the health visitor; one missed appointment.",
        why_criteria_met="Non-accidental injury suspected in a non-mobile infant.",
    )
    # 2. A notification being prepared (due in a few days).
    notify_case(
        m,
        p,
        "Child B",
        "A 14-year-old was seriously injured in a stabbing linked to county lines.",
        "Demo Child Bee",
        14 * 365,
        ago(2),
        None,
    )
    # 3. A rapid review in progress, with one summary back and one awaited.
    c = notify_case(
        m,
        p,
        "Child C",
        "An infant suffered a head injury while in the care of the mother's new partner.",
        "Demo Child Cee",
        150,
        ago(5),
        ago(3),
    )
    services.agency_request_create(
        actor=m,
        case=c,
        organisation=health_org,
        contributor=health,
        shared_facts="A 5-month-old with a head injury; mother's new partner at home.",
        questions="What contact did health visiting have and what was seen?",
    )
    answered = services.agency_request_create(
        actor=m,
        case=c,
        organisation=school_org,
        contributor=school,
        shared_facts="Older sibling (7) attends your school.",
        questions="Any concerns about the sibling's attendance or presentation?",
    )
    services.agency_request_respond(
        actor=school,
        agency_request=answered,
        response="Attendance fell to 82% this term; the sibling said 'mum's friend shouts'.",
    )
    services.episode_add(
        actor=m,
        case=c,
        date=ago(40),
        agency="Health visiting",
        what_happened="New birth visit; mother alone; no questions about other adults.",
        analysis="A missed chance to ask about men in the household.",
    )
    # The notification was corrected after it was sent (a new dated version the Panel is told about; the
    # notification as first sent stays readable beside it).
    c.refresh_from_db()
    services.notification_correct(
        actor=m,
        case=c,
        version=c.version,
        fields={"description": "An infant suffered a skull fracture while in the care of the mother's new partner."},
        children=[
            {
                "name": child.name,
                "other_names": child.other_names,
                "date_of_birth": child.date_of_birth,
                "sex": child.sex,
                "ethnicity": child.ethnicity,
                "disability": child.disability,
                "legal_status": child.legal_status,
                "la_of_residence": child.la_of_residence,
            }
            for child in c.children.all()
        ],
        reason="The hospital's second scan found a skull fracture, not a bruise.",
    )
    services.immediate_action_add(
        actor=m,
        case=c,
        action="Sibling placed with maternal grandmother under a safety plan.",
        by_whom="Children's social care",
        done_on=ago(4),
    )
    # 4. With the decision makers: two have voted.
    d = notify_case(
        m,
        p,
        "Child D",
        "A 2-year-old died; the post-mortem found long-term neglect.",
        "Demo Child Dee",
        800,
        ago(12),
        ago(10),
        nature="death",
    )
    ready_for_decision(m, d)
    services.decision_record_vote(actor=la, case=d, option="local_review", rationale="Criteria a and c are met.")
    services.decision_record_vote(actor=police, case=d, option="local_review", rationale="Agreed.")
    # 5. Partners disagree: the scrutineer advises.
    e = notify_case(
        m,
        p,
        "Child E",
        "A 16-year-old took an overdose after online exploitation.",
        "Demo Child Eee",
        16 * 365,
        ago(13),
        ago(11),
    )
    ready_for_decision(m, e, "learning_review")
    services.decision_record_vote(actor=la, case=e, option="local_review", rationale="Several agencies involved.")
    services.decision_record_vote(actor=police, case=e, option="learning_review", rationale="Good practice to learn.")
    services.decision_record_vote(actor=icb, case=e, option="no_review", rationale="Learning already identified.")
    # 6. Sent to the Panel, waiting for its response.
    f = notify_case(
        m,
        p,
        "Child F",
        "A 6-week-old baby died while co-sleeping with a parent who had been drinking.",
        "Demo Child Eff",
        42,
        ago(16),
        ago(14),
        nature="death",
    )
    ready_for_decision(m, f)
    unanimous(f, "local_review", "Recurrent theme of unsafe sleep with parental alcohol use.")
    services.family_communication_record(
        actor=m, case=f, told_on=today, method="in_person", told_by="Jo Reed, family's social worker"
    )
    services.rapid_review_record_sent(actor=m, case=f, sent_on=today)
    # 7. The Panel challenged the decision: the partners reconsider.
    g = notify_case(
        m,
        p,
        "Child G",
        "A 9-year-old disabled child was seriously harmed by a carer.",
        "Demo Child Gee",
        9 * 365,
        ago(18),
        ago(16),
    )
    ready_for_decision(m, g, "no_review")
    unanimous(g, "no_review", "Single-agency issue, already addressed by the provider.")
    services.rapid_review_record_sent(actor=m, case=g, sent_on=today)
    services.panel_response_record(
        actor=panel,
        case=g,
        response="challenge",
        national_review="no",
        responded_on=today,
        reasons="Disabled children's voice and multi-agency oversight are recurrent "
        "themes: please reconsider a local review.",
    )
    # 8. The Panel agreed: a local review follows.
    h = notify_case(
        m,
        p,
        "Child H",
        "A 4-year-old was seriously harmed; domestic abuse was known to police.",
        "Demo Child Aitch",
        4 * 365,
        ago(25),
        ago(23),
    )
    ready_for_decision(m, h)
    unanimous(h, "local_review", "Information sharing failed.")
    services.family_communication_record(actor=m, case=h, told_on=today, method="letter", told_by="Business manager")
    services.rapid_review_record_sent(actor=m, case=h, sent_on=today)
    services.panel_response_record(actor=panel, case=h, response="agree", national_review="no", responded_on=today)
    # 9. The Panel takes a national review.
    i = notify_case(
        m,
        p,
        "Child I",
        "A 5-year-old educated at home died; three agencies had concerns that were never brought together.",
        "Demo Child Eye",
        5 * 365,
        ago(28),
        ago(26),
        nature="death",
    )
    ready_for_decision(
        m, i, "national_review", reasons="Elective home education and multi-agency oversight: national themes."
    )
    unanimous(i, "national_review", "The learning is for national guidance.")
    services.family_communication_record(actor=m, case=i, told_on=today, method="letter", told_by="Business manager")
    services.rapid_review_record_sent(actor=m, case=i, sent_on=today)
    services.panel_response_record(actor=panel, case=i, response="agree", national_review="yes", responded_on=today)
    # 10. No review: the partners weighed the criteria and the Panel agreed.
    j = notify_case(
        m,
        p,
        "Child J",
        "A 12-year-old was seriously injured at a holiday activity club; the provider's checks had lapsed.",
        "Demo Child Jay",
        12 * 365,
        ago(30),
        ago(28),
    )
    ready_for_decision(
        m, j, "no_review", CRITERIA_NOT_MET, "A single provider's failing, already reviewed and put right."
    )
    unanimous(j, "no_review", "Learning already identified and acted on.")
    services.family_communication_record(actor=m, case=j, told_on=today, method="in_person", told_by="Ali Khan, SW")
    services.rapid_review_record_sent(actor=m, case=j, sent_on=today)
    services.panel_response_record(actor=panel, case=j, response="agree", national_review="no", responded_on=today)
    # 11. After a challenge the partners met again with the scrutineer, changed the decision and sent their
    #     justification back: the case waits at the Panel for its further response.
    k = notify_case(
        m,
        p,
        "Child K",
        "A 15-year-old was seriously harmed while missing from home; exploitation had been reported twice.",
        "Demo Child Kay",
        15 * 365,
        ago(32),
        ago(30),
    )
    ready_for_decision(m, k, "learning_review", reasons="Good practice by the school to learn from.")
    unanimous(k, "learning_review", "Mostly good practice.")
    services.rapid_review_record_sent(actor=m, case=k, sent_on=today)
    services.panel_response_record(
        actor=panel,
        case=k,
        response="challenge",
        national_review="no",
        responded_on=today,
        reasons="Two missing episodes were not linked to the exploitation reports: a local review is needed.",
    )
    services.decision_record_scrutineer_advice(
        actor=scrutineer, case=k, advice="The Panel is right that the missing episodes were not joined up."
    )
    unanimous(k, "local_review", "Persuaded: agencies did not join up what they knew.")
    services.decision_send_justification(
        actor=m,
        case=k,
        justification="The partners met again with the scrutineer and changed the decision to a local review: "
        "the missing episodes and exploitation reports were held by different agencies and never joined up.",
    )
    # 12. Published reviews (the local review carried out, its report checked and published) are the review
    # app's demo (cspr/reviews/demo.py): they are published from the review's publication plan.


def _eastbury(p: Partnership) -> None:
    cal = WorkingCalendar(p.nation)
    today = datetime.date.today()
    m = _user("eastbury.manager@demo.cspr.test")
    # A rapid review that is overdue: notified 20 working days ago, nothing sent since.
    aware = cal.add_working_days(cal.roll_back(today), -22)
    notify_case(
        m,
        p,
        "Child A",
        "Sudden unexpected death of an infant co-sleeping with a parent who had been drinking.",
        "Demo Child Ay",
        80,
        aware,
        cal.add_working_days(aware, 2),
        nature="death",
    )
    # A referral screened into a multi-agency learning review.
    case = services.referral_submit(
        actor=m,
        partnership=p,
        what_happened="A near miss: a child on a plan was found alone at home after a missed school pick-up.",
        who_was_harmed="Boy, 8",
    )
    services.referral_screen(
        actor=m,
        case=case,
        outcome="learning_review",
        reasons="Not a serious case, but good practice by the school to learn from.",
    )
    # A referral screened out: no further action.
    case = services.referral_submit(
        actor=m,
        partnership=p,
        what_happened="A 10-year-old broke an arm falling from a trampoline at home; the family sought help at once.",
        who_was_harmed="Girl, 10",
    )
    services.referral_screen(
        actor=m,
        case=case,
        outcome="no_further_action",
        reasons="An accident with prompt care: no abuse or neglect is known or suspected.",
    )
    # Notified and closed: a care leaver's death needs no rapid review unless the serious case criteria are
    # met or the young person was under 18 (Working Together 2023 ch.5).
    aware = cal.add_working_days(cal.roll_back(today), -4)
    notify_case(
        m,
        p,
        "Child D",
        "A 20-year-old care leaver died of an illness; no abuse or neglect is suspected.",
        "Demo Young Person Dee",
        20 * 365 + 60,
        aware,
        cal.add_working_days(aware, 1),
        nature="death",
        legal_status="care_leaver",
        abuse_or_neglect="not_suspected",
        care_leaver_death=True,
        care_leaver_age=20,
    )

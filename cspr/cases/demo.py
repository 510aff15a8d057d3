"""Demo cases at every step of the chain, created through the same services as real cases.

Dates are set relative to today with the partnership's working calendar, so the clocks show a realistic
mix: on time, due soon and overdue. Idempotent: a partnership that already has cases gets none added.
"""

from __future__ import annotations

import datetime

from cspr.cases import services
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
    "several_areas": {"answer": "maybe", "reasons": "The family moved from another county six months earlier."},
}


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _notify(
    manager: User,
    partnership: Partnership,
    pseudonym: str,
    summary: str,
    child: str,
    age_days: int,
    aware: datetime.date,
    sent: datetime.date | None,
    nature: str = "serious_harm",
) -> Case:
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
                "legal_status": "child_protection" if age_days > 1000 else "none",
                "la_of_residence": partnership.organisations.filter(kind="local_authority").first().name,
            }
        ],
        fields={
            "nature": nature,
            "abuse_or_neglect": "suspected",
            "in_area": True,
            "incident_date": aware,
            "la_became_aware": aware,
            "description": summary,
            "la_where_happened": partnership.organisations.filter(kind="local_authority").first().name,
            "agencies_involved": "Children's social care, health visiting, police",
            "notifier_name": manager.full_name,
            "notifier_role": "Safeguarding partnership business manager",
            "notifier_email": manager.email,
        },
    )
    if sent is not None:
        case.refresh_from_db()
        services.notification_record_sent(
            actor=manager, case=case, sent_on=sent, panel_reference=f"SIN-{case.pk:05d}", partners_informed_on=sent
        )
    case.refresh_from_db()
    return case


def _ready(manager: User, case: Case, recommendation: str = "local_review") -> None:
    rr = case.rapid_review
    services.rapid_review_update(
        actor=manager,
        case=case,
        version=rr.version,
        criteria=CRITERIA_YES,
        sections={
            "good_practice": "The GP made a prompt referral when bruising was seen.",
            "learning_so_far": "Information about the father's history was held by police but not shared.",
            "learning_shared": "A 7-minute briefing on bruising in non-mobile babies went to all agencies.",
            "family_context": "A young mother, recently moved, with no wider family nearby; English is her "
            "second language.",
            "family_views": "The mother said nobody asked who else lived in the house.",
            "practitioner_views": "Health visitors described high caseloads and no interpreter being offered.",
            "recommendation": recommendation,
            "recommendation_reasons": "Criteria a to c are met and agencies did not work together.",
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


def _northshire(p: Partnership) -> None:
    cal = WorkingCalendar(p.nation)
    today = datetime.date.today()

    def ago(n: int) -> datetime.date:
        return cal.add_working_days(cal.roll_back(today), -n)

    m = _user("manager@demo.cspr.test")
    la, police, icb = (_user(f"{x}.decider@demo.cspr.test") for x in ("la", "police", "icb"))
    _scrutineer, panel = _user("scrutineer@demo.cspr.test"), _user("panel@demo.cspr.test")
    health, school = _user("health.contributor@demo.cspr.test"), _user("school.contributor@demo.cspr.test")
    health_org = Organisation.objects.get(partnership=p, name="Northshire Hospitals NHS Foundation Trust")
    school_org = Organisation.objects.get(partnership=p, name="Riverside Primary School")

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
    _notify(
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
    c = _notify(
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
    services.immediate_action_add(
        actor=m,
        case=c,
        action="Sibling placed with maternal grandmother under a safety plan.",
        by_whom="Children's social care",
        done_on=ago(4),
    )
    # 4. With the decision makers: two have voted.
    d = _notify(
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
    _ready(m, d)
    services.decision_record_vote(actor=la, case=d, option="local_review", rationale="Criteria a and c are met.")
    services.decision_record_vote(actor=police, case=d, option="local_review", rationale="Agreed.")
    # 5. Partners disagree: the scrutineer advises.
    e = _notify(
        m,
        p,
        "Child E",
        "A 16-year-old took an overdose after online exploitation.",
        "Demo Child Eee",
        16 * 365,
        ago(13),
        ago(11),
    )
    _ready(m, e, "learning_review")
    services.decision_record_vote(actor=la, case=e, option="local_review", rationale="Several agencies involved.")
    services.decision_record_vote(actor=police, case=e, option="learning_review", rationale="Good practice to learn.")
    services.decision_record_vote(actor=icb, case=e, option="no_review", rationale="Learning already identified.")
    # 6. Sent to the Panel, waiting for its response.
    f = _notify(
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
    _ready(m, f)
    for who in (la, police, icb):
        services.decision_record_vote(
            actor=who,
            case=f,
            option="local_review",
            rationale="Recurrent theme of unsafe sleep with parental alcohol use.",
        )
    services.family_communication_record(
        actor=m, case=f, told_on=today, method="in_person", told_by="Jo Reed, family's social worker"
    )
    services.rapid_review_record_sent(actor=m, case=f, sent_on=today)
    # 7. The Panel challenged the decision: the partners reconsider.
    g = _notify(
        m,
        p,
        "Child G",
        "A 9-year-old disabled child was seriously harmed by a carer.",
        "Demo Child Gee",
        9 * 365,
        ago(18),
        ago(16),
    )
    _ready(m, g, "no_review")
    for who in (la, police, icb):
        services.decision_record_vote(
            actor=who, case=g, option="no_review", rationale="Single-agency issue, already addressed by the provider."
        )
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
    h = _notify(
        m,
        p,
        "Child H",
        "A 4-year-old was seriously harmed; domestic abuse was known to police.",
        "Demo Child Aitch",
        4 * 365,
        ago(25),
        ago(23),
    )
    _ready(m, h)
    for who in (la, police, icb):
        services.decision_record_vote(actor=who, case=h, option="local_review", rationale="Information sharing failed.")
    services.family_communication_record(actor=m, case=h, told_on=today, method="letter", told_by="Business manager")
    services.rapid_review_record_sent(actor=m, case=h, sent_on=today)
    services.panel_response_record(actor=panel, case=h, response="agree", national_review="no", responded_on=today)


def _eastbury(p: Partnership) -> None:
    cal = WorkingCalendar(p.nation)
    today = datetime.date.today()
    m = _user("eastbury.manager@demo.cspr.test")
    # A rapid review that is overdue: notified 20 working days ago, nothing sent since.
    aware = cal.add_working_days(cal.roll_back(today), -22)
    _notify(
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

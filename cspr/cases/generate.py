"""``cspr generate``: a national-scale database made through the services, for benchmarks and load tests.

A national instance holds every notification in England for a decade (DOMAIN.md, scale): about 500 cases a
year across 150 partnerships, each with its agency requests, votes, the Panel's responses and, for the local
reviews that finished, a published report in the library. The pages must cost about what an empty page costs
at that size (DESIGN.md rule 8), so the benchmarks need that data, and data that only looks like it (rows
written straight into tables) would miss the costs the services leave behind: stored clocks, audit events,
encrypted fields, histories.

So every case here is made by the same service calls a partnership makes, each at the date it would have
happened: the clock is moved to that working day (``time_machine``) so timestamps, references, "not in the
future" checks and the statutory clocks are all as they would be. A case stops at the step its dates reach
today, which gives the real mix of stages: a decade of closed cases and a few weeks of open ones.

Deterministic from the seed and ``today``: the same arguments make the same records (encryption nonces and
password salts aside). Later apps add their own steps (local reviews, actions) through
``cspr.core.registry.register_generator_step``.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cspr.cases import services
from cspr.cases.clocks import clocks_recompute
from cspr.cases.demo import CRITERIA_NOT_MET, CRITERIA_YES, notify_case, ready_for_decision
from cspr.cases.models import Case, CaseState
from cspr.core import registry
from cspr.core.errors import ValidationFailed
from cspr.partnerships import services as people
from cspr.partnerships.models import Organisation, Partnership, User
from cspr.partnerships.roles import Role
from cspr.timescales import WorkingCalendar


@dataclass(frozen=True)
class Scale:
    """How much to make: ``cases`` spread evenly over ``years`` across ``partnerships``."""

    partnerships: int
    cases: int
    years: int = 10


SCALES: dict[str, Scale] = {
    # One partnership's decade: about 5,000 cases / 150 partnerships.
    "partnership": Scale(partnerships=1, cases=40),
    # DOMAIN.md: every notification in England for a decade.
    "national": Scale(partnerships=150, cases=5_000),
    # Ten times national, to find what grows before it matters.
    "stress": Scale(partnerships=150, cases=50_000),
}

GENERATED_DOMAIN = "generated.cspr.test"

PLACES = [
    "Ashford", "Barnmouth", "Calderdale Vale", "Dunmere", "Elmswick", "Fairhaven", "Greyford", "Hollinshire",
    "Ivybridge Moor", "Kingsmere", "Lowestead", "Marlow Fen", "Northwold", "Oakhampton", "Pennbury",
    "Queensferry", "Redcastle", "Saltmarsh", "Thornbury", "Upperdale", "Westerleigh", "Yarrowby",
]  # fmt: skip
FIRST = ["Amira", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Harry", "Isla", "Jamal", "Kate", "Liam",
         "Maya", "Noah", "Olu", "Priya", "Rhys", "Sara", "Tom", "Uma", "Will", "Zara"]  # fmt: skip
LAST = ["Ahmed", "Brown", "Clarke", "Davies", "Evans", "Fraser", "Green", "Hughes", "Iqbal", "Jones", "Khan",
        "Lewis", "Moore", "Nash", "Owen", "Patel", "Reid", "Singh", "Taylor", "Walsh", "Young"]  # fmt: skip

INCIDENTS = [
    ("death", 42, "A baby died while co-sleeping with a parent who had been drinking."),
    ("serious_harm", 150, "An infant suffered a head injury while in the care of the mother's new partner."),
    ("serious_harm", 14 * 365, "A 14-year-old was seriously injured in a stabbing linked to county lines."),
    ("death", 800, "A 2-year-old died; the post-mortem found long-term neglect."),
    ("serious_harm", 16 * 365, "A 16-year-old took an overdose after online exploitation."),
    ("serious_harm", 9 * 365, "A 9-year-old disabled child was seriously harmed by a carer."),
    ("serious_harm", 4 * 365, "A 4-year-old was seriously harmed; domestic abuse was known to police."),
    ("death", 5 * 365, "A child educated at home died; three agencies had concerns never brought together."),
    ("serious_harm", 210, "A 7-month-old baby had rib fractures; bruising had been seen and explained away."),
    ("serious_harm", 15 * 365, "A 15-year-old was seriously harmed while missing from home."),
]
AGENCY_ANSWERS = [
    "Seen twice by the health visitor; one missed appointment was not followed up.",
    "Attendance fell to 82% this term; the child said an adult at home shouts.",
    "Two domestic abuse call-outs in the last year; no referral to children's social care was made.",
    "Registered with the practice; the mother attended for low mood and was referred to talking therapies.",
    "Known to the youth offending service; the worker had raised exploitation concerns twice.",
]
ORGANISATIONS = [
    ("County Council", Organisation.Kind.LOCAL_AUTHORITY),
    ("Police", Organisation.Kind.POLICE),
    ("Integrated Care Board", Organisation.Kind.ICB),
    ("Hospitals NHS Foundation Trust", Organisation.Kind.NHS_TRUST),
    ("Primary School", Organisation.Kind.SCHOOL),
    ("Probation Delivery Unit", Organisation.Kind.PROBATION),
]


@dataclass
class Area:
    """A generated partnership and the people who act in it."""

    partnership: Partnership
    calendar: WorkingCalendar
    manager: User
    deciders: tuple[User, User, User]  # LA, police, ICB (Children Act 2004 s16E)
    scrutineer: User
    contributors: list[tuple[Organisation, User]] = field(default_factory=list)
    reviewer: User | None = None


# A later app carries the local review to its publication (DESIGN.md, imports run one way): the review app
# registers the whole chain of the review and its publication plan here, from its AppConfig.ready(). Called as
# ``publisher(area=, case=, report_text=, sent_on=, published_on=)`` on the day each step happened.
PUBLISHERS: dict[str, Callable[..., None]] = {}


def register_publisher(name: str, publisher: Callable[..., None]) -> None:
    PUBLISHERS[name] = publisher


@dataclass
class Report:
    """What was made, for the command to print."""

    partnerships: int = 0
    people: int = 0
    cases: int = 0
    stages: dict[str, int] = field(default_factory=dict)


@contextmanager
def on_day(day: datetime.date, hour: int = 10) -> Iterator[None]:
    """Run the block as if it were ``hour`` o'clock on ``day`` (UK time), so the services date what they write
    as they would have then. time-machine is a development dependency: the generator is a benchmark tool."""
    import time_machine

    moment = datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(moment, tick=False):
        yield


def _person(rng: random.Random, slug: str, role: str, n: int) -> tuple[str, str]:
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    return f"{role}.{n}.{slug}@{GENERATED_DOMAIN}", name


def _user(email: str, name: str, rng: random.Random) -> User:
    """No password (these accounts are for benchmarks, signed in by the bench itself) and a confirmed second
    factor with a key from the seed, as every account has one (the sign-in rule)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = people.user_create(actor=None, email=email, full_name=name, password=None)
    TOTPDevice.objects.create(user=user, name="generated", confirmed=True, key=rng.randbytes(20).hex())
    return user


def make_area(index: int, rng: random.Random) -> Area:
    place = f"{PLACES[index % len(PLACES)]}{'' if index < len(PLACES) else f' {index // len(PLACES) + 1}'}"
    slug = f"gen-{index + 1:03d}"
    p = people.partnership_create(
        actor=None, name=f"{place} Safeguarding Children Partnership", slug=slug, nation="england"
    )
    orgs = [
        people.organisation_create(actor=None, partnership=p, name=f"{place} {name}", kind=kind)
        for name, kind in ORGANISATIONS
    ]
    la, police, icb = orgs[0], orgs[1], orgs[2]

    def member(role: Role, n: int, org: Organisation | None) -> User:
        user = _user(*_person(rng, slug, role.value, n), rng=rng)
        people.membership_add(actor=None, user=user, partnership=p, role=role.value, organisation=org)
        return user

    manager = member(Role.BUSINESS_MANAGER, 1, la)
    deciders = (
        member(Role.DECISION_MAKER_LA, 1, la),
        member(Role.DECISION_MAKER_POLICE, 1, police),
        member(Role.DECISION_MAKER_ICB, 1, icb),
    )
    scrutineer = member(Role.SCRUTINEER, 1, None)
    reviewer = member(Role.REVIEWER, 1, None)
    area = Area(p, WorkingCalendar(p.nation), manager, deciders, scrutineer, reviewer=reviewer)
    for n, org in enumerate(orgs[3:], start=1):
        area.contributors.append((org, member(Role.AGENCY_CONTRIBUTOR, n, org)))
    return area


def make_panel(rng: random.Random) -> list[User]:
    panel = []
    for n in range(1, 4):
        user = _user(f"panel.{n}@{GENERATED_DOMAIN}", f"{rng.choice(FIRST)} {rng.choice(LAST)}", rng)
        people.membership_add(actor=None, user=user, partnership=None, role=Role.PANEL_MEMBER.value)
        panel.append(user)
    return panel


# What the partners decide, in the proportions the Panel's annual reports describe roughly: most rapid reviews
# lead to no further review or a learning review; about a third to a local review; a few go national.
OUTCOMES = [("no_review", 40), ("local_review", 33), ("learning_review", 20), ("national_review", 7)]


class Builder:
    """Makes one case at a time, step by step, each step on its own working day, stopping at today."""

    def __init__(self, *, today: datetime.date, panel: list[User], rng: random.Random) -> None:
        self.today = today
        self.panel = panel
        self.rng = rng

    def build(self, area: Area, aware: datetime.date, n: int) -> Case | None:
        rng, cal = self.rng, area.calendar
        day = cal.roll_forward(aware)

        def at(working_days: int) -> datetime.date | None:
            """The working day ``working_days`` after awareness, or None when that is still to come."""
            d = cal.add_working_days(day, working_days)
            return d if d <= self.today else None

        nature, age_days, summary = INCIDENTS[rng.randrange(len(INCIDENTS))]
        child = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        m = area.manager
        # About one in six starts as an agency's referral that the business manager screens.
        if rng.random() < 0.17:
            org, contributor = rng.choice(area.contributors)
            with on_day(day):
                case = services.referral_submit(
                    actor=contributor,
                    partnership=area.partnership,
                    incident_date=day,
                    what_happened=summary,
                    who_was_harmed=f"Child, {max(age_days // 365, 0)}",
                    agency_knowledge=rng.choice(AGENCY_ANSWERS),
                    organisation=org,
                )
            screen_day = at(1)
            if screen_day is None:
                return case
            outcome = rng.choices(["notification", "learning_review", "no_further_action"], [2, 1, 3])[0]
            with on_day(screen_day):
                services.referral_screen(
                    actor=m, case=case, outcome=outcome, reasons="Screened against the serious case criteria."
                )
            return case  # a screened-in referral waits for its notification like the demo's
        late = rng.random() < 0.12  # now and then later than 5 working days, with the reason it needs
        sent_day = at(rng.randint(6, 9) if late else rng.randint(1, 4))
        with on_day(day):
            case = notify_case(
                m,
                area.partnership,
                f"Child {n}",
                summary,
                child,
                age_days + rng.randrange(60),
                day,
                None,
                nature=nature,
            )
        if sent_day is None:
            return case
        with on_day(sent_day):
            services.notification_record_sent(
                actor=m,
                case=case,
                sent_on=sent_day,
                panel_reference=f"SIN-{case.pk:06d}",
                partners_informed_on=sent_day,
                late_reason="The local authority learned of the abuse only when the police investigation began."
                if late
                else "",
            )
            case.refresh_from_db()
        # The rapid review: agencies asked for their summaries, most answer.
        ask_day = at(3)
        if ask_day is None:
            return case
        with on_day(ask_day):
            asked = [
                services.agency_request_create(
                    actor=m,
                    case=case,
                    organisation=org,
                    contributor=who,
                    shared_facts=summary,
                    questions="What contact did your agency have with the child and family?",
                )
                for org, who in rng.sample(area.contributors, rng.randint(2, len(area.contributors)))
            ]
            services.episode_add(
                actor=m,
                case=case,
                date=cal.add_working_days(day, -rng.randint(10, 200)),
                agency="Health visiting",
                what_happened="A contact where the other adults in the household were not asked about.",
                analysis="A missed chance to understand who was caring for the child.",
            )
        answer_day = at(rng.randint(5, 9))
        if answer_day is None:
            return case
        with on_day(answer_day):
            for request in asked:
                if rng.random() < 0.85:
                    services.agency_request_respond(
                        actor=request.contributor, agency_request=request, response=rng.choice(AGENCY_ANSWERS)
                    )
        decide_day = at(rng.randint(10, 12))
        if decide_day is None:
            return case
        outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
        with on_day(decide_day):
            case.refresh_from_db()
            criteria = CRITERIA_NOT_MET if outcome == "no_review" else CRITERIA_YES
            ready_for_decision(m, case, outcome, criteria, "Weighed against the criteria in regulation 11.")
        vote_day = at(rng.randint(11, 13))
        if vote_day is None:
            return case
        with on_day(vote_day):
            if rng.random() < 0.1:  # the partners disagree: the scrutineer advises, the majority decides
                la, police, icb = area.deciders
                other = "learning_review" if outcome != "learning_review" else "no_review"
                services.decision_record_vote(actor=la, case=case, option=outcome, rationale="The criteria are met.")
                services.decision_record_vote(actor=police, case=case, option=other, rationale="Learning is known.")
                services.decision_record_vote(actor=icb, case=case, option="national_review" if outcome == "no_review"
                                              else "no_review", rationale="Single-agency issue.")  # fmt: skip
                services.decision_record_scrutineer_advice(
                    actor=area.scrutineer, case=case, advice="The criteria in regulation 11 point one way."
                )
                services.decision_record_vote(actor=police, case=case, option=outcome, rationale="Persuaded.")
                services.decision_close_by_majority(actor=m, case=case, rationale="The majority decides.")
            else:
                for who in area.deciders:
                    services.decision_record_vote(
                        actor=who, case=case, option=outcome, rationale="Weighed against regulation 11."
                    )
        send_day = at(rng.choice([13, 14, 14, 15, 17]))
        if send_day is None:
            return case
        with on_day(send_day):
            case.refresh_from_db()
            services.family_communication_record(
                actor=m, case=case, told_on=send_day, method="letter", told_by="The family's social worker"
            )
            services.rapid_review_record_sent(actor=m, case=case, sent_on=send_day)
        respond_day = at(rng.randint(18, 30))
        if respond_day is None:
            return case
        challenge = outcome in ("no_review", "learning_review") and rng.random() < 0.08
        with on_day(respond_day):
            case.refresh_from_db()
            services.panel_response_record(
                actor=rng.choice(self.panel),
                case=case,
                response="challenge" if challenge else "agree",
                national_review="yes" if outcome == "national_review" else "no",
                responded_on=respond_day,
                reasons="Please consider a local review: multi-agency oversight is a national theme."
                if challenge
                else "",
            )
        if challenge:
            again = at(rng.randint(32, 40))
            if again is None:
                return case
            with on_day(again):
                case.refresh_from_db()
                services.decision_record_scrutineer_advice(
                    actor=area.scrutineer, case=case, advice="The Panel's challenge deserves a local review."
                )
                for who in area.deciders:
                    services.decision_record_vote(actor=who, case=case, option="local_review", rationale="Agreed.")
                services.decision_send_justification(
                    actor=m, case=case, justification="The partners met again and decided on a local review."
                )
            return case
        if outcome == "local_review":
            self._publish(area, case, at)
        return case

    def _publish(self, area: Area, case: Case, at: Callable[[int], datetime.date | None]) -> None:
        """About six months' work later, most local reviews publish (Working Together 2023 ch.5: the report
        goes to the Panel and the Secretary of State 7 working days before it is published), through the review
        app's chain and publication plan (``PUBLISHERS``)."""
        sent = at(self.rng.randint(125, 170))
        published = at(self.rng.randint(180, 200))
        if sent is None or published is None or self.rng.random() < 0.2:
            return
        # A report of several pages, its findings drawn from the seed, so each is its own document and the
        # library's themes have something to find.
        parts = ["Findings", " ".join(self.rng.sample(FINDINGS, 3))]
        for n in range(self.rng.randint(3, 8)):
            parts += [f"{n + 1}. Key practice episode", " ".join(self.rng.sample(FINDINGS, 4))]
        text = "\n\n".join(parts)
        for publisher in PUBLISHERS.values():
            case.refresh_from_db()
            publisher(area=area, case=case, report_text=text, sent_on=sent, published_on=published)


FINDINGS = [
    "Information about a new partner's history of violence was held by police but not shared with health visiting.",
    "Bruising in a non-mobile baby was explained away and the protocol for such bruising was not followed.",
    "Missed health appointments were not followed up and nobody asked who else lived in the household.",
    "The child's voice was not heard: practitioners spoke to the parents and never to the child alone.",
    "Escalation between agencies stalled when professionals disagreed about the level of risk.",
    "Exploitation reports and missing episodes were held by different agencies and never joined up.",
    "Parental mental health and alcohol use were known but their effect on the baby's care was not assessed.",
    "The school raised concerns about attendance that children's social care did not connect to the history.",
]


def generate(
    *,
    scale: Scale,
    seed: int = 2026,
    today: datetime.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Fill the database with ``scale``. Refuses a database that already holds generated records, so a second
    run cannot double them (run ``cspr flush`` or use a fresh database)."""
    if User.objects.filter(email__endswith=f"@{GENERATED_DOMAIN}").exists():
        raise ValidationFailed("This database already holds generated records: use an empty one.")
    today = today or timezone.localdate()
    rng = random.Random(seed)
    report = Report()
    with transaction.atomic():
        areas = [make_area(i, rng) for i in range(scale.partnerships)]
        panel = make_panel(rng)
    report.partnerships = len(areas)
    report.people = User.objects.filter(email__endswith=f"@{GENERATED_DOMAIN}").count()
    builder = Builder(today=today, panel=panel, rng=rng)
    span = scale.years * 365
    for n in range(scale.cases):
        # Evenly spread over the decade, the newest last, each in a partnership taken in turn.
        aware = today - datetime.timedelta(days=span - (n * span) // scale.cases)
        area = areas[n % len(areas)]
        with transaction.atomic():
            builder.build(area, aware, n + 1)
        if progress is not None:
            progress(1)
    for step in registry.GENERATOR_STEPS.values():
        step(today, rng)
    # DESIGN.md rule 8: the stored clocks say what is due today, not on the day each step was taken.
    for case in Case.objects.filter(partnership__in=[a.partnership for a in areas]).iterator():
        clocks_recompute(case=case)
    report.cases = Case.objects.filter(partnership__in=[a.partnership for a in areas]).count()
    for state in CaseState:
        count = Case.objects.filter(partnership__in=[a.partnership for a in areas], state=state).count()
        if count:
            report.stages[str(state.label)] = count
    return report

"""Demo action plans (the README's first command; "keep the demo showing every state"), made through the services:
Child L's published review with one recommendation closed on accepted evidence and re-audit results, one action
whose evidence waits to be accepted, and one open and overdue; Child R's signed-off review with evidence sent
back."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from cspr.learning import services
from cspr.learning.models import Action
from cspr.partnerships.models import Organisation, Partnership, User
from cspr.reviews.models import LocalReview, Recommendation
from cspr.reviews.publication import signed_off_version

DEMO = "demo.cspr.test"


def _user(local: str) -> User:
    return User.objects.get(email=f"{local}@{DEMO}")


def load_demo_actions(*, partnerships: dict[str, Partnership], today: datetime.date) -> None:
    p = partnerships["northshire-riverside"]
    if Action.objects.filter(partnership=p).exists():
        return  # loaded before
    m, la, health = _user("manager"), _user("la.decider"), _user("health.contributor")
    trust = Organisation.objects.get(partnership=p, name="Northshire Hospitals NHS Foundation Trust")
    today = timezone.localdate()

    def plan_of(pseudonym: str) -> list[Recommendation]:
        review = LocalReview.objects.filter(partnership=p, case__pseudonym=pseudonym).first()
        version = signed_off_version(review) if review else None
        return list(version.recommendations.all()) if version else []

    def action(rec: Recommendation, what: str, due: int, indicator: str, baseline: str, target: str) -> Action:
        return services.action_create(
            actor=m, recommendation=rec, what=what, organisation=trust, owner=health,
            due_on=today + datetime.timedelta(days=due), indicator=indicator, unit="%", baseline=baseline,
            target=target, reaudit_on=today + datetime.timedelta(days=max(due, 0) + 90),
        )  # fmt: skip

    recs = plan_of("Child L")
    if len(recs) >= 3:
        done = action(recs[0], "Health visitors receive police domestic abuse call-outs within a day.", -20,
                      "Call-outs shared with health visiting within a day", "35", "90")  # fmt: skip
        services.evidence_submit(actor=health, action=done, note="Daily notification in place since May; audit of 40.")
        services.evidence_decide(actor=la, evidence=done.evidence.get(), accepted=True)
        for days, value in ((60, Decimal("62")), (10, Decimal("88"))):
            services.result_record(
                actor=health, action=done, measured_on=today - datetime.timedelta(days=days), value=value
            )
        services.recommendation_close(
            actor=m, recommendation=recs[0], closed_on=today,
            impact_statement="Call-outs reach health visiting within a day in 88% of cases (35% before); two "
            "babies were seen the same week as a call-out.",
        )  # fmt: skip
        waiting = action(recs[1], "Book interpreters for every assessment where English is a second language.", 30,
                         "Assessments with an interpreter booked when needed", "50", "100")  # fmt: skip
        services.evidence_submit(actor=health, action=waiting, note="Booking added to the assessment checklist.")
        action(recs[2], "Multi-agency training on the adults around a baby.", -5,
               "Staff trained", "0", "80")  # overdue, no evidence yet  # fmt: skip
    recs = plan_of("Child R")
    if recs:
        back = action(recs[0], "Audit the disabled children's team's supervision records.", 45,
                      "Cases with monthly supervision recorded", "40", "95")  # fmt: skip
        services.evidence_submit(actor=health, action=back, note="Supervision policy reissued.")
        services.evidence_decide(
            actor=m, evidence=back.evidence.get(), accepted=False,
            reason="The policy is not evidence that supervision happens: send the audit of records.",
        )  # fmt: skip

"""Is an incident notifiable, and what follows? Criterion by criterion (DOMAIN.md step 2; Children Act 2004
s16C; Working Together 2023 ch.5)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cspr.cases.models import Child, Notification


@dataclass(frozen=True)
class Criterion:
    label: str
    met: bool | None  # None: not yet answered
    explanation: str


@dataclass(frozen=True)
class Eligibility:
    criteria: list[Criterion] = field(default_factory=list)
    notifiable: bool = False
    rapid_review_needed: bool = False
    route: str = ""
    what_follows: str = ""
    complete: bool = False


def assess(notification: Notification, children: Sequence[Child] = ()) -> Eligibility:
    """Assess a notification's answers. Unanswered questions leave the result incomplete, never guessed."""
    n = notification
    abuse = {"known": True, "suspected": True, "not_suspected": False}.get(n.abuse_or_neglect or "")
    harm = {"death": True, "serious_harm": True, "other": False}.get(n.nature or "")
    where: bool | None
    if n.in_area is True or n.resident_harmed_outside_england:
        where = True
    elif n.in_area is False:
        where = False
    else:
        where = None
    criteria = [
        Criterion(
            "Abuse or neglect is known or suspected",
            abuse,
            "Answer whether abuse or neglect is known or suspected."
            if abuse is None
            else (
                "Abuse or neglect is " + n.get_abuse_or_neglect_display().lower() + "."
                if abuse
                else "Abuse or neglect is neither known nor suspected."
            ),
        ),
        Criterion(
            "The child has died or been seriously harmed",
            harm,
            "Answer whether the child died or was seriously harmed."
            if harm is None
            else (
                "The child "
                + (
                    "died."
                    if n.nature == "death"
                    else "was seriously harmed (including serious or "
                    "long-term impairment of health or development, even if the child recovers)."
                )
                if harm
                else "The incident was neither a death nor serious harm."
            ),
        ),
        Criterion(
            "It happened in the local authority's area, or to a child normally resident there who was "
            "harmed outside England",
            where,
            "Say where it happened."
            if where is None
            else ("Yes." if where else "No: the local authority where it happened notifies instead."),
        ),
    ]
    serious_case = abuse is True and harm is True and where is True
    looked_after = bool(n.looked_after_child_death)
    care_leaver = bool(n.care_leaver_death) and (n.care_leaver_age is None or n.care_leaver_age <= 24)
    criteria.append(
        Criterion(
            "Death of a looked-after child (notifiable even without suspected abuse)",
            looked_after,
            "Yes: also notify the Secretary of State and Ofsted." if looked_after else "No.",
        )
    )
    criteria.append(Criterion("Death of a care leaver aged 24 or under", care_leaver, "Yes." if care_leaver else "No."))
    complete = None not in (abuse, harm, where)
    care_leaver_under_18 = care_leaver and n.care_leaver_age is not None and n.care_leaver_age < 18
    if serious_case:
        return Eligibility(
            criteria,
            True,
            True,
            "serious_case",
            "This is a serious child safeguarding case. Notify the Panel within 5 working days of "
            "becoming aware, tell the safeguarding partners, and start a rapid review: it is due 15 "
            "working days after the notification is sent.",
            complete,
        )
    if looked_after:
        return Eligibility(
            criteria,
            True,
            abuse is True and harm is True,
            "looked_after_death",
            "Notify the death of a looked-after child to the Secretary of State and Ofsted. A rapid "
            "review is needed only if the serious case criteria are also met.",
            complete,
        )
    if care_leaver:
        return Eligibility(
            criteria,
            True,
            care_leaver_under_18 or (abuse is True and harm is True),
            "care_leaver_death",
            "Notify the death of the care leaver. No rapid review is needed unless the criteria for "
            "a serious child safeguarding case are met or the young person was under 18.",
            complete,
        )
    if not complete:
        return Eligibility(
            criteria,
            False,
            False,
            "incomplete",
            "Answer the questions above to see whether the incident is notifiable.",
            False,
        )
    return Eligibility(
        criteria,
        False,
        False,
        "not_notifiable",
        "This incident is not notifiable. The partnership may still choose a multi-agency learning "
        "review if it shows good practice, poor practice or a near miss.",
        True,
    )

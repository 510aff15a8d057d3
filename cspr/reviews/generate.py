"""The local review's part of ``cspr generate`` (bench data at national scale; DOMAIN.md steps 6 to 10): a
generated case at the local review is carried through its review and its publication plan by the same services
a person would use, each group of steps on the day it happened (``cspr.cases.generate.on_day``). Registered with
``cspr.cases.generate.register_publisher`` from ``ReviewsConfig.ready()``."""

from __future__ import annotations

import datetime
from typing import Any

from cspr.cases.models import Case
from cspr.reviews import publication, services
from cspr.reviews.models import LocalReview
from cspr.reviews.rules import COMPETENCES


def generate_publication(
    *, area: Any, case: Case, report_text: str, sent_on: datetime.date, published_on: datetime.date
) -> None:
    from cspr.cases.generate import on_day

    review = LocalReview.objects.filter(case=case).first()
    if review is None or area.reviewer is None:
        return
    m, reviewer = area.manager, area.reviewer
    with on_day(sent_on):
        services.review_commission(
            actor=m, review=review, reviewer=reviewer,
            competences={code: {"answer": "yes", "evidence": "Checked by the group."} for code, _ in COMPETENCES},
            conflict="none", commissioned_on=sent_on,
        )  # fmt: skip
        services.review_notice_record(actor=m, review=review, recipients=["panel", "ofsted", "dfe"], sent_on=sent_on)
        services.review_terms_agree(
            actor=m, review=review, period_from=sent_on - datetime.timedelta(days=500),
            period_to=sent_on - datetime.timedelta(days=200), lines_of_enquiry="How agencies shared what they knew.",
            agencies="Children's social care\nPolice\nHealth", method="systems",
            child_and_family="The family were invited to contribute.", agreed_on=sent_on,
        )  # fmt: skip
        services.review_briefing_record(actor=m, review=review, held_on=sent_on, attended="All agencies")
        services.review_start(actor=m, review=review)
        services.review_draft_share(actor=reviewer, review=review, text="First draft.")
        services.review_final_submit(
            actor=reviewer, review=review, text=report_text,
            findings="Agencies held parts of the picture that no one brought together.",
            recommendations=[{"what": "Agencies share what they know within a day.", "owner": "The partnership",
                              "due_on": sent_on + datetime.timedelta(days=180)}],
        )  # fmt: skip
        services.review_sign_off(
            actor=area.deciders[0], review=review, signed_off_by="Assurance group", signed_off_on=sent_on
        )
        plan = publication.publication_plan(
            actor=m, review=review, mode="full", reviewer_name="An independent reviewer"
        )
        services.review_mark_ready(actor=m, review=review)
        for recipient in ("panel", "secretary_of_state", "ofsted"):
            publication.publication_copy_record(
                actor=m, review=review, recipient=recipient, what="full_report", sent_on=sent_on, how="secure_email"
            )
        publication.redaction_decide(
            actor=m, review=review, decisions={f.pk: ("accepted", f.replacement) for f in plan.findings.all()}
        )
    with on_day(published_on):
        publication.publication_publish(actor=m, review=review, published_on=published_on)
        # The copy to the NSPCC repository goes the same day (nspcc-copy), the review's last step.
        publication.publication_copy_record(
            actor=m, review=review, recipient="nspcc", what="", sent_on=published_on, how="portal"
        )

"""How PostgreSQL polices the review tables (cspr.core.rowsecurity; docs/operations.md, "The second wall"): a
review is its partnership's, as its case is; every record of a review follows its review. Which of those the
reviewer reads (their review only) stays the visibility policy's (cspr/reviews/visibility.py): this wall is
coarser, and catches a query that forgot its scope. The Panel reads no review table."""

from cspr.core.rowsecurity import partnership, through

_REVIEW = "reviews_localreview"

POLICIES = {
    _REVIEW: partnership(),
    **{
        f"reviews_{name}": through("review_id", _REVIEW)
        for name in (
            "reviewnotice",
            "termsofreference",
            "briefing",
            "parallelprocess",
            "delay",
            "involvement",
            "checkpoint",
            "writtenrequest",
            "reportversion",
            "publication",
            "pseudonymentry",
        )
    },
    # The public page and the public's requests for a report read and write these in the system scope, through
    # a selector and a service that name exactly what the public may see (published reviews) and do.
    **{
        f"reviews_{name}": through("publication_id", "reviews_publication")
        for name in ("publicationcopy", "redactionfinding", "reportrequest")
    },
    "reviews_nationalreview": partnership(),
    "reviews_nationalreviewexchange": through("national_review_id", "reviews_nationalreview"),
    "reviews_draftcomment": through("version_id", "reviews_reportversion"),
    "reviews_recommendation": through("version_id", "reviews_reportversion"),
}

from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "cspr.reviews"
    label = "reviews"
    verbose_name = "Local reviews"

    def ready(self) -> None:
        # The case app lets the review act through explicit hooks (DESIGN.md: imports run one way): a case
        # entering the local review opens one; its holds and delays move the six-month clock; the case page
        # shows the review's stage and link; home lists the review's tasks; the demo has a review in each state.
        from cspr.cases.clocks import register_clock_adjuster
        from cspr.cases.generate import register_publisher
        from cspr.cases.models import CaseState
        from cspr.cases.sections import register_case_section
        from cspr.cases.state import register_move_guard, register_stage_entered
        from cspr.core import registry
        from cspr.reviews import registrations
        from cspr.reviews.generate import generate_publication

        register_stage_entered("reviews", registrations.open_review_on_entering_local_review)
        register_move_guard(CaseState.PUBLISHED, "reviews", registrations.case_publication_guard)
        register_publisher("reviews", generate_publication)
        register_clock_adjuster("reviews", registrations.clock_adjustments)
        register_case_section("reviews", registrations.case_section)
        registry.register_task_source("reviews", registrations.review_tasks)
        registry.register_demo_loader("reviews", registrations.demo_reviews)

from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "cspr.learning"
    label = "learning"
    verbose_name = "Learning and improvement"

    def ready(self) -> None:
        # The earlier apps let the learning stage act through explicit hooks (DESIGN.md: imports run one way): the
        # case page shows the review's action plan, and home lists the actions waiting for each person.
        from cspr.cases.sections import register_case_section
        from cspr.core import registry
        from cspr.learning import registrations

        register_case_section("learning", registrations.case_section)
        registry.register_task_source("learning", registrations.action_tasks)
        registry.register_demo_loader("learning", registrations.demo_actions)

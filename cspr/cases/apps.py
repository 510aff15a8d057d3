from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cspr.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        # The earlier apps' commands and the home page run what later apps register (imports run one way).
        from cspr.cases import registrations
        from cspr.core import registry

        registry.register_daily_job("reminders", registrations.daily_reminders)
        registry.register_daily_job("attachment-files-sweep", registrations.sweep_orphan_attachment_files)
        registry.register_file_rotation("attachments", registrations.rotate_attachment_files)
        registry.register_demo_loader("cases", registrations.demo_cases)
        registry.register_home_panel("cases", registrations.home_panel)
        # Issue 12: the chain's tasks for each person, the e-mails when one is given, and the daily digest. The
        # digest covers every app's tasks; it is registered here because the chain is the first app with any.
        registry.register_task_source("cases", registrations.case_tasks)
        registry.register_write_listener("task-emails", registrations.task_emails_after_write)
        registry.register_daily_job("task-digests", registrations.daily_task_digests)

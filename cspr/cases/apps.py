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
        registry.register_file_rotation("attachments", registrations.rotate_attachment_files)
        registry.register_demo_loader("cases", registrations.demo_cases)
        registry.register_home_panel("cases", registrations.home_panel)

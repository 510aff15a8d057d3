from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cspr.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Registers the system check that stops production starting without an upload malware scanner.
        from cspr.core import scanner  # noqa: F401

from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "cspr.library"
    label = "library"
    verbose_name = "Review library"

    def ready(self) -> None:
        from cspr.core import registry
        from cspr.library.registrations import daily_retention

        registry.register_daily_job("library-retention", daily_retention)

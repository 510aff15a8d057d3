from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cspr.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Registers the system check that stops production starting without an upload malware scanner.
        # PostgreSQL's row-level security is (re)installed after every migrate (cspr/core/rowsecurity.py), and a
        # new connection takes the scope in force (cspr/core/dbscope.py registers its receiver on import).
        from django.db.models.signals import post_migrate

        from cspr.core import (
            dbscope,  # noqa: F401
            scanner,  # noqa: F401
        )
        from cspr.core.rowsecurity import on_post_migrate

        post_migrate.connect(on_post_migrate, dispatch_uid="cspr.core.rowsecurity")

from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "cspr.library"
    label = "library"
    verbose_name = "Review library"

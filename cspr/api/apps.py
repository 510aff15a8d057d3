from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cspr.api"
    label = "api"
    verbose_name = "JSON API"

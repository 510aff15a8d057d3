from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "cspr.web"
    label = "web"
    verbose_name = "Web pages"

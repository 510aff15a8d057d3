from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "cspr.partnerships"
    label = "partnerships"
    verbose_name = "Partnerships and people"

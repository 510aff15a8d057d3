"""Library pages (public search, reports, themes). Mounted at the site root by cspr/urls.py."""

from django.urls import URLPattern

app_name = "library"

urlpatterns: list[URLPattern] = []

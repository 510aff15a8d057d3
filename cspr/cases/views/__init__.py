"""The case pages, one module a step of the chain (DOMAIN.md steps 1 to 10); cspr/cases/urls.py maps them."""

"""Tenancy-walk rules contributed by apps that register their own URLs (see tests/test_tenancy_walk.py)."""

from tests.cases.api_tenancy_rules import CASES_API_RULES
from tests.cases.tenancy_rules import CASES_RULES
from tests.learning.tenancy_rules import LEARNING_RULES
from tests.library.tenancy_rules import LIBRARY_RULES
from tests.reviews.tenancy_rules import REVIEWS_RULES

EXTRA_RULES = {**LIBRARY_RULES, **CASES_RULES, **CASES_API_RULES, **REVIEWS_RULES, **LEARNING_RULES}

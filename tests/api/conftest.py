"""The case workflow's people, shared with tests/cases."""

from tests.cases.conftest import chain  # noqa: F401

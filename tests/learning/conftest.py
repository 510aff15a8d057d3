"""The review tests' people (every role of the chain, a commissioned reviewer's seat): action plans start from a
signed-off review."""

from tests.reviews.conftest import chain, people

__all__ = ["chain", "people"]

"""API authentication: a personal bearer token acts with exactly its owner's memberships, so the API sees
what the owner's pages would show and no more (issue: API skeleton)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from cspr.partnerships.middleware import request_acts_as
from cspr.partnerships.models import User
from cspr.partnerships.services import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_authenticate(token)
        if user is None:
            return None
        request_acts_as(request, user)
        return user

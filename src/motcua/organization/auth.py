"""API authentication: personal Bearer tokens, or the browser session."""

from __future__ import annotations

from ninja.security import HttpBearer, SessionAuth

from motcua.organization.services import api_token_authenticate


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class OptionalAuth(HttpBearer):
    """Lets anonymous callers through; sets request.user when a token is valid."""

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            user = api_token_authenticate(header.split(" ", 1)[1].strip())
            if user is not None:
                request.user = user
        return True

    def authenticate(self, request, token):  # pragma: no cover - __call__ does the work
        return True


officer_auth = [BearerToken(), SessionAuth()]

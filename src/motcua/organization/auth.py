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


class CookieSession(SessionAuth):
    """The browser's session. A caller with no session (a program that forgot its token) is
    not this method's: it gets 401 "unauthenticated", not 403 "CSRF check Failed"."""

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)


officer_auth = [BearerToken(), CookieSession()]

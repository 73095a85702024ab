"""Sending invitations: the portal (above this app) registers its senders here from its
AppConfig.ready — the same outbox (``portal.Notification``, a background task, retries) that
tells applicants about their dossiers. Each sender gets (invitation, url, code) and returns
how many messages it queued."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from motcua.surveys import tokens

INVITERS: list = []


def link(token: str) -> str:
    base = getattr(settings, "MOTCUA_SITE_URL", "").rstrip("/")
    return base + reverse("surveys:invitation", args=[token])


def send(invitation, token: str) -> int:
    url = link(token)
    return sum(sender(invitation, url, tokens.grouped(token)) for sender in INVITERS)

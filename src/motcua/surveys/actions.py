"""A survey campaign's actions described once (``core.actions``): the statuses each is
allowed from, where it leads, who may perform it, the service and the ledger event. The
campaign services ask this registry before a change (409 ``transition_not_allowed``), the
campaign page offers its buttons from it and the API mounts one endpoint per action."""

from __future__ import annotations

from motcua.core.actions import ActionRegistry, ActionSpec
from motcua.organization.models import Role
from motcua.surveys import events
from motcua.surveys.models import CampaignStatus

ROLES = frozenset({Role.REFORM_OFFICER, Role.PROVINCE_ADMIN})
RULE = "cán bộ cải cách hành chính hoặc quản trị tỉnh"

CAMPAIGN_ACTIONS = ActionRegistry(
    "đợt khảo sát",
    CampaignStatus.values,
    lambda status: str(CampaignStatus(status).label),
)


def _perform(name: str):
    def perform(actor, campaign, body=None, files=None):
        from motcua.surveys import services

        return getattr(services, name)(actor=actor, campaign=campaign)

    return perform


CAMPAIGN_ACTIONS.register(
    ActionSpec(
        code="draw",
        label="Rút mẫu và tạo lời mời",
        allowed_from=(CampaignStatus.DRAFT,),
        leads_to=CampaignStatus.DRAWN,
        roles=ROLES,
        unit_rule=RULE,
        perform=_perform("campaign_draw"),
        event=events.CAMPAIGN_DRAWN,
    )
)
CAMPAIGN_ACTIONS.register(
    ActionSpec(
        code="send",
        label="Gửi lời mời (thư, SMS)",
        allowed_from=(CampaignStatus.DRAWN,),
        leads_to="=",
        roles=ROLES,
        unit_rule=RULE,
        perform=_perform("campaign_send"),
        event=events.CAMPAIGN_SENT,
    )
)
CAMPAIGN_ACTIONS.register(
    ActionSpec(
        code="close",
        label="Kết thúc đợt",
        allowed_from=(CampaignStatus.DRAFT, CampaignStatus.DRAWN),
        leads_to=CampaignStatus.CLOSED,
        roles=ROLES,
        unit_rule=RULE,
        perform=_perform("campaign_close"),
        event=events.CAMPAIGN_CLOSED,
    )
)

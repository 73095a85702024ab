from django.conf import settings

from motcua.organization.permissions import user_roles


def site(request):
    """The province's name, and the roles of the signed-in user (what the menu offers)."""
    user = getattr(request, "user", None)
    roles = {r.role for r in user_roles(user)} if user is not None else set()
    return {"PROVINCE_NAME": settings.MOTCUA["PROVINCE_NAME"], "MY_ROLES": roles}

from motcua.organization.permissions import user_roles


def roles(request):
    """The roles of the signed-in user (what the menu offers)."""
    user = getattr(request, "user", None)
    return {"MY_ROLES": {r.role for r in user_roles(user)} if user is not None else set()}

"""Django admin access by our roles (not by Django's per-model permissions)."""

from motcua.organization.models import Role
from motcua.organization.permissions import has_role


class RoleAdminMixin:
    """Who may see and edit a model in the admin: holders of ``admin_roles`` (superusers too)."""

    admin_roles: tuple[str, ...] = (Role.PROVINCE_ADMIN,)
    read_roles: tuple[str, ...] = (Role.INSPECTOR,)

    def _can_write(self, request) -> bool:
        return (
            request.user.is_active
            and request.user.is_staff
            and has_role(request.user, self.admin_roles)
        )

    def has_module_permission(self, request):
        return self._can_write(request) or (
            request.user.is_staff and has_role(request.user, self.read_roles)
        )

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, *args):
        return self._can_write(request)

    def has_change_permission(self, request, obj=None):
        return self._can_write(request)

    def has_delete_permission(self, request, obj=None):
        return self._can_write(request)

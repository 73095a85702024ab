"""Django admin pages whose every add, change and delete goes through a service.

Our services check the actor's role and record the ledger event in the same transaction;
the admin's own ``save_model``/``delete_model``/``save_formset`` would write the rows
directly and leave no history. A ``ModelAdmin`` with this mixin names its services:

* ``save_service(*, actor, instance, created, changed)`` for the add and change forms,
* ``delete_service(*, actor, instance)`` for the delete page and the "delete selected" action,
* ``parts_service(*, actor, parent, saved, changed, deleted)`` for the inline rows.

A page without a service for one of them does not offer that write. A domain error raised by
a service is shown as the admin's error message; nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponseRedirect

from motcua.core.errors import CoreError, DomainError


class ServiceAdminMixin:
    save_service: Callable[..., Any] | None = None
    delete_service: Callable[..., Any] | None = None
    parts_service: Callable[..., Any] | None = None

    def _service(self, name: str) -> Callable[..., Any] | None:
        # read from the class: a plain function stored on it is not bound to the admin
        return getattr(type(self), name, None)

    # --- what the admin offers follows the services it has

    def has_add_permission(self, request, *args):
        return self._service("save_service") is not None and super().has_add_permission(
            request, *args
        )

    def has_change_permission(self, request, obj=None):
        return self._service("save_service") is not None and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return self._service("delete_service") is not None and super().has_delete_permission(
            request, obj
        )

    # --- the writes

    def save_model(self, request, obj, form, change):
        self._service("save_service")(
            actor=request.user, instance=obj, created=not change, changed=list(form.changed_data)
        )

    def delete_model(self, request, obj):
        self._service("delete_service")(actor=request.user, instance=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        saved = formset.save(commit=False)
        service = self._service("parts_service")
        if service is None:
            if saved or formset.deleted_objects:
                raise DomainError(
                    "Không sửa được các dòng chi tiết ở trang này.",
                    code=CoreError.ADMIN_PARTS_READ_ONLY,
                )
            return
        service(
            actor=request.user,
            parent=form.instance,
            saved=saved,
            changed={id(obj): fields for obj, fields in formset.changed_objects},
            deleted=list(formset.deleted_objects),
        )
        formset.save_m2m()

    # --- a refused write is a message, not a server error

    def _refused(self, request, error: DomainError):
        self.message_user(request, error.message, messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except DomainError as error:
            return self._refused(request, error)

    def delete_view(self, request, *args, **kwargs):
        try:
            return super().delete_view(request, *args, **kwargs)
        except DomainError as error:
            return self._refused(request, error)

    def changelist_view(self, request, *args, **kwargs):
        try:
            return super().changelist_view(request, *args, **kwargs)
        except DomainError as error:
            return self._refused(request, error)


class ReadOnlyAdminMixin:
    """Shown in the admin, written only by the services of its app (or never)."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInlineMixin(ReadOnlyAdminMixin):
    extra = 0
    can_delete = False

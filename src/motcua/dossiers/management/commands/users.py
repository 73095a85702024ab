"""`motcua users --role ROLE [--unit CODE]`: list accounts holding a role (at a unit)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from motcua.organization.models import Role, StaffRole, Unit


class Command(BaseCommand):
    help = "Liệt kê tài khoản theo vai trò (và đơn vị)."

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--unit", help="mã đơn vị")
        parser.add_argument("--limit", type=int, default=200)

    def handle(self, *args, role, unit, limit, **options):
        qs = (
            StaffRole.objects.filter(role=role, valid_to__isnull=True, user__is_active=True)
            .select_related("user", "unit")
            .order_by("unit__code", "user__username")
        )
        if unit:
            found = Unit.objects.filter(code=unit).first()
            if found is None:
                raise CommandError(f"Không có đơn vị {unit}.")
            qs = qs.filter(unit=found)
        rows = list(qs[:limit])
        for staff in rows:
            name = staff.user.get_full_name() or "-"
            self.stdout.write(
                f"{staff.user.username}\t{name}\t{staff.unit.code}\t{staff.unit.name}"
            )
        if not rows:
            self.stderr.write("Không có tài khoản nào.")

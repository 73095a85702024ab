"""`motcua token create --user USERNAME [--name NAME]` / `motcua token revoke --user U --prefix P`."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from motcua.organization.models import ApiToken
from motcua.organization.services import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "Tạo hoặc thu hồi mã truy cập API cá nhân (Bearer) của một tài khoản."
    # the system checks import every URL and the whole API (seconds): not needed for one row
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["create", "revoke", "list"])
        parser.add_argument("--user", required=True, help="tên đăng nhập")
        parser.add_argument("--name", default="Dòng lệnh", help="tên gợi nhớ của mã")
        parser.add_argument("--prefix", help="tiền tố của mã cần thu hồi")

    def handle(self, *args, verb, user, name, prefix, **options):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"Không có tài khoản {user}.")
        if verb == "create":
            _, raw = api_token_create(actor=account, user=account, name=name)
            self.stdout.write(raw)
            self.stderr.write(
                "Mã chỉ hiển thị một lần. Dùng: Authorization: Bearer <mã>", ending="\n"
            )
        elif verb == "list":
            for token in ApiToken.objects.filter(user=account).order_by("created_at"):
                state = "thu hồi" if token.revoked_at else "hiệu lực"
                self.stdout.write(f"{token.prefix}…\t{token.name}\t{state}")
        else:
            if not prefix:
                raise CommandError("Cần --prefix của mã cần thu hồi.")
            tokens = ApiToken.objects.filter(user=account, prefix=prefix, revoked_at__isnull=True)
            if not tokens:
                raise CommandError("Không tìm thấy mã đang hiệu lực với tiền tố này.")
            for token in tokens:
                api_token_revoke(actor=account, token=token)
            self.stdout.write(f"Đã thu hồi {len(tokens)} mã.")

from django.conf import settings
from django.core.management.base import BaseCommand

from motcua.demo.province import LOGINS_FILE

SHOWN = ("quantri", "danhmuc", "thanhtra", "motcua.tinh", "lanhdao.tinh", "cchc.snv",
         "chuyenvien.sxd", "lanhdao.sxd", "motcua.xm001", "chuyenvien.xm001", "lanhdao.xm001",
         "congdan@example.vn")  # fmt: skip


class Command(BaseCommand):
    help = "In các tài khoản đăng nhập của tỉnh mẫu."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="in tất cả tài khoản")

    def handle(self, *args, **options):
        path = settings.VAR_DIR / LOGINS_FILE
        if not path.exists():
            self.stdout.write("Chưa có tài khoản mẫu (chạy `motcua demo`).")
            return
        lines = path.read_text().splitlines()
        site = settings.MOTCUA_SITE_URL.rstrip("/")
        self.stdout.write(f"Đăng nhập tại {site}/dang-nhap/ với các tài khoản mẫu:")
        self.stdout.write(lines[0])
        for line in lines[2:]:
            if options["all"] or line.split()[0] in SHOWN:
                self.stdout.write("  " + line)
        if not options["all"]:
            self.stdout.write(
                f"  … tất cả {len(lines) - 2} tài khoản: `motcua logins --all` hoặc {path}"
            )
        if settings.MOTCUA_REQUIRE_OTP:
            self.stdout.write(
                "Tài khoản quản trị (quantri, danhmuc …) cần xác thực hai bước: lần đăng nhập "
                "đầu tiên hiện khóa bí mật để thêm vào ứng dụng xác thực (TOTP)."
            )
        else:
            self.stdout.write(
                "Xác thực hai bước đang tắt (MOTCUA_REQUIRE_OTP=0): chỉ dùng khi phát triển."
            )

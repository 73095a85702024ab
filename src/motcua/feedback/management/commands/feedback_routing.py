"""`motcua feedback_routing`: top-1/top-3 accuracy of the routing suggestion on a held-out
split of the routed items (e.g. the demo's)."""

from django.core.management.base import BaseCommand

from motcua.core.formats import vn_number
from motcua.feedback.routing import evaluate


class Command(BaseCommand):
    help = "Đo độ chính xác gợi ý phân loại phản ánh (top-1, top-3) trên phần dữ liệu giữ lại."

    def add_arguments(self, parser):
        parser.add_argument("--share", type=float, default=0.2, help="tỷ lệ giữ lại để kiểm tra")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options):
        r = evaluate(share=options["share"], seed=options["seed"])
        pct = {k: vn_number(100 * r[k], 1) for k in ("unit1", "unit3", "field1", "field3")}
        self.stdout.write(
            f"Huấn luyện {r['train']}, kiểm tra {r['test']} phản ánh đã chuyển. "
            f"Đơn vị: top-1 {pct['unit1']}%, top-3 {pct['unit3']}%. "
            f"Lĩnh vực: top-1 {pct['field1']}%, top-3 {pct['field3']}%."
        )

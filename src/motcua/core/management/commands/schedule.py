from django.core.management.base import BaseCommand

from motcua.core.schedule import DAILY_JOBS, SELF_SCHEDULED, schedule_all


class Command(BaseCommand):
    help = "Xếp lịch các việc định kỳ hằng ngày (nhắc hạn, cảnh báo hồ sơ sắp quá hạn, kiểm tra sổ cái)."

    def handle(self, *args, **options):
        queued = schedule_all()
        self.stdout.write(
            f"Việc định kỳ: {len(DAILY_JOBS) + len(SELF_SCHEDULED)} việc; xếp lịch mới {len(queued)} việc."
        )

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Chạy máy chủ web (mặc định http://127.0.0.1:8000)."

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000")
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, **options):
        call_command("runserver", f"{options['host']}:{options['port']}", use_reloader=False)

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "motcua.imports"
    verbose_name = "Nhập lịch sử hồ sơ"

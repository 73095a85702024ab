from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "motcua.surveys"
    label = "surveys"
    verbose_name = "Đánh giá sự hài lòng"

    def ready(self):
        from motcua.dossiers.printed import SLIP_EXTRAS
        from motcua.surveys import events  # noqa: F401 - registers the event actions
        from motcua.surveys.campaign_views import slip_qr

        if slip_qr not in SLIP_EXTRAS:
            SLIP_EXTRAS.append(slip_qr)

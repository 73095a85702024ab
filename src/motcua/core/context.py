from django.conf import settings


def site(request):
    return {"PROVINCE_NAME": settings.MOTCUA["PROVINCE_NAME"]}

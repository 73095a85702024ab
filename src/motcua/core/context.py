from django.conf import settings


def site(request):
    """The province's name on every page."""
    return {"PROVINCE_NAME": settings.MOTCUA["PROVINCE_NAME"]}

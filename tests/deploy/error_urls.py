"""The site's URLs plus one view that fails, for the error-reporting test."""

from django.urls import path

from motcua.urls import urlpatterns as site


def fail(request):
    raise RuntimeError("hỏng có chủ đích")


urlpatterns = [path("hong/", fail), *site]

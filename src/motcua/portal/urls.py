from django.urls import path

from motcua.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedures, name="procedures"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure"),
]

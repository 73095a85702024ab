from django.urls import path

from motcua.reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.public, name="public"),
    path("xuat-excel/", views.public_excel, name="public_excel"),
]

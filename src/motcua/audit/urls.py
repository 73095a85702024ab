from django.urls import path

from motcua.audit import integrity_views

app_name = "audit"

urlpatterns = [
    path("kiem-tra/", integrity_views.findings_page, name="findings"),
    path("kiem-tra/phat-hien.xlsx", integrity_views.findings_excel, name="findings_excel"),
]

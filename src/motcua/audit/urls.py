from django.urls import path

from motcua.audit import integrity_views, views

app_name = "audit"

urlpatterns = [
    path("ho-so/", views.dossier_history, name="dossier"),
    path("ho-so/<str:code>/bang-chung.json", views.dossier_proof_download, name="proof"),
    path("kiem-tra/", integrity_views.findings_page, name="findings"),
    path("kiem-tra/phat-hien.xlsx", integrity_views.findings_excel, name="findings_excel"),
    path("kiem-tra/xuat-excel/", integrity_views.findings_excel_start, name="findings_excel_start"),
]

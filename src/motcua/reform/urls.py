from django.urls import path

from motcua.reform import views

app_name = "reform"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("chi-so/<slug:code>/", views.index_detail, name="index"),
    path("chi-so/<slug:code>/nhap-ket-qua/", views.result_form, name="result_form"),
    path("chi-so/<slug:code>/mau-ket-qua.xlsx", views.result_template, name="result_template"),
    path("nhiem-vu/", views.board, name="board"),
    path("nhiem-vu/<int:pk>/", views.task_detail, name="task"),
    path("minh-chung/<int:pk>/", views.evidence_file, name="evidence"),
    path("don-vi/<str:code>/", views.unit_page, name="unit"),
    path("ke-hoach/nhap/", views.plan_import, name="plan_import"),
    path("ke-hoach/<int:pk>/bao-cao.<str:fmt>", views.plan_export, name="plan_export"),
]

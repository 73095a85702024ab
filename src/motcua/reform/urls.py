from django.urls import path

from motcua.reform import self_views, views

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
    path("trach-nhiem/", self_views.accountability, name="accountability"),
    path("sipas/", self_views.sipas, name="sipas"),
    path("sipas/tieu-chi/", self_views.sipas_criteria, name="sipas_criteria"),
    path("tu-danh-gia/", self_views.self_list, name="self_list"),
    path("tu-danh-gia/<int:pk>/", self_views.self_detail, name="self_detail"),
    path("tu-danh-gia/<int:pk>/bao-cao.<str:fmt>", self_views.self_export, name="self_export"),
    path("tu-danh-gia/tieu-chi/<int:pk>/", self_views.self_item, name="self_item"),
    path("tu-danh-gia/tai-lieu/<int:pk>/", self_views.self_evidence_file, name="self_evidence"),
]

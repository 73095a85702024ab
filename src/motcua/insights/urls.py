from django.urls import path

from motcua.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.process_map, name="process_map"),
    path("nguy-co-tre-han/", views.risks, name="risks"),
    path("khong-gian/", views.workspace_list, name="workspaces"),
    path("khong-gian/<int:pk>/", views.workspace_detail, name="workspace"),
    path("xes/", views.export_xes, name="xes"),
    path("csv/", views.export_csv, name="csv"),
]

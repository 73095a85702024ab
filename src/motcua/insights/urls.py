from django.urls import path

from motcua.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.process_map, name="process_map"),
    path("nguy-co-tre-han/", views.risks, name="risks"),
    path("xes/", views.export_xes, name="xes"),
    path("csv/", views.export_csv, name="csv"),
]

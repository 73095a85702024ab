from django.urls import path

from motcua.imports import views

app_name = "imports"
urlpatterns = [path("", views.runs, name="runs")]

from django.urls import path

from motcua.surveys import sipas_views, views

app_name = "surveys"

urlpatterns = [
    path("", views.start, name="start"),
    path("ket-qua/", views.results, name="results"),
    path("ho-so/<str:code>/", views.rate, name="rate"),
    path("ho-so/<str:code>/cam-on/", views.thanks, name="thanks"),
    path("khao-sat/<slug:code>/", sipas_views.answer, name="sipas_answer"),
    path("khao-sat/<slug:code>/nhap-phieu/", sipas_views.desk, name="sipas_desk"),
    path("khao-sat/<slug:code>/chi-so/", sipas_views.index, name="sipas_index"),
    path("khao-sat/<slug:code>/xlsform/", sipas_views.xlsform, name="sipas_xlsform"),
    path("khao-sat/<slug:code>/cong-khai/", sipas_views.public_index, name="sipas_public"),
]

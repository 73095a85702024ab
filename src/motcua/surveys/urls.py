from django.urls import path

from motcua.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.start, name="start"),
    path("ket-qua/", views.results, name="results"),
    path("ho-so/<str:code>/", views.rate, name="rate"),
    path("ho-so/<str:code>/cam-on/", views.thanks, name="thanks"),
]

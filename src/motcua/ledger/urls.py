from django.urls import path

from motcua.ledger import views

app_name = "ledger"

urlpatterns = [
    path("", views.roots, name="roots"),
]

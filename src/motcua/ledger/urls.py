from django.urls import path

from motcua.ledger import views

app_name = "ledger"

urlpatterns = [
    path("", views.roots, name="roots"),
    path("ho-so/", views.dossier_history, name="dossier"),
    path("ho-so/<str:code>/bang-chung.json", views.dossier_proof_download, name="proof"),
]

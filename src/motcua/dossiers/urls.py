"""The officer area, mounted at /can-bo/ (its root is the work queue)."""

from django.urls import path

from motcua.dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("", views.work_queue, name="queue"),
    path("tiep-nhan/", views.intake, name="intake"),
    path("ho-so/<str:code>/", views.dossier_detail, name="detail"),
    path("ho-so/<str:code>/thao-tac/<str:action>/", views.dossier_action, name="action"),
    path("ho-so/<str:code>/mau-<str:form>.pdf", views.dossier_form, name="form"),
    path("ho-so/<str:code>/tep/ket-qua/", views.dossier_result_file, name="result_file"),
    path("ho-so/<str:code>/tep/<int:item>/", views.dossier_checklist_file, name="checklist_file"),
    path("ca-nhan/", views.profile, name="profile"),
    path("ca-nhan/ma-truy-cap/<int:pk>/thu-hoi/", views.token_revoke, name="token_revoke"),
    path("thong-ke/", views.stats, name="stats"),
]

from django.urls import path

from motcua.surveys import campaign_views, form_views, sipas_views, views

app_name = "surveys"

urlpatterns = [
    path("", views.start, name="start"),
    path("ket-qua/", views.results, name="results"),
    path("ho-so/<str:code>/", views.rate, name="rate"),
    path("ho-so/<str:code>/cam-on/", views.thanks, name="thanks"),
    path("khao-sat/phieu/<int:pk>/", form_views.form_edit, name="form_edit"),
    path("khao-sat/phieu/<int:pk>/nhap-xlsform/", form_views.form_import, name="form_import"),
    path("khao-sat/dot/", campaign_views.campaigns, name="campaigns"),
    path("khao-sat/dot/<int:pk>/", campaign_views.campaign, name="campaign"),
    path("khao-sat/moi/", campaign_views.invitation_start, name="invitation_start"),
    path("khao-sat/moi/<str:token>/", campaign_views.invitation, name="invitation"),
    path("khao-sat/quay/", campaign_views.kiosk, name="kiosk"),
    path("khao-sat/<slug:code>/phieu-giay.pdf", sipas_views.paper, name="sipas_paper"),
    path("khao-sat/<slug:code>/", sipas_views.answer, name="sipas_answer"),
    path("khao-sat/<slug:code>/nhap-phieu/", sipas_views.desk, name="sipas_desk"),
    path("khao-sat/<slug:code>/chi-so/", sipas_views.index, name="sipas_index"),
    path("khao-sat/<slug:code>/xlsform/", sipas_views.xlsform, name="sipas_xlsform"),
    path("khao-sat/<slug:code>/cong-khai/", sipas_views.public_index, name="sipas_public"),
]

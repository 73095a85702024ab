from django.urls import path

from motcua.portal import account_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedures, name="procedures"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure"),
    path(
        "thu-tuc/<str:code>/mau/<int:order>.docx",
        views.procedure_form,
        name="procedure_form",
    ),
    path("tra-cuu/", views.track, name="track"),
    path("dang-ky/", account_views.register, name="register"),
    path("xac-minh/", account_views.verify, name="verify"),
    path("tai-khoan/dang-nhap/", account_views.citizen_login, name="citizen_login"),
    path("tai-khoan/dinh-danh/<str:key>/", account_views.oidc_start, name="oidc_start"),
    path(
        "tai-khoan/dinh-danh/<str:key>/callback/",
        account_views.oidc_callback,
        name="oidc_callback",
    ),
    path("nop-ho-so/<str:code>/", account_views.submit, name="submit"),
    path("ca-nhan/", account_views.mine, name="mine"),
    path("ca-nhan/ho-so/<str:code>/", account_views.my_dossier, name="my_dossier"),
    path("ca-nhan/ho-so/<str:code>/bo-sung/", account_views.my_supplement, name="my_supplement"),
    path("ca-nhan/ho-so/<str:code>/bien-nhan/", account_views.receipt, name="receipt"),
    path("ca-nhan/ho-so/<str:code>/ket-qua/", account_views.my_result, name="my_result"),
    path("ca-nhan/ho-so/<str:code>/thanh-toan/", account_views.my_pay, name="my_pay"),
    path("ca-nhan/ho-so/<str:code>/danh-gia/", account_views.my_rate, name="my_rate"),
    path(
        "ca-nhan/ma-truy-cap/<int:pk>/thu-hoi/",
        account_views.my_token_revoke,
        name="my_token_revoke",
    ),
]

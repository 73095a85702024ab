from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from motcua.api import api
from motcua.core import views as core_views
from motcua.organization import operations, twofactor

admin.site.site_header = "Một Cửa — Quản trị"
admin.site.site_title = "Một Cửa"
admin.site.index_title = "Quản trị hệ thống"
admin.site.login_form = twofactor.AdminLoginForm  # tries of one account run one at a time

urlpatterns = [
    path("admin/", admin.site.urls),
    # browsers ask for /favicon.ico before reading the page's <link rel="icon">
    path("favicon.ico", core_views.favicon),
    path("api/", api.urls),
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(
            template_name="core/login.html", authentication_form=twofactor.OfficerLoginForm
        ),
        name="login",
    ),
    path("dang-nhap/xac-thuc/", twofactor.otp_verify, name="otp_verify"),
    path("dang-nhap/xac-thuc/thiet-lap/", twofactor.otp_setup, name="otp_setup"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("lich/", include("motcua.workcalendar.urls")),
    path("can-bo/", include("motcua.dossiers.urls")),
    path("cai-cach/", include("motcua.reform.urls")),
    path("so-cai/", include("motcua.ledger.urls")),
    path("so-cai/", include("motcua.audit.urls")),
    path("nhap-lich-su/", include("motcua.imports.urls")),
    path("thanh-toan/", include("motcua.payments.urls")),
    path("danh-gia/", include("motcua.surveys.urls")),
    path("thong-ke/", include("motcua.reporting.urls")),
    path("phan-tich/", include("motcua.insights.urls")),
    path("lien-thong/", include("motcua.interop.urls")),  # national portal sync (staff)
    path("van-hanh/", operations.operations, name="operations"),
    path("viec-nen/", include("motcua.core.urls")),  # long jobs: progress and result
    path("", include("motcua.feedback.urls")),  # /phan-anh/ and /open311/v2/
    path("", include("motcua.portal.urls")),
]
# Nothing under MEDIA_ROOT is served as such: each stored file has a view that checks who
# asks (motcua.core.files).

# Error pages in Vietnamese (JSON {"code", "message"} under /api/)
handler400 = "motcua.core.views.bad_request"
handler403 = "motcua.core.views.permission_denied"
handler404 = "motcua.core.views.page_not_found"
handler500 = "motcua.core.views.server_error"

"""Feedback pages under /phan-anh/ (public and officers) and the Open311 API under /open311/v2/."""

from django.urls import include, path, re_path

from motcua.feedback import open311, views

app_name = "feedback"

pages = [
    path("", views.public_list, name="public_list"),
    path("gui/", views.submit, name="submit"),
    path("bien-nhan/<str:code>/", views.receipt, name="receipt"),
    path("tra-cuu/", views.track, name="track"),
    path("cua-toi/", views.mine, name="mine"),
    path("cua-toi/<str:code>/", views.my_detail, name="my_detail"),
    path("thong-ke/", views.public_statistics, name="public_stats"),
    path("tra-cuu/<str:code>/<str:action>/", views.sender_action, name="sender_action"),
    path("can-bo/", views.queue, name="queue"),
    path("can-bo/tiep-nhan/", views.office_intake, name="office_intake"),
    path("can-bo/thong-ke/", views.statistics, name="stats"),
    path("can-bo/<str:code>/", views.officer_detail, name="officer_detail"),
    path("can-bo/<str:code>/thao-tac/<str:action>/", views.officer_action, name="officer_action"),
    path("can-bo/<str:code>/tep/<int:pk>/", views.attachment, name="attachment"),
    path(
        "can-bo/<str:code>/cong-van-chuyen-<int:pk>.pdf",
        views.transfer_letter,
        name="transfer_letter",
    ),
    path("can-bo/<str:code>/tra-loi-<int:number>.pdf", views.answer_pdf, name="answer_pdf"),
    path("<str:code>/", views.public_detail, name="public_detail"),
]

fmt = r"\.(?P<fmt>xml|json)$"
open311_urls = [
    re_path(r"^discovery" + fmt, open311.discovery, name="o311_discovery"),
    re_path(r"^services" + fmt, open311.service_list, name="o311_services"),
    re_path(r"^services/(?P<code>[\w.-]+)" + fmt, open311.service_definition, name="o311_service"),
    re_path(r"^requests" + fmt, open311.service_requests, name="o311_requests"),
    re_path(r"^requests/(?P<request_id>[\w-]+)" + fmt, open311.request_detail, name="o311_request"),
    re_path(r"^updates" + fmt, open311.updates, name="o311_updates"),
    path("media/<str:code>/<int:pk>", open311.media, name="o311_media"),
]

urlpatterns = [
    path("phan-anh/", include(pages)),
    path("open311/v2/", include(open311_urls)),
]

from django.urls import path

from motcua.core import job_views

app_name = "core"

urlpatterns = [
    path("<str:job_id>/", job_views.job_page, name="job"),
    path("<str:job_id>/trang-thai/", job_views.job_status_view, name="job_status"),
    path("<str:job_id>/tai-ve/", job_views.job_download, name="job_download"),
]

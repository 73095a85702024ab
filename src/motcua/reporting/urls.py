from django.urls import path

from motcua.reporting import views, views_leaders, views_reports

app_name = "reporting"

urlpatterns = [
    path("", views.public, name="public"),
    path("xuat-excel/", views.public_excel, name="public_excel"),
    path("lanh-dao/", views_leaders.leaders, name="leaders"),
    path("lanh-dao/xuat-excel/", views_leaders.leaders_excel, name="leaders_excel"),
    path("lanh-dao/chi-so-766/", views_leaders.index766, name="index766"),
    path(
        "lanh-dao/chi-tieu/<slug:code>/ho-so/",
        views_leaders.indicator_dossiers,
        name="indicator_dossiers",
    ),
    path("bao-cao/", views_reports.reports_home, name="reports"),
    path("bao-cao/lap/", views_reports.report_open, name="report_open"),
    path("bao-cao/<int:pk>/", views_reports.report_detail, name="report"),
    path("bao-cao/<int:pk>/word/", views_reports.report_word, name="report_word"),
    path("bao-cao/<int:pk>/pdf/", views_reports.report_pdf, name="report_pdf"),
    path("bao-cao/tinh-hinh/", views_reports.rates, name="rates"),
    path(
        "bao-cao/tinh-hinh/tong-hop.<str:fmt>",
        views_reports.consolidation,
        name="consolidation",
    ),
    path("bao-cao/tinh-hinh/xuat-excel/", views_reports.rates_excel, name="rates_excel"),
    path("du-lieu-mo/", views_leaders.open_data, name="open_data"),
    path(
        "du-lieu-mo/<str:key>/<slug:name>.<str:fmt>",
        views_leaders.open_dataset,
        name="open_dataset",
    ),
]

from django.urls import path

from motcua.interop import views

app_name = "interop"

urlpatterns = [
    path("", views.operations, name="operations"),
    path("ban-ghi/", views.records, name="records"),
    path("ban-ghi/<int:record_id>/gui-lai/", views.resend, name="resend"),
    path("doi-soat/", views.reconcile_now, name="reconcile"),
    path("danh-muc/", views.catalog, name="catalog"),
]

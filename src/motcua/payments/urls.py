from django.urls import path

from motcua.payments import sandbox, views

app_name = "payments"

urlpatterns = [
    path("", views.pay, name="pay"),
    path("ket-qua/<str:provider>/", views.gateway_return, name="return"),
    path("bien-lai/<str:key>/", views.receipt, name="receipt"),
    path("bien-lai/<str:key>/pdf/", views.receipt_pdf, name="receipt_pdf"),
    path("sandbox/vpcpay.html", sandbox.gateway, name="sandbox"),
]

"""Public payment pages: pay a dossier's fees, the gateway's return, the receipt.

The citizen identifies the dossier with its code and the last 4 digits of the applicant's
phone (the same answer for a wrong code and wrong digits, rate-limited).
"""

from __future__ import annotations

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core.client import client_address
from motcua.core.errors import DomainError, NotFound
from motcua.core.throttle import lookup_guard, without_digits
from motcua.payments import printed, selectors, services
from motcua.payments.forms import LookupForm
from motcua.payments.models import PaymentStatus
from motcua.payments.providers import get_provider
from motcua.payments.providers.base import SignatureError


@require_http_methods(["GET", "POST"])
def pay(request):
    """Step 1: code + 4 digits (POST) → what is owed; step 2 (button "pay"): the gateway.
    A GET with the digits in its query string goes back to the form without them (303)."""
    if request.method == "GET" and (response := without_digits(request)) is not None:
        return response
    form = LookupForm(request.POST or None, initial={"code": request.GET.get("ma", "")})
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            with lookup_guard(subject=form.cleaned_data["code"], client=client_address(request)):
                dossier = selectors.dossier_for_applicant(
                    code=form.cleaned_data["code"], phone4=form.cleaned_data["phone4"]
                )
            if "pay" in request.POST:
                _, url = services.payment_start(
                    dossier=dossier,
                    return_url=request.build_absolute_uri(
                        reverse("payments:return", args=[get_provider().code])
                    ),
                    client_ip=client_address(request),
                )
                if url.startswith("/"):
                    url = request.build_absolute_uri(url)
                return redirect(url)
            context.update(
                dossier=dossier,
                applicant=selectors.mask_name(dossier.applicant_name),
                outstanding=services.outstanding(dossier),
                payments=selectors.payments_of_dossier(dossier=dossier)[:10],
            )
        except DomainError as error:
            context["error"] = error.message
            status = error.status
            return render(request, "payments/pay.html", context, status=status)
    return render(request, "payments/pay.html", context)


@require_GET
def gateway_return(request, provider):
    """Where the gateway sends the browser back. Shows what the notification decided."""
    try:
        gateway = get_provider(provider)
        result = gateway.verify(request.GET)
    except (SignatureError, NotFound):
        return render(
            request,
            "payments/return.html",
            {"error": "Dữ liệu trả về từ cổng thanh toán không hợp lệ (sai chữ ký)."},
            status=400,
        )
    payment = selectors.payment_by_order(order_ref=result.order_ref, provider=gateway.code)
    if payment is None:
        raise Http404("Không tìm thấy giao dịch.")
    label = getattr(gateway, "response_label", lambda c: c)(result.response_code)
    return render(
        request,
        "payments/return.html",
        {"payment": payment, "result": result, "label": label, "Status": PaymentStatus},
    )


def _receipt_context(key: str) -> dict:
    try:
        payment = selectors.payment_by_receipt_key(key=key)
    except NotFound as error:
        raise Http404(error.message) from error
    if payment.status != PaymentStatus.PAID:
        raise Http404("Giao dịch chưa được thanh toán.")
    return printed.receipt_context(payment)


@require_GET
def receipt(request, key):
    return render(request, "payments/receipt.html", _receipt_context(key))


@require_GET
def receipt_pdf(request, key):
    context = _receipt_context(key)
    pdf = printed.receipt_pdf(context, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"bien-lai-{context['payment'].receipt_number}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def bad_request(message: str) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(message.encode(), content_type="text/plain; charset=utf-8")

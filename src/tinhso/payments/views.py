"""Payment pages: the simulated bank, the payment status page, the e-receipt and its
public verification page, and the gateways' callback endpoint."""

from __future__ import annotations

import logging
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from tinhso.core.audit import audit_record
from tinhso.core.selectors import is_platform_admin
from tinhso.core.services import DomainError
from tinhso.payments import services
from tinhso.payments.gateways import CallbackRefused, gateway_names, get_gateway
from tinhso.payments.models import Payment
from tinhso.payments.receipts import receipt_number, receipt_pdf

logger = logging.getLogger("tinhso.payments")


def _payment(public_id: uuid.UUID) -> Payment:
    return get_object_or_404(Payment.objects.select_related("payer"), public_id=public_id)


def _may_see(request: HttpRequest, payment: Payment) -> bool:
    """The payer, staff and platform administrators. A payment without a payer (counter,
    anonymous) is reached by its unguessable id alone, like the gateway's own pages."""
    if payment.payer_id is None:
        return True
    user = request.user
    if not user.is_authenticated:
        return False
    return bool(user.pk == payment.payer_id or user.is_staff or is_platform_admin(user))


def _safe_return(request: HttpRequest, payment: Payment) -> str:
    target = payment.return_url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("payments:detail", kwargs={"public_id": payment.public_id})


@require_http_methods(["GET", "POST"])
def simulator(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Stands in for the bank's payment page (demo gateway only)."""
    payment = _payment(public_id)
    if payment.gateway != "simulator":
        raise PermissionDenied
    if request.method == "POST" and payment.status == Payment.Status.PENDING:
        succeeded = request.POST.get("action") == "pay"
        try:
            services.simulator_complete(payment=payment, succeeded=succeeded)
        except DomainError as exc:
            messages.error(request, exc.message)
            return render(request, "payments/simulator.html", {"payment": payment}, status=400)
        if succeeded:
            messages.success(request, _("Thanh toán thành công."))
        else:
            messages.warning(request, _("Giao dịch đã được huỷ."))
        return HttpResponseRedirect(_safe_return(request, payment))
    return render(request, "payments/simulator.html", {"payment": payment})


def detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    payment = _payment(public_id)
    if not _may_see(request, payment):
        raise PermissionDenied
    return render(
        request,
        "payments/detail.html",
        {"payment": payment, "refunds": payment.refunds.all(), "number": receipt_number(payment)},
    )


def _verify_url(request: HttpRequest, payment: Payment) -> str:
    return request.build_absolute_uri(
        reverse("payments:verify", kwargs={"token": payment.receipt_token})
    )


def receipt(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    payment = _payment(public_id)
    if not _may_see(request, payment):
        raise PermissionDenied
    if not payment.is_paid:
        return render(
            request,
            "error.html",
            {"title": _("Chưa có biên lai"), "message": _("Khoản này chưa được thanh toán.")},
            status=409,
        )
    pdf = receipt_pdf(payment, verify_url=_verify_url(request, payment))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{receipt_number(payment)}.pdf"'
    return response


def _mask_name(name: str) -> str:
    parts = name.split()
    if len(parts) < 2:
        return name[:1] + "***" if name else "—"
    return " ".join([parts[0], *(p[0] + "." for p in parts[1:])])


def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: anyone holding the receipt checks it is genuine (no personal data beyond
    the payer's masked name)."""
    payment = get_object_or_404(Payment.objects.select_related("payer"), receipt_token=token)
    if not payment.is_paid:
        raise Http404
    payer = payment.payer
    return render(
        request,
        "payments/verify.html",
        {
            "payment": payment,
            "number": receipt_number(payment),
            "payer_name": _mask_name((payer.full_name or payer.username) if payer else ""),
        },
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def callback(request: HttpRequest, gateway: str) -> HttpResponse:
    """Server-to-server notification from a gateway (no session, no CSRF: the HMAC
    signature is the authentication)."""
    if gateway not in gateway_names():
        return HttpResponse(status=404)
    # A machine endpoint without a language prefix: like the API, it answers in the
    # language the caller asks for (Accept-Language), Vietnamese by default.
    with translation.override(translation.get_language_from_request(request, check_path=False)):
        return _callback(request, gateway)


def _callback(request: HttpRequest, gateway: str) -> HttpResponse:
    adapter = get_gateway(gateway)
    headers = {k: v for k, v in request.headers.items()}
    try:
        outcome = services.payment_callback_receive(
            gateway_name=gateway,
            body=request.body,
            headers=headers,
            query=request.GET.dict(),
        )
    except CallbackRefused as exc:
        logger.warning("payment callback refused (%s): %s", gateway, exc.message)
        audit_record(
            action="payment_callback_refused",
            object_type="payments.payment",
            object_repr=gateway,
            changes={"reason": exc.message, "status": exc.status},
        )
        return adapter.callback_response(ok=False, message=exc.message, status=exc.status)
    return adapter.callback_response(
        ok=True,
        message=_("Đã ghi nhận.") if outcome.applied else _("Đã ghi nhận trước đó."),
        status=200,
    )

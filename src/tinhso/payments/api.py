"""Payments API: a payment's state for its payer or staff, and refunds by staff."""

import uuid
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field, Strict

from tinhso.core.auth import api_auth
from tinhso.core.schemas import ErrorOut
from tinhso.core.selectors import is_platform_admin
from tinhso.dossiers.validators import Text
from tinhso.payments.models import Payment
from tinhso.payments.services import payment_as_dict, payment_refund

router = Router(tags=["payments"])


class PaymentOut(Schema):
    id: str
    reference: str
    amount: int
    description: str
    status: str
    gateway: str
    gateway_transaction_id: str
    redirect_url: str
    created_at: Any
    paid_at: Any
    refunded_amount: int


class RefundIn(Schema):
    amount: Annotated[int, Strict()] = Field(..., gt=0, le=10**15, description="Số tiền hoàn, đồng")
    reason: Text = Field(..., min_length=1, max_length=255)


class RefundOut(Schema):
    amount: int
    reason: str
    gateway_refund_id: str
    payment: PaymentOut


def _get(request: HttpRequest, public_id: uuid.UUID) -> Payment:
    user = request.auth  # type: ignore[attr-defined]
    payment = Payment.objects.filter(public_id=public_id).first()
    if payment is None or not (
        payment.payer_id == user.pk or user.is_staff or is_platform_admin(user)
    ):
        raise HttpError(404, _("Không tìm thấy."))
    return payment


@router.get(
    "/payments/{public_id}",
    response={200: PaymentOut, 401: ErrorOut, 404: ErrorOut},
    auth=api_auth,
    summary="Một khoản thanh toán (người nộp hoặc cán bộ quản trị)",
)
def payment_detail(request: HttpRequest, public_id: uuid.UUID) -> Any:
    return payment_as_dict(_get(request, public_id))


@router.post(
    "/payments/{public_id}/refunds",
    response={201: RefundOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    auth=api_auth,
    summary="Hoàn tiền (toàn bộ hoặc một phần; cán bộ quản trị)",
)
def payment_refund_create(request: HttpRequest, public_id: uuid.UUID, body: RefundIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    payment = _get(request, public_id)
    if not (user.is_staff or is_platform_admin(user)):
        raise HttpError(403, _("Chỉ cán bộ quản trị được hoàn tiền."))
    refund = payment_refund(
        payment=payment, amount=Decimal(body.amount), reason=body.reason, actor=user
    )
    payment.refresh_from_db()
    return Status(
        201,
        {
            "amount": int(refund.amount),
            "reason": refund.reason,
            "gateway_refund_id": refund.gateway_refund_id,
            "payment": payment_as_dict(payment),
        },
    )

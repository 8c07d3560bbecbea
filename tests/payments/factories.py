"""factory_boy factories for payments."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from tinhso.payments.models import Payment


class PaymentFactory(DjangoModelFactory):
    class Meta:
        model = Payment

    reference = factory.Sequence(lambda n: f"000.00.01.H56-260105-{n:04d}")
    amount = Decimal("150000")
    description = "Lệ phí cấp bản sao trích lục hộ tịch"
    gateway = "simulator"
    status = Payment.Status.PENDING


class PaidPaymentFactory(PaymentFactory):
    status = Payment.Status.SUCCEEDED
    paid_at = factory.LazyFunction(timezone.now)
    gateway_transaction_id = "SIM0001"

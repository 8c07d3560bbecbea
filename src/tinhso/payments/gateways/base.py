"""Payment-gateway adapters: a base class, a registry and the configured gateway."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar, TypeVar

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from tinhso.core.services import DomainError

if TYPE_CHECKING:
    from tinhso.payments.models import Payment


class CallbackRefused(DomainError):
    """A gateway callback that is forged, replayed, stale, malformed or inconsistent."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class CallbackMessage:
    """A callback whose signature the gateway has verified."""

    payment_id: str  # Payment.public_id (hex or canonical UUID form)
    reference: str
    amount: Decimal
    succeeded: bool
    transaction_id: str
    nonce: str
    body_sha256: str
    failure_reason: str = ""


class PaymentGateway:
    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    # Whether callbacks carry a timestamp checked against PAYMENT_CALLBACK_MAX_AGE_SECONDS
    # (then nonces older than the window can be forgotten).
    enforces_timestamp: ClassVar[bool] = False
    supports_refunds: ClassVar[bool] = True

    def start(self, payment: Payment) -> str:  # pragma: no cover - abstract
        """Register ``payment`` with the gateway; return the URL to send the payer to."""
        raise NotImplementedError

    def parse_callback(
        self, *, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]
    ) -> CallbackMessage:  # pragma: no cover - abstract
        """Verify authenticity and parse; raise :class:`CallbackRefused` otherwise."""
        raise NotImplementedError

    def refund(self, payment: Payment, amount: Decimal) -> str:  # pragma: no cover - abstract
        """Ask the gateway to give back ``amount``; return its refund id."""
        raise NotImplementedError

    def callback_response(self, *, ok: bool, message: str, status: int) -> HttpResponse:
        """What the gateway expects to read back."""
        return JsonResponse({"ok": ok, "message": message}, status=status)


_GATEWAYS: dict[str, type[PaymentGateway]] = {}
G = TypeVar("G", bound=type[PaymentGateway])


def register(name: str) -> Callable[[G], G]:
    def decorate(cls: G) -> G:
        cls.name = name
        _GATEWAYS[name] = cls
        return cls

    return decorate


def _load_builtin() -> None:
    from tinhso.payments.gateways import simulator, vnpay  # noqa: F401


def gateway_names() -> list[str]:
    _load_builtin()
    return sorted(_GATEWAYS)


def get_gateway(name: str | None = None) -> PaymentGateway:
    """The gateway called ``name``, or the configured one (``PAYMENT_GATEWAY``)."""
    _load_builtin()
    key = name or settings.PAYMENT_GATEWAY
    if key not in _GATEWAYS:
        raise DomainError(_("Cổng thanh toán %(name)s chưa được cài đặt.") % {"name": key})
    return _GATEWAYS[key]()

"""Payment-gateway adapters (see base.py)."""

from tinhso.payments.gateways.base import (
    CallbackMessage,
    CallbackRefused,
    PaymentGateway,
    gateway_names,
    get_gateway,
    register,
)

__all__ = [
    "CallbackMessage",
    "CallbackRefused",
    "PaymentGateway",
    "gateway_names",
    "get_gateway",
    "register",
]

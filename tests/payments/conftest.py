from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tinhso.payments.signals import payment_failed, payment_refunded, payment_succeeded


@pytest.fixture
def signals() -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Every payment signal sent during the test, by name."""
    sent: dict[str, list[dict[str, Any]]] = {"succeeded": [], "failed": [], "refunded": []}

    def recorder(name: str):  # type: ignore[no-untyped-def]
        def receive(sender: Any, **kwargs: Any) -> None:
            sent[name].append(kwargs)

        return receive

    receivers = {
        "succeeded": (payment_succeeded, recorder("succeeded")),
        "failed": (payment_failed, recorder("failed")),
        "refunded": (payment_refunded, recorder("refunded")),
    }
    for signal, receiver in receivers.values():
        signal.connect(receiver, weak=False)
    yield sent
    for signal, receiver in receivers.values():
        signal.disconnect(receiver)

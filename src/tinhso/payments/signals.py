"""Signals other apps listen to (the dossier workflow resumes on payment).

``payment_succeeded`` is sent once per payment, inside the transaction that marks
it paid: a receiver's writes commit or roll back with it, and a replayed or repeated
gateway callback never sends it again. ``payment_refunded`` is sent once per refund.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with payment=<Payment>.
payment_succeeded = Signal()
# Sent with payment=<Payment> (the gateway reported failure or the payer cancelled).
payment_failed = Signal()
# Sent with payment=<Payment>, refund=<Refund>.
payment_refunded = Signal()

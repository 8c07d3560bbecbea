"""Notifications to the applicant: in-app, e-mail and SMS (through a simulator channel).

Every notification is stored (``Notification``); e-mail goes through Django's mail
backend (``EMAIL_URL``); SMS goes to :class:`SmsSimulator`, which records the message
as sent — a real SMS gateway adapter plugs in by replacing ``sms_channel``.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.dossiers.models import DossierEvent, Notification, State
from tinhso.dossiers.workflow import ACTIONS, EVENT_PUBLIC_LABELS

logger = logging.getLogger("tinhso.dossiers")


class SmsSimulator:
    """Local SMS channel: logs the message and reports success."""

    name = "simulator"

    def send(self, phone: str, text: str) -> bool:
        logger.info("SMS (giả lập) tới %s: %s", phone, text)
        return True


sms_channel = SmsSimulator()


def _public_label(action: str) -> str | None:
    spec = ACTIONS.get(action)
    if spec is not None:
        return str(spec.public_label) if spec.public_label is not None else None
    label = EVENT_PUBLIC_LABELS.get(action)
    return str(label) if label is not None else None


def notify_event(event: DossierEvent) -> int:
    """Notify the applicant of a public event; returns the number of messages stored."""
    label = _public_label(event.action)
    if label is None or event.action == "rate":
        return 0
    dossier = event.dossier
    subject = _("Hồ sơ %(code)s: %(what)s") % {"code": dossier.code, "what": label}
    lines = [
        subject,
        _("Trạng thái: %(state)s.") % {"state": State(dossier.state).label},
    ]
    if dossier.appointment_date:
        lines.append(
            _("Ngày hẹn trả kết quả: %(date)s.") % {"date": f"{dossier.appointment_date:%d/%m/%Y}"}
        )
    if event.note:
        lines.append(_("Nội dung: %(note)s") % {"note": event.note})
    body = "\n".join(lines)
    now = timezone.now()
    count = 0
    if dossier.applicant_id:
        Notification.objects.create(
            user_id=dossier.applicant_id,
            dossier=dossier,
            channel=Notification.Channel.IN_APP,
            subject=subject[:255],
            body=body,
            sent_at=now,
        )
        count += 1
    if dossier.applicant_email:
        sent = send_mail(
            subject[:255],
            body,
            settings.DEFAULT_FROM_EMAIL,
            [dossier.applicant_email],
            fail_silently=True,
        )
        Notification.objects.create(
            user_id=dossier.applicant_id,
            dossier=dossier,
            channel=Notification.Channel.EMAIL,
            recipient=dossier.applicant_email,
            subject=subject[:255],
            body=body,
            sent_at=now if sent else None,
        )
        count += 1
    if dossier.applicant_phone:
        ok = sms_channel.send(dossier.applicant_phone, f"{subject}. {lines[-1]}"[:300])
        Notification.objects.create(
            user_id=dossier.applicant_id,
            dossier=dossier,
            channel=Notification.Channel.SMS,
            recipient=dossier.applicant_phone,
            subject=subject[:255],
            body=body,
            sent_at=now if ok else None,
        )
        count += 1
    return count

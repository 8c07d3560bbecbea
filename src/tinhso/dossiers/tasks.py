"""Background work after a dossier event: issue its forms (PDF), notify the applicant."""

from __future__ import annotations

import logging
from typing import Any

from django_tasks import task

logger = logging.getLogger("tinhso.dossiers")


@task()
def dossier_event_task(
    dossier_id: int, event_id: int, forms: list[str], actor_id: int | None
) -> dict[str, Any]:
    from tinhso.core.models import User
    from tinhso.dossiers.models import Dossier, DossierEvent
    from tinhso.dossiers.notifications import notify_event
    from tinhso.dossiers.pdf.issue import form_issue

    dossier = Dossier.objects.filter(pk=dossier_id).first()
    if dossier is None:
        return {"skipped": "dossier gone"}
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    event = DossierEvent.objects.filter(pk=event_id).first()
    # The forms record this event (its date, note, due dates), even if the task runs late.
    issued = [form_issue(dossier=dossier, kind=kind, by=actor, event=event).pk for kind in forms]
    sent = notify_event(event) if event is not None else 0
    return {"forms": issued, "notifications": sent}


def queued_in_the_database() -> bool:
    """Whether the follow-up queue is a table of the platform's own database (the
    default, ``TASK_BACKEND=database``): the follow-up can then be written in the
    dossier's own transaction, committed or rolled back with the event it follows."""
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(dossier_event_task.get_backend(), DatabaseBackend)


def schedule(*, dossier_id: int, event_id: int, forms: list[str], actor_id: int | None) -> None:
    """Enqueue the follow-up; a queue outage never fails the officer's action (the forms
    are also issued on first download)."""
    try:
        dossier_event_task.enqueue(dossier_id, event_id, forms, actor_id)
    except Exception:  # pragma: no cover - depends on the queue being down
        logger.exception("could not enqueue follow-up of dossier event %s", event_id)

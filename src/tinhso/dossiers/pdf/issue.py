"""Issue a form: render it and keep the PDF with the dossier."""

from __future__ import annotations

from typing import Any

from tinhso.dossiers.models import Dossier, DossierEvent, IssuedForm
from tinhso.dossiers.pdf.forms import RENDERERS, form_event

# Forms that only make sense once the matching event happened.
PRECONDITIONS = {
    "receipt": lambda d: d.received_at is not None,
    "control": lambda d: d.received_at is not None,
    "additions": lambda d: d.events.filter(action="request_additions").exists(),
    "refusal": lambda d: d.events.filter(action="refuse").exists(),
    "apology": lambda d: d.apologized_at is not None,
    "stop": lambda d: d.events.filter(action="stop").exists(),
}


def form_available(dossier: Dossier, kind: str) -> bool:
    check = PRECONDITIONS.get(kind)
    return check is not None and bool(check(dossier))


def form_issue(
    *, dossier: Dossier, kind: str, by: Any = None, event: DossierEvent | None = None
) -> IssuedForm:
    """Render the form of ``kind`` recording ``event`` (by default the latest event of
    the form's action) and keep it; its dates are the event's, not today's."""
    from tinhso.dossiers.services import form_store

    content = RENDERERS[kind](dossier, event)
    return form_store(dossier=dossier, kind=kind, content=content, by=by)  # type: ignore[no-any-return]


def form_latest_or_issue(*, dossier: Dossier, kind: str, by: Any = None) -> IssuedForm:
    """The kept PDF of ``kind`` if it records the latest event of its action (issued at or
    after it), otherwise a new one recording that event. The control sheet is always
    regenerated: it grows."""
    if kind != "control":
        latest = dossier.forms.filter(kind=kind).order_by("-created_at", "-id").first()
        event = form_event(dossier, kind)
        if (
            latest is not None
            and latest.file
            and latest.file.storage.exists(latest.file.name)
            and (event is None or latest.created_at >= event.at)
        ):
            return latest
        return form_issue(dossier=dossier, kind=kind, by=by, event=event)
    return form_issue(dossier=dossier, kind=kind, by=by)

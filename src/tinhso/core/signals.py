"""Automatic audit entries for ORM writes not already recorded by a service."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tinhso.core.audit import audit_record, current_context
from tinhso.core.models import Agency

# Models whose writes are noise or are the audit itself.
_SKIPPED_LABELS = {
    "core.auditentry",
    "core.audithead",
    "sessions.session",
    "admin.logentry",
    "contenttypes.contenttype",
    "auth.permission",
    "django_tasks_database.dbtaskresult",
}
_SECRET_FIELDS = {"password", "key_hash"}


def _should_audit(instance: Model) -> bool:
    if current_context().suppressed:
        return False
    # Historical models of data migrations ("__fake__" module): the migration itself is
    # the record (django_migrations), and the audit table may not have its final shape yet.
    if type(instance).__module__ == "__fake__":
        return False
    label = instance._meta.label_lower
    return label not in _SKIPPED_LABELS and not label.startswith("migrations.")


def _snapshot(instance: Model) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if f.name in _SECRET_FIELDS:
            data[f.name] = "***"
        else:
            data[f.attname] = f.value_from_object(instance)
    return data


def _agency_code(instance: Model) -> str:
    if isinstance(instance, Agency):
        return instance.code
    for attr in ("agency", "organization"):
        agency = getattr(instance, attr, None)
        code = getattr(agency, "code", "")
        if code:
            return str(code)
    return ""


@receiver(post_save)
def audit_saved(sender: type[Model], instance: Model, created: bool, **kwargs: Any) -> None:
    if kwargs.get("raw") or not _should_audit(instance):
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= {"last_login", "last_used_at"}:
        return
    audit_record(
        action="create" if created else "update",
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        changes=_snapshot(instance),
        agency_code=_agency_code(instance),
    )


@receiver(post_delete)
def audit_deleted(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    if not _should_audit(instance):
        return
    audit_record(
        action="delete",
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        changes=_snapshot(instance),
        agency_code=_agency_code(instance),
    )


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(action="login", object_type="core.user", object_id=user.pk, actor=user)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action="logout", object_type="core.user", object_id=user.pk, actor=user)


@receiver(user_login_failed)
def audit_login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    audit_record(
        action="login_failed",
        object_type="core.user",
        object_repr=str(credentials.get("username", ""))[:255],
    )


def _connect_cache_invalidation() -> None:
    """Forget remembered agency scopes when memberships, agencies or users change, and
    kept API keys when keys or users change."""
    from tinhso.core.forget import forget_on_change
    from tinhso.core.models import ApiToken, Membership, User
    from tinhso.core.selectors import scope_changed
    from tinhso.core.services import forget_kept_tokens

    forget_on_change(scope_changed, Membership, Agency, User, name="scope")
    forget_on_change(forget_kept_tokens, ApiToken, User, name="tokens-kept")


_connect_cache_invalidation()

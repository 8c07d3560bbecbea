"""Background tasks of core."""

from __future__ import annotations

from django_tasks import task

from tinhso.core.audit import audit_verify


@task()
def audit_verify_task() -> dict[str, object]:
    """Verify the audit chain in the background (scheduled nightly by operators)."""
    report = audit_verify()
    return {"checked": report.checked, "ok": report.ok, "problems": report.problems[:100]}


@task()
def ping(value: str) -> str:
    """Round-trip task used by tests and the health check of a deployment."""
    return value

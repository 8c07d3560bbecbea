"""Writes for the procedure catalog. Each function is one transaction.

Every change to a procedure makes a new version: the procedure's ``version`` goes up by
one and a :class:`~tinhso.procedures.models.ProcedureVersion` keeps the full snapshot
(the JSON format's procedure object), so any two versions can be compared. Saving a
procedure with nothing changed makes no version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.audit import audit_record, audit_suppressed
from tinhso.core.models import User
from tinhso.core.services import DomainError
from tinhso.procedures.models import (
    Field,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    WorkflowStep,
)
from tinhso.procedures.spec import (
    Lookups,
    ProcedureSpec,
    SpecError,
    procedure_snapshot,
    spec_validate,
)


class ProcedureInvalid(DomainError):
    """The procedure is refused; ``errors`` lists every problem (Vietnamese messages)."""

    def __init__(self, errors: list[SpecError]) -> None:
        first = errors[0] if errors else SpecError("", "")
        super().__init__(
            _("Thủ tục không hợp lệ: %(first)s") % {"first": str(first)}, field=first.field or None
        )
        self.errors = errors

    def by_field(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for e in self.errors:
            out.setdefault(e.field, []).append(e.message)
        return out


class ProcedureExists(DomainError):
    pass


@dataclass
class SaveResult:
    procedure: Procedure
    created: bool
    changed: bool


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


def _actor(user: Any) -> User | None:
    return user if isinstance(user, User) and user.is_authenticated else None


def _normalise(spec: ProcedureSpec, lookups: Lookups) -> None:
    """An existing field keeps its name: imports do not rename fields."""
    existing = lookups.fields.get(spec.field_code)
    if existing is not None:
        spec.field_name = existing.name


def _apply(procedure: Procedure, spec: ProcedureSpec, lookups: Lookups) -> None:
    field_obj = lookups.fields.get(spec.field_code)
    if field_obj is None:
        field_obj = Field.objects.create(code=spec.field_code, name=spec.field_name)
        lookups.fields[field_obj.code] = field_obj
    procedure.code = spec.code
    procedure.name = spec.name
    procedure.field = field_obj
    procedure.level = spec.level
    procedure.online_level = spec.online_level
    procedure.processing_days = spec.processing_days
    procedure.fee_amount = spec.fee_amount
    procedure.fee_timing = spec.fee_timing
    procedure.fee_description = spec.fee_description
    procedure.result_type = spec.result_type
    procedure.applicants = spec.applicants
    procedure.submission_methods = spec.submission_methods
    procedure.conditions = spec.conditions
    procedure.steps = spec.steps
    procedure.legal_basis = spec.legal_basis
    procedure.national_portal_integrated = spec.national_portal_integrated
    procedure.is_active = spec.is_active
    procedure.updated_at = timezone.now()
    procedure.save()
    procedure.agencies.set([lookups.agencies[c] for c in spec.agencies])

    # Documents keep their identity by name, steps by position, so that dossiers
    # pointing at them still point at the same requirement after an edit.
    by_name = {d.name.casefold(): d for d in procedure.documents.all()}
    for position, wanted in enumerate(spec.documents, start=1):
        doc = by_name.pop(wanted.name.casefold(), None) or RequiredDocument(procedure=procedure)
        doc.position = position
        doc.name = wanted.name
        doc.copies = wanted.copies
        doc.is_required = wanted.is_required
        doc.template.name = wanted.template or ""
        doc.save()
    for leftover in by_name.values():
        leftover.delete()
    existing_steps = list(procedure.workflow.order_by("position", "pk"))
    for position, wanted_step in enumerate(spec.workflow, start=1):
        step = (
            existing_steps[position - 1]
            if position <= len(existing_steps)
            else WorkflowStep(procedure=procedure)
        )
        step.position = position
        step.name = wanted_step.name
        step.role = wanted_step.role
        step.agency_scope = wanted_step.agency_scope
        step.agency = lookups.agencies[wanted_step.agency] if wanted_step.agency else None
        step.working_days = wanted_step.working_days
        step.save()
    for extra in existing_steps[len(spec.workflow) :]:
        extra.delete()


def _new_version(
    procedure: Procedure, snapshot: dict[str, Any], user: User | None, note: str
) -> ProcedureVersion:
    latest = procedure.versions.order_by("-version").first()
    number = latest.version + 1 if latest else 1
    Procedure.objects.filter(pk=procedure.pk).update(version=number)
    procedure.version = number
    return ProcedureVersion.objects.create(
        procedure=procedure,
        version=number,
        snapshot=snapshot,
        created_by=user,
        note=note[:500],
    )


def _save_one(
    spec: ProcedureSpec,
    lookups: Lookups,
    *,
    user: User | None,
    note: str,
    instance: Procedure | None,
) -> SaveResult:
    _normalise(spec, lookups)
    created = instance is None
    procedure = instance or Procedure(code=spec.code)
    if not created and procedure_snapshot(procedure) == spec.as_dict():
        return SaveResult(procedure, created=False, changed=False)
    with audit_suppressed():
        _apply(procedure, spec, lookups)
    fresh = Procedure.objects.get(pk=procedure.pk)
    version = _new_version(procedure, procedure_snapshot(fresh), user, note)
    audit_record(
        action="procedure.create" if created else "procedure.update",
        object_type="procedures.procedure",
        object_id=procedure.pk,
        object_repr=str(procedure),
        changes={"version": version.version, "note": note},
        actor=user,
    )
    return SaveResult(procedure, created=created, changed=True)


def _check(spec: ProcedureSpec, errors: list[SpecError]) -> Lookups:
    lookups = Lookups.load([spec])
    errors = errors + spec_validate(spec, lookups)
    if errors:
        raise ProcedureInvalid(errors)
    return lookups


@transaction.atomic
def procedure_create(
    *, spec: ProcedureSpec, errors: list[SpecError] | None = None, user: Any = None, note: str = ""
) -> Procedure:
    """Create a procedure (version 1). ``errors`` are parse errors from ``spec_from_dict``."""
    lookups = _check(spec, list(errors or []))
    if Procedure.objects.filter(code=spec.code).exists():
        raise ProcedureExists(_("Đã có thủ tục mã %(code)s.") % {"code": spec.code}, field="code")
    return _save_one(spec, lookups, user=_actor(user), note=note, instance=None).procedure


@transaction.atomic
def procedure_update(
    *,
    procedure: Procedure,
    spec: ProcedureSpec,
    errors: list[SpecError] | None = None,
    user: Any = None,
    note: str = "",
) -> SaveResult:
    """Change a procedure; a new version only if something changed."""
    lookups = _check(spec, list(errors or []))
    locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
    if spec.code != locked.code and Procedure.objects.filter(code=spec.code).exists():
        raise ProcedureExists(_("Đã có thủ tục mã %(code)s.") % {"code": spec.code}, field="code")
    result = _save_one(spec, lookups, user=_actor(user), note=note, instance=locked)
    procedure.refresh_from_db()
    return result


@transaction.atomic
def procedure_record_version(
    *, procedure: Procedure, user: Any = None, note: str = ""
) -> ProcedureVersion | None:
    """After a direct edit (the admin): a new version if the content differs from the last."""
    locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
    snapshot = procedure_snapshot(locked)
    latest = locked.versions.order_by("-version").first()
    if latest is not None and latest.snapshot == snapshot:
        return None
    version = _new_version(locked, snapshot, _actor(user), note)
    procedure.version = version.version
    return version


class ProcedureImportError(DomainError):
    """The file is refused as a whole; ``errors`` lists every problem found."""

    def __init__(self, errors: list[SpecError]) -> None:
        super().__init__(
            _("Tệp thủ tục không hợp lệ, không có gì được lưu (%(n)s lỗi). Lỗi đầu tiên: %(first)s")
            % {"n": len(errors), "first": str(errors[0]) if errors else ""}
        )
        self.errors = errors


@transaction.atomic
def procedures_import(
    *,
    content: bytes,
    filename: str,
    user: Any = None,
    note: str = "",
) -> ImportReport:
    """Import procedures from a JSON or XLSX file: all or nothing, idempotent by code.

    New codes are created, changed procedures get a new version, unchanged ones are
    left alone. Any error anywhere refuses the whole file (nothing is stored).
    """
    from tinhso.procedures.transfer import parse_file

    parsed, errors = parse_file(content, filename=filename)
    specs = [spec for spec, _where in parsed]
    lookups = Lookups.load(specs)
    seen: dict[str, str] = {}
    for spec, where in parsed:
        if spec.code in seen:
            errors.append(
                SpecError(
                    "code",
                    _("Mã thủ tục %(code)s lặp lại (đã có ở %(other)s).")
                    % {"code": spec.code, "other": seen[spec.code]},
                    where,
                )
            )
        seen[spec.code] = where
        errors.extend(spec_validate(spec, lookups, where=where))
    if not errors and not parsed:
        errors.append(SpecError("", _("Tệp không có thủ tục nào.")))
    if errors:
        raise ProcedureImportError(errors)
    actor = _actor(user)
    existing = {p.code: p for p in Procedure.objects.filter(code__in=list(seen))}
    report = ImportReport()
    note = note or _("Nhập từ tệp %(name)s") % {"name": filename[:200]}
    for spec, _where in parsed:
        result = _save_one(spec, lookups, user=actor, note=note, instance=existing.get(spec.code))
        if result.created:
            report.created.append(spec.code)
        elif result.changed:
            report.updated.append(spec.code)
        else:
            report.unchanged.append(spec.code)
    return report

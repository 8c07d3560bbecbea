"""Append-only, hash-chained audit log."""

from __future__ import annotations

import datetime as dt
import itertools
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from tests.conftest import AgencyTree
from tests.core.factories import AgencyFactory, UserFactory
from tests.core.tamper import audit_guard_lifted
from tinhso.core.audit import (
    GENESIS,
    audit_context,
    audit_record,
    audit_seal,
    audit_suppressed,
    audit_verify,
)
from tinhso.core.models import Agency, ApiToken, AuditEntry, AuditHead, CalendarOverride
from tinhso.core.services import token_create

pytestmark = pytest.mark.django_db

TABLE = AuditEntry._meta.db_table


def chain() -> list[AuditEntry]:
    """The sealed chain, in order (tests run inside a transaction that never commits, so
    the after-commit sealing does not happen by itself)."""
    audit_seal()
    return list(AuditEntry.objects.order_by("seq"))


def raw_sql(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def tamper(sql: str, params: list[object]) -> None:
    """Run ``sql`` as someone who lifted the database's guard triggers first."""
    with audit_guard_lifted():
        raw_sql(sql, params)


def test_every_orm_write_appends_a_chained_entry() -> None:
    before = AuditEntry.objects.count()
    agency = AgencyFactory(name="Sở Xây dựng")
    agency.short_name = "SXD"
    agency.save()
    pk = agency.pk
    agency.delete()

    entries = chain()[before:]
    assert [(e.action, e.object_type, e.object_id) for e in entries] == [
        ("create", "core.agency", str(pk)),
        ("update", "core.agency", str(pk)),
        ("delete", "core.agency", str(pk)),
    ]
    assert entries[1].changes["short_name"] == "SXD"
    assert entries[0].actor is None and entries[0].actor_repr == "hệ thống"
    everything = chain()
    assert everything[0].prev_hash == GENESIS
    for previous, entry in itertools.pairwise(everything):
        assert entry.prev_hash == previous.hash
    head = AuditHead.objects.get(pk=1)
    assert head.count == len(everything)
    assert head.last_hash == everything[-1].hash


def test_entries_of_an_agency_record_carry_the_agency_code(agency_tree: AgencyTree) -> None:
    with audit_context(actor=agency_tree.province_admin):
        AgencyFactory(code="003.00.99.H98", parent=agency_tree.province)
    entry = AuditEntry.objects.filter(object_type="core.agency").latest("id")
    assert entry.agency_code == "003.00.99.H98"
    membership = AuditEntry.objects.filter(object_type="core.membership").latest("id")
    assert membership.agency_code  # a membership is recorded under its agency


def test_audit_context_attributes_actor_and_ip() -> None:
    user = UserFactory()
    with audit_context(actor=user, ip="203.0.113.9"):
        CalendarOverride.objects.create(date=dt.date(2027, 3, 5), kind="day_off", reason="Lễ hội")
    entry = AuditEntry.objects.latest("id")
    assert entry.object_type == "core.calendaroverride"
    assert entry.actor == user
    assert entry.actor_repr == user.username
    assert entry.ip == "203.0.113.9"


def test_write_in_a_request_is_attributed_to_the_user_and_ip(
    agency_tree: AgencyTree, client: Client
) -> None:
    user = agency_tree.officer_a
    client.force_login(user)
    response = client.post(
        "/tai-khoan/khoa-api/", {"name": "Phần mềm thống kê"}, REMOTE_ADDR="198.51.100.23"
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action="token_create").latest("id")
    assert entry.actor == user
    assert entry.ip == "198.51.100.23"
    assert entry.object_repr.startswith("Phần mềm thống kê")


def test_admin_write_is_attributed_through_the_middleware(
    agency_tree: AgencyTree, client: Client
) -> None:
    admin = agency_tree.province_admin
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    response = client.post(
        "/quan-tri/core/calendaroverride/add/",
        {"date": "05/03/2027", "kind": "day_off", "reason": "Lễ hội Lam Kinh"},
        REMOTE_ADDR="192.0.2.44",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.filter(object_type="core.calendaroverride").latest("id")
    assert entry.action == "create"
    assert entry.actor == admin
    assert entry.ip == "192.0.2.44"


def test_login_and_failed_login_are_recorded(agency_tree: AgencyTree, client: Client) -> None:
    user = agency_tree.officer_a
    client.post(
        "/tai-khoan/dang-nhap/",
        {"username": user.username, "password": "sai"},
        REMOTE_ADDR="1.2.3.4",
    )
    failed = AuditEntry.objects.filter(action="login_failed").latest("id")
    assert failed.object_repr == user.username
    assert failed.ip == "1.2.3.4"
    from tests.core.factories import PASSWORD

    response = client.post(
        "/tai-khoan/dang-nhap/", {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    login = AuditEntry.objects.filter(action="login").latest("id")
    assert login.actor == user
    # The last_login bump alone is not recorded as an update of the user.
    assert not AuditEntry.objects.filter(
        action="update", object_type="core.user", object_id=str(user.pk), id__gt=login.id
    ).exists()


def test_audit_suppressed_skips_automatic_entries() -> None:
    before = AuditEntry.objects.count()
    with audit_suppressed():
        AgencyFactory()
    assert AuditEntry.objects.count() == before


def test_secrets_are_never_written_to_the_audit_log() -> None:
    user = UserFactory(username="bimat")
    token, key = token_create(user=user, name="khoá bí mật")
    user.set_password("Mot-mat-khau-moi-2027")
    user.save()
    ApiToken.objects.get(pk=token.pk).save()  # an ORM save of the token itself
    entries = AuditEntry.objects.filter(object_type__in=["core.user", "core.apitoken"])
    user_entries = [e for e in entries if e.object_type == "core.user"]
    assert user_entries
    for e in user_entries:
        assert e.changes.get("password") == "***"
    dump = " ".join(str(e.changes) + e.object_repr for e in AuditEntry.objects.all())
    assert key not in dump
    assert token.key_hash not in dump
    assert user.password not in dump


def test_audit_verify_is_ok_on_a_clean_chain() -> None:
    for i in range(5):
        audit_record(action="test", object_type="test.thing", object_id=i)
    report = audit_verify()
    assert report.ok, report.problems
    assert report.checked == AuditEntry.objects.count() >= 5


def test_audit_verify_is_ok_on_a_fresh_database() -> None:
    """Whatever the migrations wrote (or nothing at all) forms a valid chain."""
    report = audit_verify()
    assert report.ok, report.problems
    assert report.checked == AuditEntry.objects.count()


def _five_entries() -> list[AuditEntry]:
    for i in range(5):
        audit_record(action="test", object_type="test.thing", object_id=i, changes={"n": i})
    return chain()


def test_audit_verify_detects_an_edited_row() -> None:
    entries = _five_entries()
    victim = entries[2]
    tamper(f"UPDATE {TABLE} SET object_id = %s WHERE id = %s", ["999", victim.pk])
    report = audit_verify()
    assert not report.ok
    assert any(f"#{victim.pk}" in p for p in report.problems)


def test_audit_verify_detects_an_edited_actor_or_ip() -> None:
    entries = _five_entries()
    tamper(f"UPDATE {TABLE} SET ip = %s WHERE id = %s", ["10.0.0.1", entries[1].pk])
    assert not audit_verify().ok


def test_audit_verify_detects_a_row_deleted_in_the_middle() -> None:
    entries = _five_entries()
    victim = entries[2]
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [victim.pk])
    report = audit_verify()
    assert not report.ok
    assert any(f"#{entries[3].pk}" in p for p in report.problems)


def test_audit_verify_detects_the_last_row_deleted() -> None:
    entries = _five_entries()
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [entries[-1].pk])
    report = audit_verify()
    assert not report.ok
    assert report.checked == len(entries) - 1


def test_audit_verify_detects_a_rewritten_tail() -> None:
    """Recomputing the hash of an edited last row does not fool the head row."""
    from tinhso.core.audit import compute_hash

    entries = _five_entries()
    last = AuditEntry.objects.get(pk=entries[-1].pk)
    last.object_id = "42"
    new_hash = compute_hash(last)
    tamper(
        f"UPDATE {TABLE} SET object_id = %s, hash = %s WHERE id = %s",
        ["42", new_hash, last.pk],
    )
    assert not audit_verify().ok


def test_audit_entries_cannot_be_updated_or_deleted_through_the_model() -> None:
    entry = audit_record(action="test", object_type="test.thing")
    entry.object_id = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(object_id="changed")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).object_id == ""
    assert audit_verify().ok


def test_deleting_a_user_keeps_the_chain_valid() -> None:
    user = UserFactory()
    with audit_context(actor=user, ip="127.0.0.1"):
        AgencyFactory()
    acted = AuditEntry.objects.filter(actor_id=user.pk).latest("id")
    user.delete()
    assert audit_verify().ok, audit_verify().problems
    acted.refresh_from_db()
    assert acted.actor_repr == user.username


def test_cli_audit_verify_succeeds_on_a_clean_chain() -> None:
    _five_entries()
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "toàn vẹn" in out.getvalue()


def test_cli_audit_verify_fails_on_a_tampered_chain() -> None:
    entries = _five_entries()
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [entries[1].pk])
    err = StringIO()
    with pytest.raises(CommandError, match="KHÔNG toàn vẹn"):
        call_command("audit", "verify", stdout=StringIO(), stderr=err)
    assert f"#{entries[2].pk}" in err.getvalue()


def test_agency_count_unchanged_when_audit_write_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """A write and its audit entry share one transaction: no entry, no write."""
    from django.db import transaction

    from tinhso.core import audit

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("audit store down")

    monkeypatch.setattr(audit, "_jsonable", broken)
    before = Agency.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        AgencyFactory()
    assert Agency.objects.count() == before


def test_chain_survives_a_dumpdata_loaddata_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Backups made with Django's serializers must restore a verifiable chain."""
    _five_entries()
    dump = tmp_path / "audit.json"
    call_command(
        "dumpdata", "core.auditentry", "core.audithead", output=str(dump), stdout=StringIO()
    )
    with audit_guard_lifted():  # restoring into an empty database
        raw_sql(f"DELETE FROM {TABLE}", [])
        raw_sql(f"DELETE FROM {AuditHead._meta.db_table}", [])
    call_command("loaddata", str(dump), stdout=StringIO())
    report = audit_verify()
    assert report.ok, report.problems
    assert report.checked >= 5

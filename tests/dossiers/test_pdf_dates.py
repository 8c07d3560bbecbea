"""A form records one event: its date, note and appointment dates are those of the
event, whether the PDF is made by the background task right after it, by a task that
runs late, or on first download a year later; a kept PDF is not regenerated."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tests.dossiers.conftest import World
from tests.dossiers.test_pdf_forms import pdf_text
from tinhso.dossiers.models import Dossier
from tinhso.dossiers.pdf.issue import form_latest_or_issue
from tinhso.dossiers.services import dossier_act

pytestmark = pytest.mark.django_db


def at(y: int, m: int, d: int, hour: int) -> dt.datetime:
    """``hour`` o'clock in Vietnam (UTC+7)."""
    return dt.datetime(y, m, d, hour - 7, tzinfo=dt.UTC)


def today_line() -> str:
    return f"Ngày {timezone.localdate():%d/%m/%Y}"


def flat(text: str) -> str:
    return " ".join(text.split())


def received_in_2025(world: World) -> Dossier:
    with time_machine.travel(at(2025, 11, 3, 9), tick=False):  # a Monday
        return dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)


def test_a_receipt_downloaded_a_year_later_carries_the_date_of_receipt(world: World) -> None:
    d = received_in_2025(world)
    due_at_receipt = d.due_date
    assert due_at_receipt is not None

    form = form_latest_or_issue(dossier=d, kind="receipt")
    text = flat(pdf_text(form.file.read()))
    assert "Ngày 03/11/2025" in text
    assert today_line() not in text
    assert "09 giờ 00 phút, ngày 03/11/2025" in text
    assert f"ngày {due_at_receipt:%d/%m/%Y}" in text
    # Kept with the dossier: the next download is the same PDF, not a new one.
    again = form_latest_or_issue(dossier=d, kind="receipt")
    assert again.pk == form.pk and d.forms.filter(kind="receipt").count() == 1


def test_the_receipt_keeps_the_appointment_given_at_receipt(world: World) -> None:
    d = received_in_2025(world)
    due_at_receipt = d.due_date
    with time_machine.travel(at(2025, 11, 4, 10), tick=False):
        d = dossier_act(
            dossier=d, action="request_additions", actor=world.specialist, note="Thiếu ảnh 3x4"
        )
    with time_machine.travel(at(2025, 11, 14, 9), tick=False):
        d = dossier_act(dossier=d, action="supply_additions", actor=world.citizen)
    assert d.due_date is not None and due_at_receipt is not None
    assert d.due_date > due_at_receipt  # the pause moved it

    receipt = flat(pdf_text(form_latest_or_issue(dossier=d, kind="receipt").file.read()))
    assert f"ngày {due_at_receipt:%d/%m/%Y}" in receipt
    assert f"{d.due_date:%d/%m/%Y}" not in receipt

    additions = flat(pdf_text(form_latest_or_issue(dossier=d, kind="additions").file.read()))
    assert "Ngày 04/11/2025" in additions and "Thiếu ảnh 3x4" in additions
    assert today_line() not in additions


def test_the_apology_keeps_its_date_the_missed_due_date_and_the_new_one(world: World) -> None:
    d = received_in_2025(world)
    missed = d.due_date
    assert missed is not None
    with time_machine.travel(at(2025, 11, 10, 15), tick=False):
        d = dossier_act(
            dossier=d,
            action="apologize",
            actor=world.leader,
            note="Chờ xác minh",
            new_due_date=dt.date(2025, 11, 20),
        )
    # Later the dossier is paused for additions, which moves its due date again.
    with time_machine.travel(at(2025, 11, 11, 9), tick=False):
        d = dossier_act(dossier=d, action="request_additions", actor=world.specialist, note="x")
    with time_machine.travel(at(2025, 11, 17, 9), tick=False):
        d = dossier_act(dossier=d, action="supply_additions", actor=world.citizen)
    assert d.due_date != missed

    text = flat(pdf_text(form_latest_or_issue(dossier=d, kind="apology").file.read()))
    assert "Ngày 10/11/2025" in text and today_line() not in text
    assert f"Thời hẹn trả kết quả giải quyết hồ sơ: ngày {missed:%d/%m/%Y}" in text
    assert "vào ngày 20/11/2025" in text


@pytest.mark.parametrize(("kind", "action"), [("refusal", "refuse"), ("stop", "stop")])
def test_refusal_and_stop_carry_the_date_of_their_event(
    world: World, kind: str, action: str
) -> None:
    d = received_in_2025(world)
    with time_machine.travel(at(2025, 11, 5, 14), tick=False):
        actor = world.leader if action == "stop" else world.specialist
        d = dossier_act(dossier=d, action=action, actor=actor, note="Lý do cụ thể")
    text = flat(pdf_text(form_latest_or_issue(dossier=d, kind=kind).file.read()))
    assert "Ngày 05/11/2025" in text and today_line() not in text
    assert "Lý do cụ thể" in text


def test_a_repeated_request_for_additions_gets_its_own_form(world: World) -> None:
    d = received_in_2025(world)
    with time_machine.travel(at(2025, 11, 4, 10), tick=False):
        d = dossier_act(dossier=d, action="request_additions", actor=world.specialist, note="Lần 1")
        first = form_latest_or_issue(dossier=d, kind="additions")
    with time_machine.travel(at(2025, 11, 6, 9), tick=False):
        d = dossier_act(dossier=d, action="supply_additions", actor=world.citizen)
    with time_machine.travel(at(2025, 11, 7, 9), tick=False):
        d = dossier_act(dossier=d, action="request_additions", actor=world.specialist, note="Lần 2")
    second = form_latest_or_issue(dossier=d, kind="additions")
    assert second.pk != first.pk
    text = flat(pdf_text(second.file.read()))
    assert "Ngày 07/11/2025" in text and "Lần 2" in text and "Lần 1" not in text
    assert form_latest_or_issue(dossier=d, kind="additions").pk == second.pk
    # The first stays as it was sent.
    assert "Lần 1" in flat(pdf_text(first.file.read()))


def test_a_background_task_that_runs_late_dates_the_forms_by_the_event(
    world: World, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with time_machine.travel(at(2025, 11, 3, 9), tick=False):
        d = world.submit()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            d = dossier_act(dossier=d, action="receive", actor=world.one_stop)
        with django_capture_on_commit_callbacks(execute=False) as later:
            d = dossier_act(
                dossier=d, action="request_additions", actor=world.specialist, note="Lần 1"
            )
    with (
        time_machine.travel(at(2025, 11, 5, 9), tick=False),
        django_capture_on_commit_callbacks(execute=False) as last,
    ):
        d = dossier_act(dossier=d, action="supply_additions", actor=world.citizen)
        d = dossier_act(dossier=d, action="request_additions", actor=world.specialist, note="Lần 2")
    # The queue was down for a year: the tasks run now, in order.
    for callback in [*callbacks, *later, *last]:
        callback()
    receipt = d.forms.get(kind="receipt")
    assert "Ngày 03/11/2025" in flat(pdf_text(receipt.file.read()))
    control = flat(pdf_text(d.forms.get(kind="control").file.read()))
    assert "Ngày 03/11/2025" in control and today_line() not in control
    # Each request for additions has its own form, dated and worded as that request.
    first, second = d.forms.filter(kind="additions").order_by("created_at", "id")
    first_text, second_text = flat(pdf_text(first.file.read())), flat(pdf_text(second.file.read()))
    assert "Ngày 03/11/2025" in first_text and "Lần 1" in first_text
    assert "Lần 2" not in first_text
    assert "Ngày 05/11/2025" in second_text and "Lần 2" in second_text
    # Downloads give the kept PDFs.
    assert form_latest_or_issue(dossier=d, kind="additions").pk == second.pk
    assert form_latest_or_issue(dossier=d, kind="receipt").pk == receipt.pk

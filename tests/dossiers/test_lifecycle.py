"""Dossier lifecycle: transitions, roles and agencies, stale actions, deadlines."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from tests.core.factories import officer
from tests.dossiers.conftest import World, pdf_upload
from tinhso.core.models import Agency, CalendarOverride, Role
from tinhso.dossiers.models import (
    Dossier,
    DossierEvent,
    FeeStatus,
    State,
    Timeliness,
)
from tinhso.dossiers.services import (
    DossierConflict,
    DossierError,
    DossierForbidden,
    DossierNotFound,
    Upload,
    allowed_actions,
    dossier_act,
    dossier_rate,
)
from tinhso.dossiers.workflow import ACTIONS

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y: int, m: int, d: int, h: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, minute, tzinfo=VN)


def test_submitted_dossier_has_a_code_in_the_national_form(world: World) -> None:
    with time_machine.travel(at(2027, 3, 2), tick=False):
        first = world.submit()
        second = world.submit()
    assert first.code == "001.00.99.H98-270302-0001"
    assert second.code == "001.00.99.H98-270302-0002"
    assert re.match(r"^[0-9A-Z.]+-\d{6}-\d{4,}$", first.code)
    assert first.state == State.SUBMITTED
    assert first.prefilled and first.applicant_name == "Nguyễn Thị Hoà"
    assert first.events.get().action == "submit"


def test_sequence_restarts_each_day_and_per_agency(world: World) -> None:
    with time_machine.travel(at(2027, 3, 2), tick=False):
        world.submit()
    with time_machine.travel(at(2027, 3, 3), tick=False):
        d = world.submit()
    assert d.code.endswith("-270303-0001")


def test_receive_sets_due_date_skipping_the_weekend(world: World) -> None:
    with time_machine.travel(at(2027, 3, 4, 10), tick=False):  # Thursday
        d = world.submit()
        d = dossier_act(dossier=d, action="receive", actor=world.one_stop)
    # Thu + 3 working days: Fri 5, Mon 8, Tue 9.
    assert d.due_date == dt.date(2027, 3, 9)
    assert d.state == State.RECEIVED
    assert d.current_role == Role.SPECIALIST
    assert d.received_by == world.one_stop


def test_due_date_across_tet_2027(world: World) -> None:
    # Tết 2027: Thu 4 – Wed 10 February are days off.
    with time_machine.travel(at(2027, 2, 3, 10), tick=False):
        d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    assert d.due_date == dt.date(2027, 2, 15)  # Thu 11, Fri 12, Mon 15


def test_receipt_after_the_cutoff_counts_from_the_next_working_day(world: World) -> None:
    with time_machine.travel(at(2027, 2, 3, 16, 30), tick=False):
        d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    # Counts as received on Thu 11 Feb (first working day after Tết): 12, 15, 16.
    assert d.due_date == dt.date(2027, 2, 16)


def test_province_day_off_override_moves_the_due_date(world: World) -> None:
    CalendarOverride.objects.create(
        date=dt.date(2027, 3, 8), kind=CalendarOverride.Kind.DAY_OFF, reason="Nghỉ bù"
    )
    with time_machine.travel(at(2027, 3, 4, 10), tick=False):
        d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    assert d.due_date == dt.date(2027, 3, 10)


def _to_result(world: World, d: Dossier) -> Dossier:
    d = dossier_act(dossier=d, action="forward", actor=world.specialist)
    assert d.state == State.PROCESSING and d.current_role == Role.LEADER
    return dossier_act(dossier=d, action="forward", actor=world.leader)


def test_full_lifecycle_to_returned_is_classified_early(world: World) -> None:
    with time_machine.travel(at(2027, 3, 4, 10), tick=False):
        d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    with time_machine.travel(at(2027, 3, 5, 10), tick=False):
        d = _to_result(world, d)
        assert d.state == State.RESULT_READY
        assert d.timeliness == Timeliness.EARLY
        d = dossier_act(dossier=d, action="return_result", actor=world.one_stop)
    assert d.state == State.RETURNED
    actions = list(d.events.values_list("action", flat=True))
    assert actions == ["submit", "receive", "forward", "forward", "result_ready", "return_result"]
    receive = d.events.get(action="receive")
    assert receive.actor == world.one_stop and receive.from_state == State.SUBMITTED


def test_finishing_on_the_due_date_is_on_time_and_after_it_late(world: World) -> None:
    with time_machine.travel(at(2027, 3, 4, 10), tick=False):
        d1 = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
        d2 = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    with time_machine.travel(at(2027, 3, 9, 15), tick=False):
        d1 = _to_result(world, d1)
    with time_machine.travel(at(2027, 3, 10, 8), tick=False):
        d2 = _to_result(world, d2)
    assert d1.timeliness == Timeliness.ON_TIME
    assert d2.timeliness == Timeliness.LATE


def test_another_agencys_officer_gets_not_found(world: World) -> None:
    d = world.submit()
    with pytest.raises(DossierNotFound):
        dossier_act(dossier=d, action="receive", actor=world.other_one_stop)
    d.refresh_from_db()
    assert d.state == State.SUBMITTED and d.version == 1


def test_wrong_role_of_the_right_agency_is_forbidden(world: World) -> None:
    d = world.submit()
    with pytest.raises(DossierForbidden):
        dossier_act(dossier=d, action="receive", actor=world.specialist)
    d = dossier_act(dossier=d, action="receive", actor=world.one_stop)
    with pytest.raises(DossierForbidden):
        dossier_act(dossier=d, action="forward", actor=world.leader)  # step 1 is a specialist's
    with pytest.raises(DossierForbidden):
        dossier_act(dossier=d, action="forward", actor=world.one_stop)


def test_citizen_cannot_act_as_officer(world: World) -> None:
    d = world.submit()
    with pytest.raises(DossierForbidden):
        dossier_act(dossier=d, action="receive", actor=world.citizen)


def test_action_out_of_order_is_a_conflict_naming_the_current_state(world: World) -> None:
    d = world.submit()
    with pytest.raises(DossierConflict) as err:
        dossier_act(dossier=d, action="return_result", actor=world.one_stop)
    assert err.value.state == State.SUBMITTED
    assert "Chờ tiếp nhận" in err.value.message


def test_stale_action_is_refused_and_not_applied_twice(world: World) -> None:
    d = world.submit()
    dossier_act(dossier=d, action="receive", actor=world.one_stop, expected_version=1)
    with pytest.raises(DossierConflict) as err:
        dossier_act(dossier=d, action="receive", actor=world.one_stop, expected_version=1)
    assert err.value.state == State.RECEIVED
    assert "Đã tiếp nhận" in err.value.message
    d.refresh_from_db()
    assert d.version == 2
    assert d.events.filter(action="receive").count() == 1


def test_stale_version_is_refused_even_when_the_state_would_allow(world: World) -> None:
    d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    with pytest.raises(DossierConflict):
        dossier_act(
            dossier=d,
            action="request_additions",
            actor=world.specialist,
            note="Thiếu bản sao",
            expected_version=1,
        )
    d.refresh_from_db()
    assert d.state == State.RECEIVED


def test_unknown_action_is_refused(world: World) -> None:
    with pytest.raises(DossierError):
        dossier_act(dossier=world.submit(), action="approve_everything", actor=world.one_stop)


def test_refusal_needs_a_reason(world: World) -> None:
    d = world.submit()
    with pytest.raises(DossierError):
        dossier_act(dossier=d, action="refuse", actor=world.one_stop, note="  ")
    d = dossier_act(dossier=d, action="refuse", actor=world.one_stop, note="Sai thẩm quyền")
    assert d.state == State.REFUSED and d.closed_at is not None


def test_additions_before_receipt_do_not_start_the_clock(world: World) -> None:
    d = dossier_act(
        dossier=world.submit(), action="request_additions", actor=world.one_stop, note="Thiếu ảnh"
    )
    assert d.state == State.ADDITIONS_REQUESTED and d.paused_since is None
    d = dossier_act(
        dossier=d,
        action="supply_additions",
        actor=world.citizen,
        uploads=[Upload(file=pdf_upload("bo-sung.pdf"))],
    )
    assert d.state == State.SUBMITTED and d.due_date is None
    assert d.documents.filter(kind="addition").count() == 1


def test_additions_during_processing_pause_and_extend_the_due_date(world: World) -> None:
    world.procedure.processing_days = 5
    world.procedure.save()
    with time_machine.travel(at(2027, 2, 1, 9), tick=False):  # Monday before Tết
        d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    assert d.due_date == dt.date(2027, 2, 15)  # Tue 2, Wed 3, Thu 11, Fri 12, Mon 15
    with time_machine.travel(at(2027, 2, 2, 10), tick=False):
        d = dossier_act(
            dossier=d, action="request_additions", actor=world.specialist, note="Thiếu tờ khai"
        )
    assert d.state == State.ADDITIONS_REQUESTED and d.resume_state == State.RECEIVED
    with time_machine.travel(at(2027, 2, 15, 9), tick=False):
        d = dossier_act(dossier=d, action="supply_additions", actor=world.citizen)
    # Paused working days in (2 Feb, 15 Feb]: 3, 11, 12, 15 → 4; due 15 → 19 Feb.
    assert d.paused_working_days == 4
    assert d.due_date == dt.date(2027, 2, 19)
    assert d.original_due_date == dt.date(2027, 2, 15)
    assert d.state == State.RECEIVED


def test_pause_and_resume_by_a_leader(world: World) -> None:
    with time_machine.travel(at(2027, 3, 1, 9), tick=False):
        d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    with pytest.raises(DossierForbidden):
        dossier_act(dossier=d, action="pause", actor=world.specialist, note="Chờ xác minh")
    with time_machine.travel(at(2027, 3, 1, 10), tick=False):
        d = dossier_act(dossier=d, action="pause", actor=world.leader, note="Chờ xác minh")
    assert d.state == State.PAUSED
    with time_machine.travel(at(2027, 3, 3, 10), tick=False):
        d = dossier_act(dossier=d, action="resume", actor=world.leader)
    assert d.state == State.RECEIVED
    assert d.due_date == dt.date(2027, 3, 4) + dt.timedelta(days=4)  # Thu 4 + 2 → Mon 8


def test_a_single_apology_with_a_later_working_day(world: World) -> None:
    with time_machine.travel(at(2027, 3, 4, 10), tick=False):
        d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    with time_machine.travel(at(2027, 3, 9, 10), tick=False):
        with pytest.raises(DossierError):
            dossier_act(
                dossier=d,
                action="apologize",
                actor=world.leader,
                note="Chờ xác minh",
                new_due_date=dt.date(2027, 3, 13),  # a Saturday
            )
        with pytest.raises(DossierError):
            dossier_act(
                dossier=d,
                action="apologize",
                actor=world.leader,
                note="Chờ xác minh",
                new_due_date=dt.date(2027, 3, 8),
            )
        d = dossier_act(
            dossier=d,
            action="apologize",
            actor=world.leader,
            note="Chờ xác minh",
            new_due_date=dt.date(2027, 3, 12),
        )
        assert d.apology_due_date == dt.date(2027, 3, 12)
        assert d.appointment_date == dt.date(2027, 3, 12)
        assert "apologize" not in allowed_actions(world.leader, d)
        with pytest.raises(DossierConflict):
            dossier_act(
                dossier=d,
                action="apologize",
                actor=world.leader,
                note="Lần hai",
                new_due_date=dt.date(2027, 3, 15),
            )
    with time_machine.travel(at(2027, 3, 11, 10), tick=False):
        d = _to_result(world, d)
    # Late against the legal due date even though the apology promised the 12th.
    assert d.timeliness == Timeliness.LATE


def test_transfer_hands_the_dossier_to_another_agency(world: World) -> None:
    d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    dept_specialist = world.tree.dept_officer
    d = dossier_act(
        dossier=d,
        action="transfer",
        actor=world.specialist,
        note="Cần Sở Tư pháp thẩm định",
        target_agency=world.tree.dept_a,
    )
    assert d.current_agency == world.tree.dept_a and d.state == State.PROCESSING
    d = dossier_act(dossier=d, action="forward", actor=dept_specialist)
    assert d.current_role == Role.LEADER


def test_parent_scope_step_goes_to_the_parent_agency(world: World) -> None:
    from tests.dossiers.factories import WorkflowStepFactory
    from tinhso.procedures.models import WorkflowStep

    world.procedure.workflow.filter(role=Role.LEADER).delete()
    WorkflowStepFactory(
        procedure=world.procedure,
        position=3,
        role=Role.LEADER,
        agency_scope=WorkflowStep.AgencyScope.PARENT,
    )
    province_leader = officer(world.tree.province, Role.LEADER, username="lanhdao.tinh")
    d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    d = dossier_act(dossier=d, action="forward", actor=world.specialist)
    assert d.current_agency == world.tree.province
    with pytest.raises(DossierForbidden):
        dossier_act(dossier=d, action="forward", actor=world.leader)
    d = dossier_act(dossier=d, action="forward", actor=province_leader)
    assert d.state == State.RESULT_READY


def test_withdraw_by_the_applicant(world: World) -> None:
    d = dossier_act(dossier=world.submit(), action="withdraw", actor=world.citizen)
    assert d.state == State.WITHDRAWN
    with pytest.raises(DossierConflict):
        dossier_act(dossier=d, action="receive", actor=world.one_stop)


def test_stop_issues_a_notice_in_the_background(
    world: World, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    with django_capture_on_commit_callbacks(execute=True):
        d = dossier_act(dossier=d, action="stop", actor=world.leader, note="Người nộp qua đời")
    assert d.state == State.STOPPED
    notice = d.forms.get(kind="stop")
    assert notice.file.read().startswith(b"%PDF-")
    # The applicant was told in the portal and by SMS (simulator).
    channels = set(d.notifications.values_list("channel", flat=True))
    assert {"in_app", "sms", "email"} <= channels


def test_rating_only_after_a_result_and_only_once(world: World) -> None:
    d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    with pytest.raises(DossierConflict):
        dossier_rate(dossier=d, user=world.citizen, rating=5)
    d = _to_result(world, d)
    with pytest.raises(DossierError):
        dossier_rate(dossier=d, user=world.citizen, rating=6)
    d = dossier_rate(dossier=d, user=world.citizen, rating=4, comment="Nhanh")
    assert d.rating == 4
    with pytest.raises(DossierConflict):
        dossier_rate(dossier=d, user=world.citizen, rating=5)
    with pytest.raises(DossierNotFound):
        dossier_rate(dossier=d, user=world.one_stop, rating=5)


def test_every_action_lists_its_states_and_actors() -> None:
    for action in ACTIONS.values():
        assert action.from_states and action.actors, action.name


def test_fee_before_receipt_waits_for_payment(world: World) -> None:
    from tinhso.dossiers.receivers import on_payment_succeeded, payment_reference
    from tinhso.procedures.models import Procedure

    world.procedure.fee_amount = 50000
    world.procedure.fee_timing = Procedure.FeeTiming.BEFORE_RECEIPT
    world.procedure.save()
    d = world.submit()
    assert d.state == State.AWAITING_PAYMENT and d.fee_status == FeeStatus.UNPAID
    with pytest.raises(DossierConflict):
        dossier_act(dossier=d, action="receive", actor=world.one_stop)

    class Payment:
        reference = payment_reference(d.code)

    on_payment_succeeded(sender=Payment, payment=Payment())
    on_payment_succeeded(sender=Payment, payment=Payment())  # replayed callback
    d.refresh_from_db()
    assert d.state == State.SUBMITTED and d.fee_status == FeeStatus.PAID and d.paid_online
    assert d.events.filter(action="confirm_payment").count() == 1


def test_fee_before_result_waits_after_processing(world: World) -> None:
    from tinhso.procedures.models import Procedure

    world.procedure.fee_amount = 20000
    world.procedure.fee_timing = Procedure.FeeTiming.BEFORE_RESULT
    world.procedure.save()
    d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    d = _to_result(world, d)
    assert d.state == State.AWAITING_PAYMENT and d.timeliness
    d = dossier_act(dossier=d, action="confirm_payment", actor=world.one_stop)
    assert d.state == State.RESULT_READY and not d.paid_online


def test_payment_callback_for_an_unknown_reference_changes_nothing(world: World) -> None:
    from tinhso.dossiers.receivers import on_payment_succeeded

    d = world.submit()

    class Payment:
        reference = "KHONG-CO:fee"

    on_payment_succeeded(sender=Payment, payment=Payment())
    assert Dossier.objects.get(pk=d.pk).version == 1


def test_events_record_who_when_and_why(world: World) -> None:
    d = world.submit()
    with time_machine.travel(at(2027, 3, 2, 9, 30), tick=False):
        dossier_act(dossier=d, action="refuse", actor=world.one_stop, note="Không thuộc thẩm quyền")
    event = DossierEvent.objects.get(dossier=d, action="refuse")
    assert event.actor == world.one_stop
    assert event.actor_name == world.one_stop.full_name
    assert timezone.localtime(event.at) == at(2027, 3, 2, 9, 30)
    assert event.note == "Không thuộc thẩm quyền"
    assert event.agency == Agency.objects.get(pk=d.agency_id)


def test_the_follow_up_is_queued_in_the_events_transaction(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    """Database queue: the follow-up row is written with the event (no commit of its
    own, never lost between commit and enqueue) and rolled back with it."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    before = DBTaskResult.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        world.submit()
        assert DBTaskResult.objects.count() == before + 1
        raise RuntimeError("the request failed after the submission")
    assert DBTaskResult.objects.count() == before
    d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    queued = DBTaskResult.objects.order_by("enqueued_at")
    assert queued.count() == before + 2
    assert queued.last().args_kwargs["args"][2] == ["receipt", "control"]  # type: ignore[union-attr]
    assert d.state == State.RECEIVED

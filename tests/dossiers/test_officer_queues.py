"""Officer queues (to receive, to process, to approve, due soon, overdue), bulk receive, and
deadlines that skip weekends and Tết (core working-day calendar)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.dossiers.conftest import World
from tinhso.dossiers import selectors
from tinhso.dossiers.models import Dossier, State
from tinhso.dossiers.services import dossier_act

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: str, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=HCM)


def received(world: World, when: dt.datetime) -> Dossier:
    with time_machine.travel(when, tick=False):
        return dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)


def codes(user: Any, queue: str, day: str) -> set[str]:
    today = dt.date.fromisoformat(day)
    return set(
        selectors.dossier_queue(user=user, queue=queue, today=today).values_list("code", flat=True)
    )


def test_due_date_skips_tet_and_the_weekend(world: World) -> None:
    # Tết 2027: Thursday 4/2 to Wednesday 10/2 are days off (6–7/2 is a weekend too).
    d = received(world, at("2027-02-03"))  # Wednesday, before the cut-off
    assert d.due_date == dt.date(2027, 2, 15)  # Thu 11, Fri 12, Mon 15
    late_in_day = received(world, at("2027-02-03", 16, 30))  # after the 16:00 cut-off
    assert late_in_day.due_date == dt.date(2027, 2, 16)  # counts from Thu 11/2
    on_saturday = received(world, at("2027-03-06"))
    assert on_saturday.due_date == dt.date(2027, 3, 11)  # counts from Mon 8/3: Tue, Wed, Thu


def test_due_soon_and_overdue_queues_use_working_days(world: World) -> None:
    d = received(world, at("2027-02-03"))  # due Mon 15/2
    one_stop = world.one_stop
    assert d.code not in codes(one_stop, "due_soon", "2027-02-03")  # 2 working days: Thu 11, Fri 12
    assert d.code in codes(one_stop, "due_soon", "2027-02-11")
    assert d.code in codes(one_stop, "due_soon", "2027-02-04")  # first day of Tết: Thu 11 → Mon 15
    assert d.code in codes(one_stop, "due_soon", "2027-02-06")  # a Saturday in Tết
    assert d.code in codes(one_stop, "due_soon", "2027-02-15")
    assert d.code not in codes(one_stop, "overdue", "2027-02-15")
    assert d.code in codes(one_stop, "overdue", "2027-02-16")
    assert d.code not in codes(one_stop, "due_soon", "2027-02-16")
    # the officer of another commune never sees it
    assert not codes(world.other_one_stop, "overdue", "2027-02-16")
    assert not codes(world.other_one_stop, "due_soon", "2027-02-11")


def test_waiting_for_additions_is_neither_due_soon_nor_overdue(world: World) -> None:
    d = received(world, at("2027-03-01"))  # due Thu 4/3
    with time_machine.travel(at("2027-03-02"), tick=False):
        dossier_act(dossier=d, action="request_additions", actor=world.one_stop, note="Thiếu")
    assert d.code not in codes(world.one_stop, "overdue", "2027-03-10")
    assert d.code not in codes(world.one_stop, "due_soon", "2027-03-03")
    with time_machine.travel(at("2027-03-10"), tick=False):
        d = dossier_act(dossier=d, action="supply_additions", actor=world.citizen)
    # paused (2/3, 10/3]: Wed 3 … Wed 10 = 6 working days → due Fri 12/3
    assert d.due_date == dt.date(2027, 3, 12)
    assert d.code not in codes(world.one_stop, "overdue", "2027-03-11")
    assert d.code in codes(world.one_stop, "due_soon", "2027-03-11")


def test_finished_dossiers_leave_the_deadline_queues(world: World) -> None:
    d = received(world, at("2027-03-01"))
    with time_machine.travel(at("2027-03-08"), tick=False):
        d = dossier_act(dossier=d, action="forward", actor=world.specialist)
        d = dossier_act(dossier=d, action="forward", actor=world.leader)
    assert d.state == State.RESULT_READY and d.timeliness == "late"
    assert d.code not in codes(world.one_stop, "overdue", "2027-03-09")
    assert d.code in codes(world.one_stop, "to_return", "2027-03-09")


def test_role_queues(world: World) -> None:
    waiting = world.submit()
    assert codes(world.one_stop, "to_receive", "2027-03-01") == {waiting.code}
    assert not codes(world.specialist, "to_receive", "2027-03-01")
    assert not codes(world.other_one_stop, "to_receive", "2027-03-01")
    d = dossier_act(dossier=waiting, action="receive", actor=world.one_stop)
    assert codes(world.specialist, "to_process", "2027-03-01") == {d.code}
    assert not codes(world.leader, "to_approve", "2027-03-01")
    assert not codes(world.one_stop, "to_receive", "2027-03-01")
    d = dossier_act(dossier=d, action="forward", actor=world.specialist)
    assert not codes(world.specialist, "to_process", "2027-03-01")
    assert codes(world.leader, "to_approve", "2027-03-01") == {d.code}


def test_workspace_marks_overdue_dossiers(client: Client, world: World) -> None:
    d = received(world, at("2027-02-03"))
    with time_machine.travel(at("2027-02-16"), tick=False):
        client.force_login(world.one_stop)
        html = client.get(reverse("dossiers:workspace") + "?hang=overdue").content.decode()
    assert d.code in html and "15/02/2027 (quá hạn)" in html


def test_bulk_receive_reports_what_it_could_not_receive(client: Client, world: World) -> None:
    mine_a, mine_b = world.submit(), world.submit()
    already = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    with time_machine.travel(at("2027-02-03"), tick=False):
        client.force_login(world.one_stop)
        r = client.post(
            reverse("dossiers:bulk_receive"),
            {"codes": [mine_a.code, mine_b.code, already.code, "KHONG-CO"]},
            follow=True,
        )
    html = r.content.decode()
    assert "Đã tiếp nhận 2 hồ sơ." in html
    assert already.code in html
    # An unknown code is named with the reason, not as a bare code.
    assert "KHONG-CO: không tìm thấy hồ sơ này trong các cơ quan bạn phụ trách." in html
    for d in (mine_a, mine_b):
        d.refresh_from_db()
        assert d.state == State.RECEIVED and d.due_date == dt.date(2027, 2, 15)
        assert d.received_by_id == world.one_stop.pk
    already.refresh_from_db()
    assert already.events.filter(action="receive").count() == 1


def test_bulk_receive_is_refused_to_others(client: Client, world: World) -> None:
    d = world.submit()
    for user in (world.other_one_stop, world.specialist, world.citizen):
        client.force_login(user)
        client.post(reverse("dossiers:bulk_receive"), {"codes": [d.code]})
        d.refresh_from_db()
        assert d.state == State.SUBMITTED
    client.force_login(world.one_stop)
    assert client.get(reverse("dossiers:bulk_receive")).status_code == 405


def test_workspace_shows_working_days_left_across_tet(client: Client, world: World) -> None:
    d = received(world, at("2027-02-03"))  # due Mon 15/2
    waiting = received(world, at("2027-02-03"))
    with time_machine.travel(at("2027-02-03", 10), tick=False):
        dossier_act(dossier=waiting, action="request_additions", actor=world.one_stop, note="X")
    status = selectors.deadline_status(
        Dossier.objects.filter(pk__in=[d.pk, waiting.pk]), today=dt.date(2027, 2, 4)
    )
    # from Thursday 4/2 (Tết) to Monday 15/2: Thu 11, Fri 12, Mon 15 are working days
    assert status[d.pk] == {"left": 3, "late": None, "paused": False}
    assert status[waiting.pk]["paused"]
    late = selectors.deadline_status([d], today=dt.date(2027, 2, 17))[d.pk]
    assert late["late"] == 2  # Tue 16, Wed 17
    with time_machine.travel(at("2027-02-11"), tick=False):
        client.force_login(world.one_stop)
        html = client.get(reverse("dossiers:workspace") + "?hang=all").content.decode()
    assert "còn 2 ngày làm việc" in html and "tạm dừng tính hạn" in html
    with time_machine.travel(at("2027-02-15"), tick=False):
        client.force_login(world.one_stop)
        html = client.get(reverse("dossiers:workspace") + "?hang=due_soon").content.decode()
    assert "hạn hôm nay" in html
    with time_machine.travel(at("2027-02-17"), tick=False):
        client.force_login(world.one_stop)
        html = client.get(reverse("dossiers:workspace") + "?hang=overdue").content.decode()
    assert "quá 2 ngày làm việc" in html


@pytest.mark.parametrize(
    "typed", ["nguyen thi hoa", "NGUYỄN THỊ HOÀ", "Thị Hoà", "thi hoa", "nguyễn"]
)
def test_officers_find_an_applicant_by_name_with_or_without_diacritics(
    client: Client, world: World, typed: str
) -> None:
    d = world.submit()
    assert d.applicant_name == "Nguyễn Thị Hoà"
    found = selectors.dossier_queue(user=world.one_stop, queue="all", q=typed)
    assert list(found.values_list("code", flat=True)) == [d.code]
    assert not selectors.dossier_queue(user=world.one_stop, queue="all", q="tran van")
    client.force_login(world.one_stop)
    html = client.get(reverse("dossiers:workspace"), {"hang": "all", "q": typed}).content
    assert d.code in html.decode()


def test_the_folded_name_follows_a_corrected_name(world: World) -> None:
    d = world.submit()
    d.applicant_name = "Lê Văn Đức"
    d.save(update_fields=["applicant_name"])
    d.refresh_from_db()
    assert d.applicant_search == "le van duc"
    assert selectors.dossier_queue(user=world.one_stop, queue="all", q="le van duc").exists()

"""The statistics agree with the dossiers; the charts and filters of the statistics page."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.dossiers.conftest import World, pdf_upload
from tests.dossiers.factories import (
    VALID_CITIZEN_ID,
    FieldFactory,
    ProcedureFactory,
    RequiredDocumentFactory,
)
from tinhso.dossiers import charts, selectors
from tinhso.dossiers.models import Channel, Dossier, State
from tinhso.dossiers.prefill import applicant_from_registry
from tinhso.dossiers.services import Upload, dossier_act, dossier_submit

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
START, END = dt.date(2027, 3, 1), dt.date(2027, 4, 30)


def at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=HCM)


def act(d: Dossier, action: str, who: Any, when: dt.datetime, **kw: Any) -> Dossier:
    with time_machine.travel(when, tick=False):
        return dossier_act(dossier=d, action=action, actor=who, **kw)


def received(world: World, when: dt.datetime, *, channel: str = Channel.ONLINE) -> Dossier:
    with time_machine.travel(when, tick=False):
        if channel == Channel.ONLINE:
            d = world.submit()
        else:
            d, _ = dossier_submit(
                procedure=world.procedure,
                channel=channel,
                submitted_by=world.one_stop,
                applicant=applicant_from_registry(VALID_CITIZEN_ID),
            )
        return dossier_act(dossier=d, action="receive", actor=world.one_stop)


def finish(world: World, d: Dossier, when: dt.datetime) -> Dossier:
    d = act(d, "forward", world.specialist, when)
    return act(d, "forward", world.leader, when)


@pytest.fixture
def scenarios(world: World) -> dict[str, Dossier]:
    """Dossiers of commune A over March–April 2027 (no public holiday in March; Hùng
    Kings' day falls on Friday 16 April 2027), plus one of commune B in another field."""
    s: dict[str, Dossier] = {}
    s["early"] = finish(world, received(world, at("2027-03-01")), at("2027-03-02"))
    s["on_time"] = finish(
        world, received(world, at("2027-03-01"), channel=Channel.COUNTER), at("2027-03-04")
    )
    s["late"] = finish(world, received(world, at("2027-03-01")), at("2027-03-08"))
    s["before_period"] = finish(world, received(world, at("2027-02-26")), at("2027-03-03"))
    # Paused clock: due Thu 18/3, additions from Tue 16/3 to Mon 22/3 (4 working days
    # paused) → due Wed 24/3; finished Tue 23/3 is early, not late.
    paused = received(world, at("2027-03-15"))
    paused = act(paused, "request_additions", world.one_stop, at("2027-03-16", 10), note="Thiếu")
    paused = act(paused, "supply_additions", world.citizen, at("2027-03-22", 10))
    s["paused_then_early"] = finish(world, paused, at("2027-03-23"))
    # Overdue in progress: received Mon 19/4, 3 working days → Thu 22/4, still open.
    s["overdue"] = received(world, at("2027-04-19"))
    # Waiting for additions past the original due date: in progress, not overdue.
    waiting = received(world, at("2027-04-12"))
    s["waiting"] = act(
        waiting, "request_additions", world.one_stop, at("2027-04-13"), note="Bổ sung"
    )
    s["not_yet_due"] = received(world, at("2027-04-28"), channel=Channel.POST)
    with time_machine.travel(at("2027-03-10"), tick=False):
        refused = world.submit()
    s["refused"] = act(refused, "refuse", world.one_stop, at("2027-03-10", 10), note="Sai")
    # Commune B, another field: received online, finished on time.
    other_field = FieldFactory(code="LV-DD", name="Đất đai")
    procedure_b = ProcedureFactory(
        name="Đăng ký đất đai", agencies=[world.tree.commune_b], field=other_field
    )
    doc_b = RequiredDocumentFactory(procedure=procedure_b)
    from tests.core.factories import officer
    from tinhso.core.models import Role

    specialist_b = officer(world.tree.commune_b, Role.SPECIALIST, username="cv.b")
    leader_b = officer(world.tree.commune_b, Role.LEADER, username="ld.b")
    with time_machine.travel(at("2027-03-05"), tick=False):
        b = world.submit(
            procedure=procedure_b, uploads=[Upload(file=pdf_upload(), required_document=doc_b)]
        )
    b = act(b, "receive", world.other_one_stop, at("2027-03-05"))
    b = act(b, "forward", specialist_b, at("2027-03-09"))
    s["commune_b"] = act(b, "forward", leader_b, at("2027-03-10"))
    return s


def local_day(moment: dt.datetime | None) -> dt.date | None:
    return moment.astimezone(HCM).date() if moment else None


def expected(rows: list[Dossier], start: dt.date, end: dt.date) -> dict[str, int]:
    """The statistics recomputed in plain Python from the dossier rows."""

    def inside(day: dt.date | None) -> bool:
        return day is not None and start <= day <= end

    out: Counter[str] = Counter()
    for d in rows:
        if inside(local_day(d.received_at)):
            out["received"] += 1
            out["received_online"] += d.channel == Channel.ONLINE
        finished = local_day(d.finished_at)
        if inside(finished):
            assert finished is not None and d.due_date is not None
            out["finished"] += 1
            if finished < d.due_date:
                out["early"] += 1
            elif finished == d.due_date:
                out["on_time"] += 1
            else:
                out["late"] += 1
        received_day = local_day(d.received_at)
        if (
            received_day is not None
            and received_day <= end
            and (finished is None or finished > end)
            and (d.closed_at is None or local_day(d.closed_at) > end)  # type: ignore[operator]
        ):
            out["in_progress"] += 1
            stopped = d.state in (State.ADDITIONS_REQUESTED, State.PAUSED, State.AWAITING_PAYMENT)
            if d.due_date is not None and d.due_date < end and not stopped:
                out["overdue"] += 1
    return dict(out)


KEYS = ("received", "received_online", "finished", "early", "on_time", "late")


def _totals(**kw: Any) -> dict[str, Any]:
    with time_machine.travel(at("2027-05-04"), tick=False):
        return selectors.totals(selectors.statistics_table(start=START, end=END, **kw))


def test_statistics_agree_with_the_dossiers(world: World, scenarios: dict[str, Dossier]) -> None:
    d = {k: Dossier.objects.get(pk=v.pk) for k, v in scenarios.items()}
    # the deadlines the scenarios rely on
    assert d["paused_then_early"].due_date == dt.date(2027, 3, 24)
    assert d["paused_then_early"].paused_working_days == 4
    assert d["overdue"].due_date == dt.date(2027, 4, 22)
    assert [d[k].timeliness for k in ("early", "on_time", "late", "paused_then_early")] == [
        "early",
        "on_time",
        "late",
        "early",
    ]

    totals = _totals()
    want = expected(list(Dossier.objects.all()), START, END)
    for key in (*KEYS, "in_progress", "overdue"):
        assert totals[key] == want.get(key, 0), key
    # and by hand, so that a rule wrong in both places still fails
    assert totals["received"] == 8
    assert totals["received_online"] == 6
    assert (totals["early"], totals["on_time"], totals["late"]) == (2, 3, 1)
    assert (totals["in_progress"], totals["overdue"]) == (3, 1)
    assert totals["on_time_rate"] == round(5 / 6 * 100, 2)


def test_statistics_filters_by_agency_and_field(
    world: World, scenarios: dict[str, Dossier]
) -> None:
    commune_b = _totals(agency=world.tree.commune_b)
    assert (commune_b["received"], commune_b["finished"], commune_b["on_time"]) == (1, 1, 1)
    commune_a = _totals(agency=world.tree.commune_a)
    rows_a = [r for r in Dossier.objects.all() if r.agency_id == world.tree.commune_a.pk]
    want = expected(rows_a, START, END)
    for key in KEYS:
        assert commune_a[key] == want.get(key, 0), key
    # the province's subtree holds both communes
    province = _totals(agency=world.tree.province)
    assert province["received"] == commune_a["received"] + commune_b["received"]
    land = _totals(field_code="LV-DD")
    assert land["received"] == 1
    assert _totals(field_code=world.procedure.field.code)["received"] == commune_a["received"]


def test_months_add_up_to_the_period(world: World, scenarios: dict[str, Dossier]) -> None:
    months = selectors.monthly_statistics(start=START, end=END)
    assert [m["month"] for m in months] == [dt.date(2027, 3, 1), dt.date(2027, 4, 1)]
    totals = _totals()
    for key in KEYS:
        assert sum(m[key] for m in months) == totals[key], key
    march, april = months
    assert (march["received"], april["received"]) == (5, 3)
    assert (march["finished"], april["finished"]) == (6, 0)
    # months are cut at local midnight, not UTC
    late_evening = received(world, dt.datetime(2027, 3, 31, 23, 30, tzinfo=HCM))
    assert late_evening.received_at is not None
    again = selectors.monthly_statistics(start=START, end=END)
    assert again[0]["received"] == 6 and again[1]["received"] == 3


def test_statistics_page_shows_accessible_charts_with_tables(
    client: Client, world: World, scenarios: dict[str, Dossier]
) -> None:
    with time_machine.travel(at("2027-05-04"), tick=False):
        r = client.get(reverse("dossiers:statistics") + "?tu=2027-03-01&den=2027-04-30")
    html = r.content.decode()
    assert r.status_code == 200
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3
    assert html.count('role="img"') >= 3 and html.count("<desc>") == 3
    assert "Hồ sơ đã giải quyết trước hạn, đúng hạn, quá hạn theo cơ quan" in html
    assert world.tree.commune_a.name in html
    # the monthly numbers as a table next to the chart
    assert "Số liệu theo tháng" in html and "03/2027" in html and "04/2027" in html
    # filters are kept in the export links; the export follows the filters
    r = client.get(
        reverse("dossiers:statistics")
        + f"?tu=2027-03-01&den=2027-04-30&co-quan={world.tree.commune_b.code}"
    )
    html = r.content.decode()
    assert f"co-quan={world.tree.commune_b.code}" in html
    assert f'<option value="{world.tree.commune_b.code}" selected>' in html
    csv = client.get(
        reverse("dossiers:statistics")
        + f"?tu=2027-03-01&den=2027-04-30&co-quan={world.tree.commune_b.code}&xuat=csv"
    ).content.decode("utf-8-sig")
    assert world.tree.commune_b.name in csv and world.tree.commune_a.name not in csv
    xlsx = client.get(
        reverse("dossiers:statistics") + "?tu=2027-03-01&den=2027-04-30&linh-vuc=LV-DD&xuat=xlsx"
    )
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_chart_labels_are_escaped() -> None:
    svg = charts.stacked_bars(
        [("<script>x</script>", {"early": 2, "late": 1})],
        [charts.Series("early", "Trước hạn", charts.EARLY), charts.Series("late", "Quá", "#000")],
        title="T <b>",
        desc="D",
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "T &lt;b&gt;" in svg
    assert charts.grouped_columns([], [], title="x", desc="y") == ""
    bars = charts.percent_bars([("A", 50.0), ("B", None)], title="t", desc="d")
    assert "50,0 %" in bars and "—" in bars


def test_unknown_filters_and_dates_fall_back(client: Client, world: World) -> None:
    r = client.get(
        reverse("dossiers:statistics") + "?tu=khong&den=2027-13-45&co-quan=XYZ&linh-vuc=<b>&theo=x"
    )
    html = r.content.decode()
    assert r.status_code == 200
    assert "Đang lọc" not in html  # unknown agency and field: no filter applied
    assert 'name="tu" value="' in html  # the period fell back to a valid one


def test_stats_api_filters_by_field(
    client: Client, world: World, scenarios: dict[str, Dossier]
) -> None:
    url = "/api/v1/stats/dossiers?start=2027-03-01&end=2027-04-30"
    with time_machine.travel(at("2027-05-04"), tick=False):
        land = client.get(url + "&field=LV-DD").json()
        both = client.get(url).json()
        unknown = client.get(url + "&field=KHONG-CO")
    assert land["totals"]["received"] == 1
    assert both["totals"]["received"] == 8
    assert unknown.status_code == 404 and "KHONG-CO" in unknown.json()["detail"]

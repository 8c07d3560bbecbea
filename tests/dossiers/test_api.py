"""The dossier API: idempotent submission, actions with 403/404/409, tracking, due dates, stats."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from tests.dossiers.conftest import World, pdf_bytes
from tests.dossiers.factories import OTHER_CITIZEN_ID
from tinhso.core.models import User
from tinhso.core.services import token_create
from tinhso.dossiers.models import Dossier, DossierDocument, State

pytestmark = pytest.mark.django_db


def auth(user: User) -> dict[str, str]:
    _token, key = token_create(user=user, name="thử")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def body(world: World, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "procedure_code": world.procedure.code,
        "files": [
            {
                "name": "to-khai.pdf",
                "content_base64": base64.b64encode(pdf_bytes()).decode(),
                "required_document_id": world.form.pk,
            }
        ],
    }
    data.update(extra)
    return data


def post(client: Client, url: str, data: Any, headers: dict[str, str]) -> Any:
    return client.post(url, data, content_type="application/json", **headers)


def test_submit_online_prefills_from_the_registry(client: Client, world: World) -> None:
    r = post(client, "/api/v1/dossiers", body(world), auth(world.citizen))
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["state"] == State.SUBMITTED
    assert data["applicant_name"] == "Nguyễn Thị Hoà" and data["prefilled"] is True
    assert data["code"].startswith("001.00.99.H98-")
    assert data["timeline"][0]["label"] == "Đã nộp hồ sơ"
    assert data["history"] is None


def test_same_idempotency_key_returns_the_same_dossier(client: Client, world: World) -> None:
    headers = {**auth(world.citizen), "HTTP_IDEMPOTENCY_KEY": "k-123"}
    first = post(client, "/api/v1/dossiers", body(world), headers)
    second = post(client, "/api/v1/dossiers", body(world), headers)
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["code"] == second.json()["code"]
    assert Dossier.objects.count() == 1
    assert DossierDocument.objects.count() == 1


def test_idempotency_key_is_per_user(client: Client, world: World) -> None:
    other = User.objects.create(username="nguoikhac", citizen_id=OTHER_CITIZEN_ID)
    world.procedure.agencies.clear()  # commune-level: any commune
    a = post(
        client,
        "/api/v1/dossiers",
        body(world, agency_code=world.tree.commune_a.code),
        {**auth(world.citizen), "HTTP_IDEMPOTENCY_KEY": "same"},
    )
    b = post(
        client,
        "/api/v1/dossiers",
        body(world, agency_code=world.tree.commune_a.code),
        {**auth(other), "HTTP_IDEMPOTENCY_KEY": "same"},
    )
    assert a.status_code == b.status_code == 201
    assert a.json()["code"] != b.json()["code"]


def test_reused_idempotency_key_with_another_payload_is_a_conflict(
    client: Client, world: World
) -> None:
    from tests.dossiers.factories import ProcedureFactory, RequiredDocumentFactory

    other = ProcedureFactory(agencies=[world.tree.commune_a])
    RequiredDocumentFactory(procedure=other, is_required=False)
    headers = {**auth(world.citizen), "HTTP_IDEMPOTENCY_KEY": "k-1"}
    assert post(client, "/api/v1/dossiers", body(world), headers).status_code == 201
    r = post(client, "/api/v1/dossiers", {"procedure_code": other.code}, headers)
    assert r.status_code == 409
    assert Dossier.objects.count() == 1


def test_missing_required_document_is_refused_and_nothing_stored(
    client: Client, world: World
) -> None:
    r = post(client, "/api/v1/dossiers", body(world, files=[]), auth(world.citizen))
    assert r.status_code == 422
    assert "Tờ khai đăng ký khai sinh" in r.json()["detail"]
    assert Dossier.objects.count() == 0


def test_disguised_file_is_refused(client: Client, world: World) -> None:
    fake = base64.b64encode(b"MZ\x90\x00 this is an exe").decode()
    files = [{"name": "to-khai.pdf", "content_base64": fake, "required_document_id": world.form.pk}]
    r = post(client, "/api/v1/dossiers", body(world, files=files), auth(world.citizen))
    assert r.status_code == 422
    assert "thực thi" in r.json()["detail"] or "không phải" in r.json()["detail"]
    assert Dossier.objects.count() == 0


def test_html_named_pdf_is_refused(client: Client, world: World) -> None:
    fake = base64.b64encode(b"<html><script>alert(1)</script></html>").decode()
    files = [{"name": "anh.pdf", "content_base64": fake, "required_document_id": world.form.pk}]
    r = post(client, "/api/v1/dossiers", body(world, files=files), auth(world.citizen))
    assert r.status_code == 422


def test_too_large_file_is_refused(client: Client, world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tinhso.dossiers import services

    monkeypatch.setattr(services, "MAX_UPLOAD_BYTES", 20)
    r = post(client, "/api/v1/dossiers", body(world), auth(world.citizen))
    assert r.status_code == 422 and "dung lượng" in r.json()["detail"]
    assert Dossier.objects.count() == 0


def test_bad_base64_is_refused(client: Client, world: World) -> None:
    files = [{"name": "a.pdf", "content_base64": "%%%", "required_document_id": world.form.pk}]
    r = post(client, "/api/v1/dossiers", body(world, files=files), auth(world.citizen))
    assert r.status_code == 422 and "base64" in r.json()["detail"]


@pytest.mark.parametrize(
    "citizen_id",
    ["12345", "03809000123X", "999090001234", "038990001234"],
)
def test_invalid_citizen_id_at_the_counter_is_refused(
    client: Client, world: World, citizen_id: str
) -> None:
    data = body(world, channel="counter", citizen_id=citizen_id, files=[])
    data["applicant"] = {"full_name": "Trần Văn A"}
    r = post(client, "/api/v1/dossiers", data, auth(world.one_stop))
    assert r.status_code == 422, r.content
    assert Dossier.objects.count() == 0


def test_counter_submission_by_officer_prefills_known_citizens(
    client: Client, world: World
) -> None:
    data = body(world, channel="counter", citizen_id=OTHER_CITIZEN_ID, files=[])
    r = post(client, "/api/v1/dossiers", data, auth(world.one_stop))
    assert r.status_code == 201, r.content
    assert r.json()["applicant_name"] == "Lê Văn Đức"


def test_counter_submission_by_a_citizen_is_forbidden(client: Client, world: World) -> None:
    data = body(world, channel="counter", citizen_id=OTHER_CITIZEN_ID)
    r = post(client, "/api/v1/dossiers", data, auth(world.citizen))
    assert r.status_code == 403


def test_unknown_procedure(client: Client, world: World) -> None:
    r = post(client, "/api/v1/dossiers", {"procedure_code": "nope"}, auth(world.citizen))
    assert r.status_code == 422


def test_submission_needs_authentication(client: Client, world: World) -> None:
    r = post(client, "/api/v1/dossiers", body(world), {})
    assert r.status_code == 401


def test_officer_receives_and_sees_full_history(client: Client, world: World) -> None:
    d = world.submit()
    r = post(
        client,
        f"/api/v1/dossiers/{d.code}/actions/receive",
        {"version": 1},
        auth(world.one_stop),
    )
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["state"] == State.RECEIVED and data["version"] == 2
    assert [e["action"] for e in data["history"]] == ["submit", "receive"]
    assert data["history"][1]["actor"] == world.one_stop.full_name
    assert data["due_date"]


def test_stale_action_gets_409_naming_the_current_state(client: Client, world: World) -> None:
    d = world.submit()
    headers = auth(world.one_stop)
    url = f"/api/v1/dossiers/{d.code}/actions/receive"
    assert post(client, url, {"version": 1}, headers).status_code == 200
    r = post(client, url, {"version": 1}, headers)
    assert r.status_code == 409
    assert r.json()["state"] == State.RECEIVED
    assert "Đã tiếp nhận" in r.json()["detail"]
    assert Dossier.objects.get(pk=d.pk).version == 2


def test_out_of_order_action_gets_409(client: Client, world: World) -> None:
    d = world.submit()
    r = post(client, f"/api/v1/dossiers/{d.code}/actions/return_result", {}, auth(world.one_stop))
    assert r.status_code == 409
    assert r.json()["state_label"] == "Chờ tiếp nhận"


def test_other_agency_officer_gets_404(client: Client, world: World) -> None:
    d = world.submit()
    headers = auth(world.other_one_stop)
    assert client.get(f"/api/v1/dossiers/{d.code}", **headers).status_code == 404
    r = post(client, f"/api/v1/dossiers/{d.code}/actions/receive", {}, headers)
    assert r.status_code == 404
    assert Dossier.objects.get(pk=d.pk).state == State.SUBMITTED


def test_wrong_role_gets_403(client: Client, world: World) -> None:
    d = world.submit()
    r = post(client, f"/api/v1/dossiers/{d.code}/actions/receive", {}, auth(world.specialist))
    assert r.status_code == 403


def test_unknown_action_gets_422(client: Client, world: World) -> None:
    d = world.submit()
    r = post(client, f"/api/v1/dossiers/{d.code}/actions/xoa", {}, auth(world.one_stop))
    assert r.status_code == 422


def test_public_tracking_shows_no_personal_data(client: Client, world: World) -> None:
    d = world.submit()
    r = client.get(f"/api/v1/track/{d.code}")
    assert r.status_code == 200
    text = r.content.decode()
    assert "Nguyễn Thị Hoà" not in text and world.citizen.citizen_id not in text
    assert r.json()["state"] == State.SUBMITTED
    assert client.get("/api/v1/track/KHONG-CO").status_code == 404


def test_due_date_api_skips_tet(client: Client) -> None:
    r = client.get("/api/v1/calendar/due-date?start=2027-02-03T10:00:00%2B07:00&working_days=3")
    assert r.status_code == 200, r.content
    assert r.json()["due_date"] == "2027-02-15"
    r = client.get("/api/v1/calendar/due-date?start=2027-02-03T16:30:00%2B07:00&working_days=3")
    assert r.json()["counted_from"] == "2027-02-11"


@pytest.mark.parametrize(
    "query",
    [
        "start=hôm-qua&working_days=3",
        "start=2027-02-30T10:00:00&working_days=3",
        "start=2027-02-03T10:00:00&working_days=-1",
        "start=2027-02-03T10:00:00&working_days=99999",
        "start=1500-01-01T10:00:00&working_days=1",
        "working_days=3",
    ],
)
def test_due_date_api_refuses_nonsense(client: Client, query: str) -> None:
    r = client.get(f"/api/v1/calendar/due-date?{query}")
    assert r.status_code == 422
    assert r.json()["detail"]


def test_stats_api_counts_received_and_timeliness(client: Client, world: World) -> None:
    from tinhso.dossiers.services import dossier_act

    with time_machine.travel(dt.datetime(2027, 3, 4, 10, tzinfo=dt.UTC), tick=False):
        d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
        d = dossier_act(dossier=d, action="forward", actor=world.specialist)
        dossier_act(dossier=d, action="forward", actor=world.leader)
        dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    with time_machine.travel(dt.datetime(2027, 3, 20, 10, tzinfo=dt.UTC), tick=False):
        r = client.get("/api/v1/stats/dossiers?start=2027-03-01&end=2027-03-31")
    assert r.status_code == 200
    totals = r.json()["totals"]
    assert totals["received"] == 2 and totals["early"] == 1 and totals["in_progress"] == 1
    assert totals["online_share"] == 100.0
    bad = client.get("/api/v1/stats/dossiers?start=2027-04-01&end=2027-03-01")
    assert bad.status_code == 422


# Sealing the audit chain runs after the request on PostgreSQL (a background thread,
# batched) and is counted apart; these are the statements of the requests themselves.
_SEALING = ("audithead", "advisory", '"seq" IS NULL', "SET seq")


def _request_statements(queries: list[dict[str, Any]]) -> list[str]:
    return [q["sql"] for q in queries if not any(s in q["sql"] for s in _SEALING)]


def test_submit_and_receive_stay_within_their_statement_budget(
    client: Client, world: World
) -> None:
    """The hot path of the one-stop benchmark (docs/benchmarks.md): a regression that
    adds a query per dossier shows here, not only as a slower benchmark."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    citizen, officer = auth(world.citizen), auth(world.one_stop)
    # Warm: the API keys and the procedure are then kept by the process, as under load.
    warm = post(client, "/api/v1/dossiers", body(world), citizen).json()["code"]
    post(client, f"/api/v1/dossiers/{warm}/actions/receive", {}, officer)
    with CaptureQueriesContext(connection) as submitted:
        r = post(client, "/api/v1/dossiers", body(world), citizen)
    assert r.status_code == 201 and r.json()["timeline"][0]["label"] == "Đã nộp hồ sơ"
    assert [d["name"] for d in r.json()["documents"]] == [world.form.name]
    with CaptureQueriesContext(connection) as received:
        r = post(client, f"/api/v1/dossiers/{r.json()['code']}/actions/receive", {}, officer)
    assert r.status_code == 200 and [e["action"] for e in r.json()["history"]] == [
        "submit",
        "receive",
    ]
    submit_sql = _request_statements(submitted.captured_queries)
    receive_sql = _request_statements(received.captured_queries)
    # Submit: counter, dossier, document, event, audit entry, follow-up task, savepoint
    # and release (the key's user and scope and the procedure are kept; in production
    # also the registry lookup and its access log, BEGIN and COMMIT).
    assert len(submit_sql) <= 8, "\n".join(submit_sql)
    # Receive: dossier under lock, update, event, audit entry, follow-up task, documents
    # and history for the answer, savepoint and release (the officer's scope is kept with
    # the key, the workflow with the procedure; in production also BEGIN and COMMIT).
    assert len(receive_sql) <= 9, "\n".join(receive_sql)

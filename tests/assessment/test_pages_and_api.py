"""Pages, reports and API of assessment, driven as a user would."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.assessment.factories import FULL_ANSWERS, FULL_TOTAL, fill, make_round, make_set
from tests.core.factories import officer
from tinhso.assessment import services
from tinhso.assessment.models import Answer, Evidence
from tinhso.core.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(agency_tree):
    cs = make_set()
    rnd = make_round(cs, [agency_tree.dept_a, agency_tree.dept_b])
    assessor = officer(agency_tree.province, Role.ASSESSOR, username="danhgia.tinh")
    pa = rnd.participations.get(agency=agency_tree.dept_a)
    fill(pa, agency_tree.dept_officer, FULL_ANSWERS)
    services.participation_submit(participation=pa, user=agency_tree.dept_officer)
    for a in pa.answers.all():
        services.answer_review(answer=a, user=assessor, action="accept")
    with time_machine.travel(rnd.deadline + dt.timedelta(days=1)):
        services.round_publish(round=rnd, user=assessor)
    return agency_tree, rnd, assessor


def test_self_assessment_form_saves_a_value_with_evidence_and_computes_the_score(
    agency_tree, login
) -> None:
    cs = make_set()
    rnd = make_round(cs, [agency_tree.dept_a])
    client = login(agency_tree.dept_officer)
    url = reverse("assessment:self_assess", args=[rnd.code, agency_tree.dept_a.code])
    assert client.get(url).status_code == 200
    leaf = cs.criteria.get(code="1.1.1")
    pdf = SimpleUploadedFile("qd.pdf", b"%PDF-1.4\nx", content_type="application/pdf")
    response = client.post(url, {"criterion": leaf.pk, "value": "1", "file": pdf})
    assert response.status_code == 302
    answer = Answer.objects.get(criterion=leaf)
    assert answer.declared_score == Decimal("10.00") and answer.evidence.count() == 1


def test_self_assessment_form_refuses_a_disguised_file_and_stores_nothing(
    agency_tree, login
) -> None:
    cs = make_set()
    rnd = make_round(cs, [agency_tree.dept_a])
    client = login(agency_tree.dept_officer)
    url = reverse("assessment:self_assess", args=[rnd.code, agency_tree.dept_a.code])
    leaf = cs.criteria.get(code="1.1.1")
    fake = SimpleUploadedFile("qd.pdf", b"MZ\x90\x00exe", content_type="application/pdf")
    response = client.post(url, {"criterion": leaf.pk, "value": "1", "file": fake})
    assert response.status_code == 400
    assert "chứa chương trình thực thi" in response.content.decode()
    assert not Answer.objects.exists() and not Evidence.objects.exists()


def test_other_agencies_cannot_open_the_self_assessment(agency_tree, login) -> None:
    cs = make_set()
    rnd = make_round(cs, [agency_tree.dept_a])
    client = login(agency_tree.officer_b)
    url = reverse("assessment:self_assess", args=[rnd.code, agency_tree.dept_a.code])
    assert client.get(url).status_code == 403


def test_review_page_refuses_own_agency_with_403(agency_tree, login) -> None:
    cs = make_set()
    rnd = make_round(cs, [agency_tree.dept_a])
    pa = rnd.participations.get()
    fill(pa, agency_tree.dept_officer, FULL_ANSWERS)
    services.participation_submit(participation=pa, user=agency_tree.dept_officer)
    own_assessor = officer(agency_tree.dept_a, Role.ASSESSOR, username="danhgia.a")
    client = login(own_assessor)
    url = reverse("assessment:review", args=[rnd.code, agency_tree.dept_a.code])
    answer = pa.answers.first()
    response = client.post(url, {"answer": answer.pk, "action": "accept"})
    assert response.status_code == 403
    answer.refresh_from_db()
    assert answer.review_status == Answer.ReviewStatus.PENDING


def test_ranking_scorecard_and_recognition_pages_render(published, client) -> None:
    tree, rnd, _assessor = published
    page = client.get(reverse("assessment:ranking", args=[rnd.code])).content.decode()
    assert "64,85" in page and "<svg" in page
    card = client.get(
        reverse("assessment:scorecard", args=[rnd.code, tree.dept_a.code])
    ).content.decode()
    assert "64,85" in card and "chart-radar" in card
    assert client.get(reverse("assessment:home")).status_code == 200
    assert client.get(reverse("assessment:set", args=[rnd.criteria_set.code])).status_code == 200


def test_ranking_pdf_is_a_pdf_with_the_totals(published, client) -> None:
    tree, rnd, _assessor = published
    response = client.get(reverse("assessment:ranking_export", args=[rnd.code, "pdf"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "64,85" in text and tree.dept_a.name in text


def test_scorecard_pdf_lists_the_pillars(published, client) -> None:
    tree, rnd, _assessor = published
    response = client.get(reverse("assessment:scorecard_pdf", args=[rnd.code, tree.dept_a.code]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Nền tảng" in text and "45,00" in text and "64,85" in text


def test_ranking_xlsx_has_the_scores(published, client) -> None:
    tree, rnd, _assessor = published
    response = client.get(reverse("assessment:ranking_export", args=[rnd.code, "xlsx"]))
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert rows[0][4] == tree.dept_a.name and Decimal(str(rows[0][-2])) == FULL_TOTAL


def test_unpublished_round_is_hidden_from_the_public(agency_tree, client) -> None:
    rnd = make_round(make_set(), [agency_tree.dept_a])
    assert client.get(reverse("assessment:round", args=[rnd.code])).status_code == 404
    assert client.get(f"/api/v1/assessment/rounds/{rnd.pk}").status_code == 404


def test_api_ranking_and_scorecard(published, client) -> None:
    tree, rnd, _assessor = published
    body = client.get(f"/api/v1/assessment/rounds/{rnd.pk}/ranking").json()
    assert body["revision"] == 1
    first = body["rows"][0]
    assert first["agency_code"] == tree.dept_a.code and Decimal(first["score"]) == FULL_TOTAL
    assert Decimal(first["pillar_scores"]["1"]) + Decimal(first["pillar_scores"]["2"]) == FULL_TOTAL
    pillar = client.get(f"/api/v1/assessment/rounds/{rnd.pk}/ranking?pillar=2").json()
    assert Decimal(pillar["rows"][0]["score"]) == Decimal("19.85")
    assert client.get(f"/api/v1/assessment/rounds/{rnd.pk}/ranking?pillar=9").status_code == 404
    card = client.get(
        f"/api/v1/assessment/rounds/{rnd.pk}/subjects/{tree.dept_a.code}/scorecard"
    ).json()
    assert Decimal(card["total"]) == FULL_TOTAL and card["gaps"][0] == "2.2"
    sets = client.get("/api/v1/assessment/criteria-sets").json()
    assert sets[0]["code"] == "thu-nghiem-2025"
    tree_json = client.get("/api/v1/assessment/criteria-sets/thu-nghiem-2025").json()
    assert tree_json["criteria"][0]["children"][0]["code"] == "1.1"
    rounds = client.get("/api/v1/assessment/rounds").json()
    assert [r["code"] for r in rounds] == [rnd.code]


def test_api_ranking_of_an_unpublished_round_is_409_for_managers(agency_tree, login) -> None:
    rnd = make_round(make_set(), [agency_tree.dept_a])
    client = login(agency_tree.province_admin)
    response = client.get(f"/api/v1/assessment/rounds/{rnd.pk}/ranking")
    assert response.status_code == 409 and "chưa công bố" in response.json()["detail"]


def test_import_page_refuses_a_broken_tree_with_every_message(agency_tree, login) -> None:
    client = login(agency_tree.province_admin)
    broken = b'{"code": "x-1", "name": "X", "year": 2025, "subject_type": "department", "max_points": "10", "criteria": [{"code": "1", "name": "A", "max_points": "10", "children": [{"code": "1.1", "name": "B", "max_points": "7", "method": "yes_no"}]}]}'
    response = client.post(
        reverse("assessment:set_import"),
        {"file": SimpleUploadedFile("bo.json", broken, content_type="application/json")},
    )
    assert response.status_code == 400
    assert "khác tổng điểm các tiêu chí con" in response.content.decode()

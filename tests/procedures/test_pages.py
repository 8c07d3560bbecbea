"""Public pages: search with facets and paging, procedure page, history with diff, templates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from tests.procedures.factories import make_procedure, procedure_spec
from tinhso.procedures.models import Procedure
from tinhso.procedures.services import procedure_update

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_search_page_finds_without_diacritics_and_shows_facets(client, agency_tree) -> None:
    make_procedure(name="Đăng ký khai sinh")
    make_procedure(name="Cấp phiếu lý lịch tư pháp", field_code="tu-phap", field_name="Tư pháp")
    response = client.get(reverse("procedures:search"), {"q": "khai sinh"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đăng ký khai sinh" in html and "Cấp phiếu lý lịch" not in html
    assert 'linh-vuc=ho-tich"' in html and "Hộ tịch" in html  # field facet


def test_search_page_filters_by_facet_and_pages(client, agency_tree) -> None:
    for i in range(25):
        make_procedure(name=f"Thủ tục thử số {i:02d}")
    first = client.get(reverse("procedures:search"), {"linh-vuc": "ho-tich"})
    assert first.status_code == 200
    assert first.content.decode().count('class="proc-item"') == 20
    second = client.get(reverse("procedures:search"), {"linh-vuc": "ho-tich", "trang": "2"})
    assert second.content.decode().count('class="proc-item"') == 5
    assert client.get(reverse("procedures:search"), {"trang": "x"}).status_code == 200


def test_procedure_page_says_what_to_bring_cost_and_due_date(client, agency_tree) -> None:
    procedure = make_procedure(
        name="Cấp phiếu lý lịch tư pháp",
        field_code="tu-phap",
        field_name="Tư pháp",
        level=Procedure.Level.PROVINCE,
        agencies=[agency_tree.dept_a.code],
        processing_days=10,
        fee_amount=200000,
        fee_timing="before_receipt",
    )
    # Friday 23 January 2026, 09:00: ten working days end on Friday 6 February 2026.
    with time_machine.travel(dt.datetime(2026, 1, 23, 9, 0, tzinfo=HCM), tick=False):
        response = client.get(reverse("procedures:detail", kwargs={"code": procedure.code}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Giấy chứng sinh" in html and "01 bản chính" in html
    assert "200.000" in html and "Nộp phí khi nộp hồ sơ" in html
    assert "06/02/2026" in html
    assert "Sở Tư pháp" in html
    assert f'href="/ho-so/nop/{procedure.code}/"' in html


def test_optional_document_named_with_if_any_says_it_once(client, agency_tree) -> None:
    from tinhso.procedures.spec import DocumentSpec

    procedure = make_procedure(
        documents=[
            DocumentSpec("Tờ khai đăng ký khai sinh", "01 bản chính"),
            DocumentSpec("Giấy tờ chứng minh được miễn phí (nếu có)", "01 bản sao", False),
            DocumentSpec("Văn bản ủy quyền", "01 bản chính", False),
        ]
    )
    html = client.get(reverse("procedures:detail", kwargs={"code": procedure.code})).content
    text = html.decode()
    # "(nếu có)" is added to an optional document, unless its name already says it.
    assert "(nếu có) — " in text and "(nếu có)</em>" in text
    assert text.count("(nếu có)") == 2


def test_due_date_example_skips_tet(client, agency_tree) -> None:
    procedure = make_procedure(processing_days=1)
    # Friday 13 February 2026 (Tết holidays from Monday 16 to Friday 20 February).
    with time_machine.travel(dt.datetime(2026, 2, 13, 9, 0, tzinfo=HCM), tick=False):
        html = client.get(reverse("procedures:detail", kwargs={"code": procedure.code})).content
    assert "23/02/2026" in html.decode()


def test_information_only_procedure_has_no_online_button(client, agency_tree) -> None:
    procedure = make_procedure(online_level=Procedure.OnlineLevel.INFORMATION)
    html = client.get(reverse("procedures:detail", kwargs={"code": procedure.code})).content
    assert b"/ho-so/nop/" not in html


def test_unknown_procedure_is_404(client, db) -> None:
    assert client.get(reverse("procedures:detail", kwargs={"code": "0.000000"})).status_code == 404
    assert client.get(reverse("procedures:history", kwargs={"code": "0.0"})).status_code == 404


def test_history_page_shows_the_diff(client, agency_tree) -> None:
    procedure = make_procedure()
    procedure_update(
        procedure=procedure, spec=procedure_spec(code=procedure.code, processing_days=7)
    )
    url = reverse("procedures:history", kwargs={"code": procedure.code})
    html = client.get(url).content.decode()
    assert "Thời hạn giải quyết (ngày làm việc)" in html and "Phiên bản 2" in html
    assert client.get(url, {"tu": "1", "den": "9"}).status_code == 404


def test_template_is_downloadable(client, agency_tree, media_root) -> None:
    default_storage.save("procedures/templates/to-khai.pdf", ContentFile(b"%PDF-1.4 mau"))
    spec = procedure_spec()
    spec.documents[0].template = "procedures/templates/to-khai.pdf"
    from tinhso.procedures.services import procedure_create

    procedure = procedure_create(spec=spec)
    document = procedure.documents.get(position=1)
    url = reverse(
        "procedures:template", kwargs={"code": procedure.code, "document_id": document.pk}
    )
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 mau"
    other = procedure.documents.get(position=2)
    missing = reverse(
        "procedures:template", kwargs={"code": procedure.code, "document_id": other.pk}
    )
    assert client.get(missing).status_code == 404


def test_catalogue_export_downloads(client, agency_tree) -> None:
    make_procedure()
    response = client.get(reverse("procedures:export", kwargs={"fmt": "json"}))
    assert response.status_code == 200 and response.json()["count"] == 1
    assert client.get(reverse("procedures:export", kwargs={"fmt": "xlsx"})).status_code == 200

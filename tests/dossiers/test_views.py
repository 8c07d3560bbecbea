"""Pages: online form, citizen's dossiers, officer workspace, forms as PDF, tracking, stats."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.dossiers.conftest import World, pdf_upload
from tinhso.dossiers.models import Dossier, State
from tinhso.dossiers.services import dossier_act

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def pdf_fonts(content: bytes) -> set[str]:
    from pypdf import PdfReader

    fonts: set[str] = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            obj = font.get_object()
            fonts.add(str(obj["/BaseFont"]))
            descriptor = obj.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in obj:
                descriptor = obj["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            if descriptor is not None:
                d = descriptor.get_object()
                assert any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")), obj
    return fonts


def test_home_is_reachable_from_the_module_card(client: Client) -> None:
    r = client.get(reverse("dossiers:home"))
    assert r.status_code == 200
    assert "Tra cứu hồ sơ" in r.content.decode()


def test_online_form_prefills_read_only_applicant(client: Client, world: World) -> None:
    client.force_login(world.citizen)
    r = client.get(reverse("dossiers:submit", args=[world.procedure.code]))
    html = r.content.decode()
    assert r.status_code == 200
    assert 'value="Nguyễn Thị Hoà" readonly' in html
    assert 'value="038090001234" readonly' in html


def test_online_form_submits_a_dossier(client: Client, world: World) -> None:
    client.force_login(world.citizen)
    url = reverse("dossiers:submit", args=[world.procedure.code])
    data = {f"doc-{world.form.pk}": pdf_upload(), "idempotency_key": "form-1", "note": "Gấp"}
    r = client.post(url, data)
    assert r.status_code == 302
    d = Dossier.objects.get()
    assert r["Location"].endswith(f"/ho-so/{d.code}/")
    # Double submit (back button, double click) → the same dossier.
    client.post(url, {f"doc-{world.form.pk}": pdf_upload(), "idempotency_key": "form-1"})
    assert Dossier.objects.count() == 1


def test_online_form_with_a_fee_before_receipt_says_to_pay_first(
    client: Client, world: World
) -> None:
    from tinhso.procedures.models import Procedure

    world.procedure.fee_amount = 50000
    world.procedure.fee_timing = Procedure.FeeTiming.BEFORE_RECEIPT
    world.procedure.save()
    client.force_login(world.citizen)
    url = reverse("dossiers:submit", args=[world.procedure.code])
    r = client.post(url, {f"doc-{world.form.pk}": pdf_upload()}, follow=True)
    d = Dossier.objects.get()
    assert d.state == State.AWAITING_PAYMENT
    html = r.content.decode()
    # Not "you will be told when it is received": it will not be, until the fee is paid.
    assert "Hồ sơ sẽ được tiếp nhận sau khi bạn nộp phí, lệ phí." in html
    assert "Bạn sẽ được báo khi hồ sơ được tiếp nhận" not in html


def test_online_form_without_required_document_says_what_is_missing(
    client: Client, world: World
) -> None:
    client.force_login(world.citizen)
    r = client.post(reverse("dossiers:submit", args=[world.procedure.code]), {})
    assert r.status_code == 422
    assert "Thiếu thành phần hồ sơ bắt buộc" in r.content.decode()
    assert not Dossier.objects.exists()


def test_online_form_reuses_an_earlier_document(client: Client, world: World) -> None:
    first = world.submit()
    old = first.documents.get()
    client.force_login(world.citizen)
    r = client.post(
        reverse("dossiers:submit", args=[world.procedure.code]),
        {f"reuse-{world.form.pk}": str(old.pk), "idempotency_key": "reuse-1"},
    )
    assert r.status_code == 302
    second = Dossier.objects.exclude(pk=first.pk).get()
    doc = second.documents.get()
    assert doc.reused_from == old and doc.sha256 == old.sha256


def test_someone_elses_document_cannot_be_reused(client: Client, world: World) -> None:
    from tests.core.factories import UserFactory

    old = world.submit().documents.get()
    intruder = UserFactory(username="ke-la", citizen_id="038195004321")
    client.force_login(intruder)
    r = client.post(
        reverse("dossiers:submit", args=[world.procedure.code]),
        {f"reuse-{world.form.pk}": str(old.pk)},
    )
    assert r.status_code == 422
    assert Dossier.objects.count() == 1


def test_workspace_queues_show_only_the_officers_agency(client: Client, world: World) -> None:
    d = world.submit()
    client.force_login(world.one_stop)
    r = client.get(reverse("dossiers:workspace") + "?hang=to_receive")
    assert d.code in r.content.decode()
    client.force_login(world.other_one_stop)
    r = client.get(reverse("dossiers:workspace") + "?hang=to_receive")
    assert d.code not in r.content.decode()
    assert client.get(reverse("dossiers:detail", args=[d.code])).status_code == 404


def test_workspace_search_is_diacritics_insensitive_with_htmx(client: Client, world: World) -> None:
    d = world.submit()
    client.force_login(world.one_stop)
    r = client.get(reverse("dossiers:workspace") + "?hang=all&q=khai sinh", HTTP_HX_REQUEST="true")
    assert d.code in r.content.decode()
    assert "<html" not in r.content.decode()


def test_bulk_receive(client: Client, world: World) -> None:
    a, b = world.submit(), world.submit()
    client.force_login(world.one_stop)
    r = client.post(reverse("dossiers:bulk_receive"), {"codes": [a.code, b.code, "KHONG-CO"]})
    assert r.status_code == 302
    assert set(Dossier.objects.values_list("state", flat=True)) == {State.RECEIVED}


def test_queues_to_process_and_to_approve(client: Client, world: World) -> None:
    d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    client.force_login(world.specialist)
    assert d.code in client.get(reverse("dossiers:workspace") + "?hang=to_process").content.decode()
    d = dossier_act(dossier=d, action="forward", actor=world.specialist)
    client.force_login(world.leader)
    assert d.code in client.get(reverse("dossiers:workspace") + "?hang=to_approve").content.decode()


def test_stale_action_from_the_page_is_refused(client: Client, world: World) -> None:
    d = world.submit()
    client.force_login(world.one_stop)
    url = reverse("dossiers:act", args=[d.code, "receive"])
    assert client.post(url, {"version": "1"}).status_code == 302
    r = client.post(url, {"version": "1"})
    assert r["X-Dossier-Refused"] == "409"
    page = client.get(reverse("dossiers:detail", args=[d.code])).content.decode()
    assert "Đã tiếp nhận" in page
    assert Dossier.objects.get(pk=d.pk).version == 2


def test_citizen_sees_timeline_without_officer_names(client: Client, world: World) -> None:
    d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    client.force_login(world.citizen)
    html = client.get(reverse("dossiers:detail", args=[d.code])).content.decode()
    assert "Hồ sơ đã được tiếp nhận" in html
    assert world.one_stop.full_name not in html


def test_citizen_supplies_additions_rates_and_downloads_result(
    client: Client, world: World
) -> None:
    d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    d = dossier_act(dossier=d, action="request_additions", actor=world.specialist, note="Ảnh 4x6")
    client.force_login(world.citizen)
    r = client.post(
        reverse("dossiers:act", args=[d.code, "supply_additions"]),
        {"version": str(d.version), "files": pdf_upload("anh.pdf")},
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.state == State.RECEIVED
    d = dossier_act(dossier=d, action="forward", actor=world.specialist)
    d = dossier_act(dossier=d, action="forward", actor=world.leader, uploads=[])
    r = client.post(reverse("dossiers:rate", args=[d.code]), {"rating": "5", "comment": "Tốt"})
    d.refresh_from_db()
    assert d.rating == 5


def test_receipt_pdf_is_vietnamese_with_embedded_font(client: Client, world: World) -> None:
    d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    client.force_login(world.one_stop)
    r = client.get(reverse("dossiers:form_pdf", args=[d.code, "receipt"]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    content = b"".join(r.streaming_content)  # type: ignore[attr-defined]
    text = pdf_text(content)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Nguyễn Thị Hoà" in text and d.code in text
    assert f"/tra-cuu/{d.code}" in text
    assert any("DejaVu" in f for f in pdf_fonts(content))
    assert d.forms.filter(kind="receipt").count() == 1  # kept with the dossier
    client.get(reverse("dossiers:form_pdf", args=[d.code, "receipt"]))
    assert d.forms.filter(kind="receipt").count() == 1  # the kept one is served again


@pytest.mark.parametrize(
    ("kind", "title"),
    [
        ("additions", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
        ("refusal", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
        ("control", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
    ],
)
def test_every_form_renders(client: Client, world: World, kind: str, title: str) -> None:
    d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    if kind == "additions":
        dossier_act(dossier=d, action="request_additions", actor=world.specialist, note="Ảnh")
    if kind == "refusal":
        dossier_act(dossier=d, action="refuse", actor=world.specialist, note="Sai đối tượng")
    client.force_login(world.one_stop)
    r = client.get(reverse("dossiers:form_pdf", args=[d.code, kind]))
    assert title in pdf_text(b"".join(r.streaming_content))  # type: ignore[attr-defined]


def test_apology_form_shows_the_new_date(client: Client, world: World) -> None:
    import datetime as dt

    import time_machine

    from tinhso.dossiers.pdf.forms import render_apology

    with time_machine.travel(dt.datetime(2027, 3, 4, 3, tzinfo=dt.UTC), tick=False):
        d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
        d = dossier_act(
            dossier=d,
            action="apologize",
            actor=world.leader,
            note="Chờ xác minh",
            new_due_date=dt.date(2027, 3, 15),
        )
        text = pdf_text(render_apology(d))
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text and "15/03/2027" in text


def test_form_not_yet_issued_is_404(client: Client, world: World) -> None:
    d = world.submit()
    client.force_login(world.one_stop)
    assert client.get(reverse("dossiers:form_pdf", args=[d.code, "receipt"])).status_code == 404
    assert client.get(reverse("dossiers:form_pdf", args=[d.code, "nonsense"])).status_code == 404


def test_public_tracking_page_by_short_url(client: Client, world: World) -> None:
    d = world.submit()
    r = client.get(f"/tra-cuu/{d.code}")
    html = r.content.decode()
    assert r.status_code == 200 and "Chờ tiếp nhận" in html
    assert "Nguyễn Thị Hoà" not in html and "038090001234" not in html
    assert client.get("/tra-cuu/KHONG-CO-MA").status_code == 404


def test_tracking_book_pdf_and_xlsx(client: Client, world: World) -> None:
    from openpyxl import load_workbook

    d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    client.force_login(world.one_stop)
    pdf = client.get(reverse("dossiers:tracking_book", args=["pdf"]))
    assert "SỔ THEO DÕI HỒ SƠ" in pdf_text(pdf.content)
    xlsx = client.get(reverse("dossiers:tracking_book", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert d.code in [c.value for c in sheet[4]]


def test_tracking_book_exists_only_as_pdf_and_xlsx(client: Client, world: World) -> None:
    client.force_login(world.one_stop)
    for fmt in ("doc", "exe", "PDF"):
        # not a PDF under another name
        assert client.get(reverse("dossiers:tracking_book", args=[fmt])).status_code == 404


def test_tracking_book_of_an_officer_of_one_agency_is_headed_with_its_name(
    client: Client, world: World
) -> None:
    from openpyxl import load_workbook

    dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    client.force_login(world.one_stop)  # one-stop officer of one commune only
    name = world.procedure.agencies.get().name
    pdf = pdf_text(client.get(reverse("dossiers:tracking_book", args=["pdf"])).content)
    assert name.upper() in pdf and "CÁC CƠ QUAN CỦA BẠN" not in pdf
    xlsx = client.get(reverse("dossiers:tracking_book", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert sheet["A1"].value == f"SỔ THEO DÕI HỒ SƠ — {name}"


def test_statistics_page_and_exports(client: Client, world: World) -> None:
    dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    r = client.get(reverse("dossiers:statistics"))
    assert r.status_code == 200
    assert "Tiến độ giải quyết" in r.content.decode()
    csv = client.get(reverse("dossiers:statistics") + "?xuat=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert "Ủy ban nhân dân xã Hoà An" in csv.content.decode("utf-8-sig")
    xlsx = client.get(reverse("dossiers:statistics") + "?xuat=xlsx&theo=field")
    assert xlsx.status_code == 200


def test_indicator_provider_contract(world: World) -> None:
    import datetime as dt

    from django.utils import timezone

    from tinhso.indicators.providers import get_provider

    d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    d = dossier_act(dossier=d, action="forward", actor=world.specialist)
    dossier_act(dossier=d, action="forward", actor=world.leader)
    today = timezone.localdate()
    provider = get_provider("ontime_rate")
    assert provider is not None
    result = provider.compute(start=today - dt.timedelta(days=1), end=today)
    assert result is not None and result.value == 100


def test_statistics_index_writes_the_mean_rating_with_a_decimal_comma(
    client: Client, world: World
) -> None:
    from tinhso.dossiers.services import dossier_rate

    for rating in (4, 5, 5):
        d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
        d = dossier_act(dossier=d, action="forward", actor=world.specialist)
        d = dossier_act(dossier=d, action="forward", actor=world.leader)
        dossier_rate(dossier=d, user=world.citizen, rating=rating)
    html = client.get(reverse("dossiers:statistics")).content.decode()
    # 14/3 = 4.666…: rounded and with a comma, as the other numbers of the page
    assert "<td>4,67/5 (3)</td>" in html


def test_online_form_lists_agencies_in_vietnamese_alphabetical_order(
    client: Client, world: World
) -> None:
    from tests.core.factories import AgencyFactory
    from tinhso.core.models import Agency

    names = ["Ủy ban nhân dân Xã Hoằng Tiến", "Ủy ban nhân dân Xã Hà Long"]
    names += ["Ủy ban nhân dân Phường Đào Duy Từ", "Ủy ban nhân dân Phường Tĩnh Gia"]
    for name in names:
        world.procedure.agencies.add(AgencyFactory(name=name, level=Agency.Level.COMMUNE))
    client.force_login(world.citizen)
    html = client.get(reverse("dossiers:submit", args=[world.procedure.code])).content.decode()
    expected = [names[2], names[3], names[1], names[0]]  # Đ after D, Hà before Hoằng
    assert sorted(expected, key=html.index) == expected


def test_fee_due_before_the_result_is_asked_for_the_result_not_for_receipt(
    client: Client, world: World
) -> None:
    from tinhso.procedures.models import Procedure

    world.procedure.fee_amount = 10000
    world.procedure.fee_timing = Procedure.FeeTiming.BEFORE_RESULT
    world.procedure.save()
    d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    d = dossier_act(dossier=d, action="forward", actor=world.specialist)
    d = dossier_act(dossier=d, action="forward", actor=world.leader)
    assert d.state == State.AWAITING_PAYMENT and d.received_at is not None
    client.force_login(world.citizen)
    html = client.get(reverse("dossiers:detail", args=[d.code])).content.decode()
    assert "Việc cần làm: nộp phí, lệ phí" in html
    # Already received and settled: the fee releases the result, not the receipt.
    assert "kết quả được trả sau khi bạn nộp 10.000 đồng" in html
    assert "chỉ được tiếp nhận sau khi" not in html


def test_statistics_exports_leave_the_totals_code_cell_empty(client: Client, world: World) -> None:
    from openpyxl import load_workbook

    dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    xlsx = client.get(reverse("dossiers:statistics") + "?xuat=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    last = [c.value for c in sheet[sheet.max_row]]
    assert last[1] == "Tổng cộng" and last[0] in (None, "")  # not "'"
    csv = client.get(reverse("dossiers:statistics") + "?xuat=csv").content.decode("utf-8-sig")
    assert csv.splitlines()[-1].startswith(",Tổng cộng,")

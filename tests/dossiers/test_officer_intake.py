"""Counter and post intake: one-stop officers enter a paper dossier and receive it at once."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.core.factories import officer
from tests.dossiers.conftest import World, pdf_upload
from tests.dossiers.factories import (
    OTHER_CITIZEN_ID,
    VALID_CITIZEN_ID,
    ProcedureFactory,
    RequiredDocumentFactory,
)
from tests.dossiers.test_views import pdf_text
from tinhso.core.models import Role
from tinhso.dossiers import prefill
from tinhso.dossiers.intake import intake_applicant_sign
from tinhso.dossiers.models import Channel, Dossier, DossierDocument, FeeStatus, State
from tinhso.dossiers.prefill import ApplicantData
from tinhso.procedures.models import Procedure

pytestmark = pytest.mark.django_db

URL = "/ho-so/xu-ly/tiep-nhan-truc-tiep/"
UNKNOWN_CITIZEN_ID = "038188007777"


def test_intake_url_is_stable() -> None:
    assert reverse("dossiers:intake") == URL


def _form(world: World, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "agency": world.tree.commune_a.code,
        "procedure": world.procedure.code,
        "channel": Channel.COUNTER,
        "citizen_id": VALID_CITIZEN_ID,
        "received": [str(world.form.pk)],
        "phone": "0987654321",
        "idempotency_key": "k-" + str(extra.pop("key", "1")),
        "do": "submit",
    }
    data.update(extra)
    return data


def _lookup(client: Client, world: World, citizen_id: str = VALID_CITIZEN_ID) -> str:
    r = client.post(URL, {**_form(world, citizen_id=citizen_id), "do": "lookup"})
    assert r.status_code == 200
    return r.content.decode()


def _token(html: str) -> str:
    match = re.search(r'name="applicant_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def test_only_one_stop_officers_may_use_intake(client: Client, world: World) -> None:
    assert client.get(URL).status_code == 302  # sign in first
    for user in (world.citizen, world.specialist, world.leader):
        client.force_login(user)
        assert client.get(URL).status_code == 404
        assert client.post(URL, _form(world)).status_code == 404
    assert not Dossier.objects.exists()


def test_officer_of_another_agency_cannot_receive_for_it(client: Client, world: World) -> None:
    client.force_login(world.other_one_stop)
    assert client.post(URL, _form(world)).status_code == 404
    r = client.get(URL + f"?agency={world.tree.commune_a.code}&q=khai sinh")
    assert world.procedure.code not in r.content.decode()
    assert not Dossier.objects.exists()


def test_workspace_links_to_intake_for_one_stop_officers(client: Client, world: World) -> None:
    client.force_login(world.one_stop)
    assert URL in client.get(reverse("dossiers:workspace")).content.decode()
    client.force_login(world.specialist)
    assert URL not in client.get(reverse("dossiers:workspace")).content.decode()


def test_procedure_search_without_diacritics_only_the_agencys_procedures(
    client: Client, world: World
) -> None:
    elsewhere = ProcedureFactory(name="Đăng ký kết hôn", agencies=[world.tree.commune_b])
    client.force_login(world.one_stop)
    r = client.get(URL + "?q=dang ky")
    html = r.content.decode()
    assert "Đăng ký khai sinh" in html
    assert elsewhere.name not in html
    assert f"procedure={world.procedure.code}" in html
    # by code, and as an htmx fragment
    r = client.get(URL + f"?q={world.procedure.code}", HTTP_HX_REQUEST="true")
    assert "Đăng ký khai sinh" in r.content.decode()
    assert "<html" not in r.content.decode()


def test_intake_form_lists_the_documents_as_a_checklist(client: Client, world: World) -> None:
    client.force_login(world.one_stop)
    r = client.get(URL + f"?procedure={world.procedure.code}")
    html = r.content.decode()
    assert r.status_code == 200
    assert world.form.name in html and world.optional_doc.name in html
    assert f'name="received" value="{world.form.pk}"' in html
    assert 'name="idempotency_key"' in html
    assert 'value="counter"' in html and 'value="post"' in html


def test_lookup_prefills_read_only_from_the_registry(client: Client, world: World) -> None:
    client.force_login(world.one_stop)
    html = _lookup(client, world)
    assert "Nguyễn Thị Hoà" in html
    assert 'value="Nguyễn Thị Hoà" readonly' in html
    assert 'name="full_name"' not in html  # not editable
    # with htmx only the applicant fieldset comes back
    r = client.post(URL, {**_form(world), "do": "lookup"}, HTTP_HX_REQUEST="true")
    assert r.content.decode().lstrip().startswith('<fieldset id="nguoi-nop"')


def test_lookup_is_logged_as_personal_data_access(client: Client, world: World) -> None:
    from tests.identity.factories import resident
    from tinhso.identity.models import PersonalDataAccess

    prefill.lookup_override = None  # the real registry adapter (simulator)
    person = resident(name="Trần Thị Mai", born=dt.date(1992, 3, 4), serial=777)
    client.force_login(world.one_stop)
    html = _lookup(client, world, citizen_id=person.citizen_id)
    assert "Trần Thị Mai" in html
    access = PersonalDataAccess.objects.get()
    assert access.citizen_id == person.citizen_id
    assert access.purpose == PersonalDataAccess.Purpose.COUNTER_INTAKE
    assert access.actor_id == world.one_stop.pk
    assert access.found


def test_counter_intake_creates_and_receives_the_dossier(client: Client, world: World) -> None:
    client.force_login(world.one_stop)
    token = _token(_lookup(client, world))
    r = client.post(
        URL,
        _form(
            world,
            applicant_token=token,
            **{f"doc-{world.optional_doc.pk}": pdf_upload("giay-chung-sinh.pdf")},
        ),
    )
    assert r.status_code == 302
    d = Dossier.objects.get()
    assert r["Location"] == reverse("dossiers:detail", args=[d.code])
    assert d.state == State.RECEIVED
    assert d.channel == Channel.COUNTER
    assert d.applicant_name == "Nguyễn Thị Hoà" and d.prefilled
    assert d.applicant_birth_date == dt.date(1990, 5, 17)
    assert d.applicant_phone == "0987654321"
    assert d.applicant_id == world.citizen.pk  # the citizen's account sees it too
    assert d.submitted_by_id == d.received_by_id == world.one_stop.pk
    assert d.due_date is not None and d.due_date > timezone.localdate() - dt.timedelta(days=1)
    receive = d.events.get(action="receive")
    assert world.form.name in receive.note
    assert "Nhận trực tiếp" in receive.note
    assert [doc.name for doc in d.documents.all()] == [world.optional_doc.name]
    page = client.get(r["Location"]).content.decode()
    receipt = reverse("dossiers:form_pdf", args=[d.code, "receipt"])
    assert receipt in page
    pdf = client.get(receipt)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(b"".join(pdf.streaming_content)).split())  # type: ignore[attr-defined]
    # the slip lists what was received: the form on paper, the birth certificate scanned
    assert world.form.name in text and world.optional_doc.name in text
    assert "01 bản chính, bản điện tử" in text
    assert receive.data["paper_documents"] == [world.form.pk, world.optional_doc.pk]


def test_receipt_lists_paper_documents_of_a_post_intake(client: Client, world: World) -> None:
    client.force_login(world.one_stop)
    today = timezone.localdate()
    r = client.post(
        URL,
        _form(
            world, channel=Channel.POST, postal_item="RR123", postal_received_on=today.isoformat()
        ),
    )
    assert r.status_code == 302
    d = Dossier.objects.get()
    data = d.events.get(action="receive").data
    assert data["postal_item"] == "RR123" and data["postal_received_on"] == today.isoformat()
    pdf = client.get(reverse("dossiers:form_pdf", args=[d.code, "receipt"]))
    text = " ".join(pdf_text(b"".join(pdf.streaming_content)).split())  # type: ignore[attr-defined]
    assert world.form.name in text and world.optional_doc.name not in text


def test_registry_data_cannot_be_altered_in_the_form(client: Client, world: World) -> None:
    client.force_login(world.one_stop)
    forged = intake_applicant_sign(
        ApplicantData(full_name="Người Giả", citizen_id=OTHER_CITIZEN_ID, prefilled=True)
    )
    r = client.post(
        URL, _form(world, applicant_token=forged + "x", full_name="Người Giả", address="X")
    )
    assert r.status_code == 302
    d = Dossier.objects.get()
    # the broken token is ignored; the registry is asked again and wins over typed fields
    assert d.applicant_name == "Nguyễn Thị Hoà" and d.prefilled
    # a valid token for another number is not used for this number either
    r = client.post(
        URL, _form(world, key="2", applicant_token=forged, full_name="Người Giả", address="X")
    )
    assert Dossier.objects.order_by("-id").first().applicant_name == "Nguyễn Thị Hoà"  # type: ignore[union-attr]


def test_manual_entry_when_the_registry_does_not_know_the_person(
    client: Client, world: World
) -> None:
    client.force_login(world.one_stop)
    html = _lookup(client, world, citizen_id=UNKNOWN_CITIZEN_ID)
    assert "Không tìm thấy số định danh" in html
    assert 'name="full_name"' in html
    r = client.post(URL, _form(world, citizen_id=UNKNOWN_CITIZEN_ID))
    assert r.status_code == 422
    assert "Cần họ và tên người nộp hồ sơ." in r.content.decode()
    assert not Dossier.objects.exists()
    r = client.post(
        URL,
        _form(
            world,
            citizen_id=UNKNOWN_CITIZEN_ID,
            full_name="  Lò   Văn Páo ",
            birth_date="1988-02-03",
            gender="Nam",
            address="Bản Nậm Khà, xã Hoà An",
        ),
    )
    assert r.status_code == 302
    d = Dossier.objects.get()
    assert d.applicant_name == "Lò Văn Páo" and not d.prefilled
    assert d.applicant_birth_date == dt.date(1988, 2, 3)
    assert d.state == State.RECEIVED


def test_invalid_id_number_is_refused_with_a_clear_message(client: Client, world: World) -> None:
    client.force_login(world.one_stop)
    html = _lookup(client, world, citizen_id="12345")
    assert "12 chữ số" in html
    r = client.post(URL, _form(world, citizen_id="999190001234", full_name="A", address="B"))
    assert r.status_code == 422
    assert "mã tỉnh" in r.content.decode()
    assert not Dossier.objects.exists()


def test_post_intake_needs_item_number_and_date(client: Client, world: World) -> None:
    client.force_login(world.one_stop)
    r = client.post(URL, _form(world, channel=Channel.POST))
    assert r.status_code == 422 and "Cần nhập số hiệu bưu gửi." in r.content.decode()
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    r = client.post(
        URL, _form(world, channel=Channel.POST, postal_item="EA123", postal_received_on=future)
    )
    assert r.status_code == 422 and "không được sau hôm nay" in r.content.decode()
    r = client.post(
        URL, _form(world, channel=Channel.POST, postal_item="EA 1;2", postal_received_on=future)
    )
    assert r.status_code == 422 and "Số hiệu bưu gửi chỉ gồm" in r.content.decode()
    assert not Dossier.objects.exists()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    r = client.post(
        URL,
        _form(
            world,
            channel=Channel.POST,
            postal_item="ea 123 456 789 vn",
            postal_received_on=yesterday.isoformat(),
        ),
    )
    assert r.status_code == 302
    d = Dossier.objects.get()
    assert d.channel == Channel.POST and d.state == State.RECEIVED
    note = d.events.get(action="receive").note
    assert "EA123456789VN" in note and f"{yesterday:%d/%m/%Y}" in note


def test_missing_required_document_stores_nothing(client: Client, world: World) -> None:
    client.force_login(world.one_stop)
    r = client.post(
        URL,
        _form(world, received=[], **{f"doc-{world.optional_doc.pk}": pdf_upload()}),
    )
    assert r.status_code == 422
    assert "Thiếu thành phần hồ sơ bắt buộc: Tờ khai đăng ký khai sinh." in r.content.decode()
    assert not Dossier.objects.exists() and not DossierDocument.objects.exists()
    # a scan of the required document counts as received
    r = client.post(URL, _form(world, received=[], **{f"doc-{world.form.pk}": pdf_upload()}))
    assert r.status_code == 302


def test_disguised_or_oversized_scan_is_refused(client: Client, world: World, settings) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.one_stop)
    exe = SimpleUploadedFile("to-khai.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")
    r = client.post(URL, _form(world, **{f"doc-{world.form.pk}": exe}))
    assert r.status_code == 422
    assert not Dossier.objects.exists() and not DossierDocument.objects.exists()
    from tinhso.dossiers import services

    big = SimpleUploadedFile(
        "lon.pdf", b"%PDF-1.4\n" + b"0" * (services.MAX_UPLOAD_BYTES + 1), "application/pdf"
    )
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    r = client.post(URL, _form(world, **{f"doc-{world.form.pk}": big}))
    assert r.status_code == 422
    assert "vượt quá dung lượng" in r.content.decode()
    assert not Dossier.objects.exists()


def test_double_submit_with_the_same_key_gives_one_dossier(client: Client, world: World) -> None:
    client.force_login(world.one_stop)
    first = client.post(URL, _form(world, key="same"))
    second = client.post(URL, _form(world, key="same"))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    d = Dossier.objects.get()
    assert d.events.filter(action="receive").count() == 1
    client.post(URL, _form(world, key="other"))
    assert Dossier.objects.count() == 2
    # a replay says so
    page = client.get(second["Location"]).content.decode()
    assert "đã được tiếp nhận từ lần gửi trước" in page


def test_reused_form_for_another_applicant_gets_a_fresh_key(client: Client, world: World) -> None:
    client.force_login(world.one_stop)
    assert client.post(URL, _form(world, key="k")).status_code == 302
    r = client.post(
        URL,
        _form(world, key="k", citizen_id=UNKNOWN_CITIZEN_ID, full_name="Hà Văn Sơn", address="X"),
    )
    html = r.content.decode()
    assert r.status_code == 422 and "Biểu mẫu này đã được dùng" in html
    assert 'name="idempotency_key" value="k-k"' not in html
    assert Dossier.objects.count() == 1


def test_fee_due_before_receipt_must_be_paid_at_the_counter(client: Client, world: World) -> None:
    Procedure.objects.filter(pk=world.procedure.pk).update(
        fee_amount=Decimal(50000), fee_timing=Procedure.FeeTiming.BEFORE_RECEIPT
    )
    client.force_login(world.one_stop)
    page = client.get(URL + f"?procedure={world.procedure.code}").content.decode()
    assert 'name="fee_paid"' in page and "50.000" in page
    r = client.post(URL, _form(world))
    assert r.status_code == 422 and "trước khi tiếp nhận" in r.content.decode()
    assert not Dossier.objects.exists()
    r = client.post(URL, _form(world, fee_paid="1"))
    assert r.status_code == 302
    d = Dossier.objects.get()
    assert d.state == State.RECEIVED and d.fee_status == FeeStatus.PAID and not d.paid_online
    assert "50.000" in d.events.get(action="receive").note


def test_fee_before_result_may_stay_unpaid(client: Client, world: World) -> None:
    Procedure.objects.filter(pk=world.procedure.pk).update(
        fee_amount=Decimal(20000), fee_timing=Procedure.FeeTiming.BEFORE_RESULT
    )
    client.force_login(world.one_stop)
    assert client.post(URL, _form(world)).status_code == 302
    d = Dossier.objects.get()
    assert d.state == State.RECEIVED and d.fee_status == FeeStatus.UNPAID


def test_document_of_another_procedure_is_refused(client: Client, world: World) -> None:
    other = RequiredDocumentFactory(procedure=ProcedureFactory(agencies=[world.tree.commune_a]))
    client.force_login(world.one_stop)
    r = client.post(URL, _form(world, received=[str(world.form.pk), str(other.pk)]))
    # the checklist only offers this procedure's documents: a foreign id is ignored
    assert r.status_code == 302
    assert other.name not in Dossier.objects.get().events.get(action="receive").note


def test_officer_with_several_agencies_chooses_one(client: Client, world: World) -> None:
    from tests.core.factories import MembershipFactory

    MembershipFactory(user=world.one_stop, agency=world.tree.commune_b, role=Role.ONE_STOP_OFFICER)
    client.force_login(world.one_stop)
    html = client.get(URL).content.decode()
    assert world.tree.commune_a.name in html and world.tree.commune_b.name in html
    assert "Hãy chọn cơ quan tiếp nhận." in html
    assert client.post(URL, {**_form(world), "agency": ""}).status_code == 404
    leader_only = officer(world.tree.commune_b, Role.LEADER, username="lanhdao.b")
    client.force_login(leader_only)
    assert client.get(URL).status_code == 404


def test_registry_unavailable_allows_manual_entry(client: Client, world: World) -> None:
    from tinhso.dossiers.prefill import RegistryUnavailable

    def down(citizen_id: str) -> None:
        raise RegistryUnavailable("Cơ sở dữ liệu dân cư không phản hồi.")

    prefill.lookup_override = down
    client.force_login(world.one_stop)
    html = _lookup(client, world)
    assert "Cơ sở dữ liệu dân cư không phản hồi." in html
    assert "nhập thông tin người nộp thủ công" in html and 'name="full_name"' in html
    r = client.post(URL, _form(world, full_name="Nguyễn Thị Hoà", address="Thôn Đông"))
    assert r.status_code == 302
    d = Dossier.objects.get()
    assert not d.prefilled and d.applicant_citizen_id == VALID_CITIZEN_ID
    # a number typed by hand is not trusted to link the dossier to the account holding it
    assert d.applicant_id is None

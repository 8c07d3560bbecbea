"""One citizen's journey end to end, through the web pages only, as a new user would.

A resident finds the procedure without typing diacritics, signs in with the (simulated)
national e-ID, submits with the registry's data pre-filled, pays through the simulator
gateway, is asked for an addition, supplies it, and downloads the result; the officers
of the commune receive, process, approve and return it through their pages. The
appointment is set across Tết 2027 and every PDF issued on the way is read back.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import unicodedata
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from pypdf import PdfReader

from tests.conftest import AgencyTree
from tests.core.factories import officer
from tests.dossiers.factories import (
    ProcedureFactory,
    RequiredDocumentFactory,
    WorkflowStepFactory,
)
from tests.identity.factories import resident
from tinhso.core.models import Role, User
from tinhso.procedures.models import Procedure

pytestmark = pytest.mark.django_db(transaction=False)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
# Wednesday 3 February 2027, 09:00: Tết holidays run Thursday 4 to Wednesday 10 February.
MORNING_BEFORE_TET = dt.datetime(2027, 2, 3, 9, 0, tzinfo=HANOI)


def text(response: Any) -> str:
    """The visible text of a page, whitespace collapsed (what a reader sees)."""
    body = response.content.decode()
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", body)
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", html.unescape(body))


def hidden(response: Any, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', response.content.decode())
    assert match, f"no hidden field {name}"
    return html.unescape(match.group(1))


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    content = "\n".join(page.extract_text() or "" for page in reader.pages)
    return unicodedata.normalize("NFC", content)


def upload(name: str, marker: str) -> SimpleUploadedFile:
    body = f"%PDF-1.4\n1 0 obj<<>>endobj\n% {marker}\ntrailer<<>>\n%%EOF\n".encode()
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def commune(agency_tree: AgencyTree) -> dict[str, Any]:
    agency = agency_tree.commune_a
    procedure = ProcedureFactory(
        code="1.004325",
        name="Đăng ký khai sinh lưu động",
        agencies=[agency],
        processing_days=3,
        fee_amount=Decimal(200000),
        fee_timing=Procedure.FeeTiming.BEFORE_RECEIPT,
    )
    procedure.save()  # search key
    form = RequiredDocumentFactory(procedure=procedure, name="Tờ khai đăng ký khai sinh")
    WorkflowStepFactory(procedure=procedure, position=1, name="Thẩm định", role=Role.SPECIALIST)
    WorkflowStepFactory(procedure=procedure, position=2, name="Phê duyệt", role=Role.LEADER)
    return {
        "procedure": procedure,
        "form": form,
        "one_stop": agency_tree.officer_a,
        "specialist": officer(agency, Role.SPECIALIST, username="chuyenvien.xa"),
        "leader": officer(agency, Role.LEADER, username="lanhdao.xa"),
    }


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def act(client: Client, code: str, action: str, **data: Any) -> Any:
    """Press an action's button on the dossier page (version from the page's form)."""
    page = client.get(f"/ho-so/{code}/")
    assert page.status_code == 200
    form_id = f'id="thao-tac-{action}"'
    assert form_id in page.content.decode(), f"no {action} form on the page"
    response = client.post(
        f"/ho-so/{code}/thao-tac/{action}/", {"version": hidden(page, "version"), **data}
    )
    assert response.status_code == 302, response.status_code
    assert "X-Dossier-Refused" not in response
    return client.get(response["Location"])


@override_settings(EID_PROVIDER="simulator", PAYMENT_GATEWAY="simulator")
def test_citizen_journey_from_search_to_result(commune: dict[str, Any]) -> None:
    hoa = resident(name="Nguyễn Thị Hoa", born=dt.date(1990, 5, 12), serial=123456)
    procedure = commune["procedure"]
    with time_machine.travel(MORNING_BEFORE_TET, tick=True):
        citizen = Client()

        # 1. From the one-stop home page, find the procedure without diacritics.
        home = citizen.get("/ho-so/")
        assert re.search(r'<form method="get" action="/thu-tuc/"', home.content.decode())
        assert "Tìm thủ tục (gõ không dấu cũng được)" in text(home)
        found = citizen.get("/thu-tuc/", {"q": "giay khai sinh"})
        assert "Đăng ký khai sinh lưu động" in text(found)
        page = citizen.get(f"/thu-tuc/{procedure.code}/")
        assert "200.000 đồng" in text(page)
        submit_url = f"/ho-so/nop/{procedure.code}/"
        assert submit_url in page.content.decode()

        # 2. Not signed in: the login page, then "Đăng nhập bằng VNeID".
        login_page = citizen.get(submit_url, follow=True)
        assert "Đăng nhập bằng VNeID" in text(login_page)
        leave = citizen.post("/tai-khoan/vneid/", {"next": submit_url})
        consent_url = leave["Location"]
        consent = citizen.get(consent_url)
        assert "Nguyễn Thị Hoa" in text(consent)
        params = {k: v[0] for k, v in parse_qs(urlsplit(consent_url).query).items()}
        back = citizen.post(
            "/dinh-danh/mo-phong-vneid/uy-quyen/",
            {**params, "citizen_id": hoa.citizen_id, "action": "consent"},
        )
        landed = citizen.get(back["Location"])
        assert landed["Location"] == submit_url

        # 3. The form: registry data shown read-only, then submit with the declaration.
        form = citizen.get(submit_url)
        shown = form.content.decode()
        for value in ("Nguyễn Thị Hoa", hoa.citizen_id, "12/05/1990"):
            assert re.search(rf'value="{re.escape(value)}" readonly', shown), value
        assert "Phí, lệ phí: 200.000 đồng." in text(form)
        # Only her commune runs it: no agency to choose.
        assert 'name="agency"' not in shown
        submitted = citizen.post(
            submit_url,
            {
                "idempotency_key": hidden(form, "idempotency_key"),
                "phone": "0912345678",
                "email": "hoa@example.com",
                f"doc-{commune['form'].pk}": upload("to-khai.pdf", "to khai"),
            },
        )
        assert submitted.status_code == 302
        detail_url = submitted["Location"]
        code = detail_url.rstrip("/").rsplit("/", 1)[-1]
        assert re.fullmatch(r"001\.00\.99\.H98-270203-\d{4}", code)
        detail = citizen.get(detail_url)
        assert "Chờ thanh toán" in text(detail)
        assert "Việc cần làm: nộp phí, lệ phí" in text(detail)

        # 4. Pay through the simulator gateway: redirect, bank page, signed callback.
        to_bank = citizen.post(f"/ho-so/{code}/thanh-toan/")
        bank = citizen.get(to_bank["Location"])
        assert "200.000" in text(bank)
        paid = citizen.post(to_bank["Location"], {"action": "pay"}, follow=True)
        assert paid.redirect_chain[-1][0].endswith(f"/ho-so/{code}/")
        paid_text = text(paid)
        assert "Chờ tiếp nhận" in paid_text and "Đã nộp" in paid_text
        receipt_link = re.search(
            r'href="(/thanh-toan/[0-9a-f-]+/bien-lai\.pdf)"', paid.content.decode()
        )
        assert receipt_link, "no e-receipt link on the dossier page"
        e_receipt = pdf_text(citizen.get(receipt_link.group(1)).getvalue())
        assert "BIÊN LAI THU PHÍ, LỆ PHÍ ĐIỆN TỬ" in e_receipt and "200.000" in e_receipt

        # 5. The one-stop officer sees it to receive, and asks for an addition.
        one_stop = as_user(commune["one_stop"])
        queue = one_stop.get("/ho-so/xu-ly/", {"hang": "to_receive"})
        assert code in text(queue)
        request_note = "Đề nghị bổ sung giấy tờ chứng minh nơi cư trú của người mẹ."
        asked = act(one_stop, code, "request_additions", note=request_note)
        assert "Chờ bổ sung" in text(asked)
        additions_pdf = pdf_text(one_stop.get(f"/ho-so/{code}/phieu/additions.pdf").getvalue())
        assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in additions_pdf
        assert "nơi cư trú của người mẹ" in additions_pdf

        # 6. The citizen is told what to do, reads the request and uploads the addition.
        mine = citizen.get("/ho-so/cua-toi/")
        assert "Việc cần bạn làm" in text(mine)
        assert "Xem yêu cầu và nộp bổ sung" in text(mine)
        detail = citizen.get(detail_url)
        assert "Việc cần làm: bổ sung hồ sơ" in text(detail)
        assert request_note in text(detail)
        supplied = act(
            citizen, code, "supply_additions", files=upload("cu-tru.pdf", "cu tru"), note=""
        )
        assert "Chờ tiếp nhận" in text(supplied)
        assert "cu-tru.pdf" in text(supplied)

        # 7. Received on the eve of Tết: 3 working days skip Tết and the weekend.
        received = act(one_stop, code, "receive")
        assert "Thứ 2, 15/02/2027" in text(received)
        receipt_pdf = pdf_text(one_stop.get(f"/ho-so/{code}/phieu/receipt.pdf").getvalue())
        assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in receipt_pdf
        assert "Nguyễn Thị Hoa" in receipt_pdf and "15/02/2027" in receipt_pdf

        # 8. Specialist, then leader (with the result file), then the one-stop returns it.
        specialist = as_user(commune["specialist"])
        assert code in text(specialist.get("/ho-so/xu-ly/", {"hang": "to_process"}))
        act(specialist, code, "forward", note="Đủ điều kiện")
        leader = as_user(commune["leader"])
        assert code in text(leader.get("/ho-so/xu-ly/", {"hang": "to_approve"}))
        approved = act(
            leader, code, "forward", note="Đồng ý", files=upload("trich-luc.pdf", "KET QUA 38")
        )
        assert "Có kết quả, chờ trả" in text(approved)
        assert code in text(one_stop.get("/ho-so/xu-ly/", {"hang": "to_return"}))
        returned = act(one_stop, code, "return_result", note="")
        assert "Đã trả kết quả" in text(returned)
        history = text(returned).split("Lịch sử xử lý", 1)[1]
        for label in ("Yêu cầu bổ sung", "Nộp bổ sung", "Tiếp nhận", "Trả kết quả"):
            assert label in history
        assert "request_additions" not in history and "additions_requested" not in history
        control_pdf = pdf_text(one_stop.get(f"/ho-so/{code}/phieu/control.pdf").getvalue())
        assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in control_pdf

        # 9. The citizen downloads the result and rates the service.
        detail = citizen.get(detail_url)
        result_link = re.search(
            r'href="(/ho-so/[^"]+/tep/\d+/)" download>Tải kết quả', detail.content.decode()
        )
        assert result_link, "no result download on the dossier page"
        result = citizen.get(result_link.group(1))
        assert b"KET QUA 38" in result.getvalue()
        rated = citizen.post(
            f"/ho-so/{code}/danh-gia/", {"rating": "5", "comment": "Nhanh"}, follow=True
        )
        assert "Cảm ơn bạn đã đánh giá" in text(rated)

        # 10. A second dossier reuses the form uploaded earlier instead of uploading again.
        again = citizen.get(submit_url)
        select = re.search(
            rf'<select id="reuse-{commune["form"].pk}" name="reuse-{commune["form"].pk}">(.*?)</select>',
            again.content.decode(),
        )
        assert select, "no reuse choice on the form"
        reuse = re.search(
            rf'<option value="(\d+)">Tờ khai đăng ký khai sinh \({re.escape(code)}\)</option>',
            select.group(1),
        )
        assert reuse, "the earlier form is not offered for reuse"
        second = citizen.post(
            submit_url,
            {
                "idempotency_key": hidden(again, "idempotency_key"),
                f"reuse-{commune['form'].pk}": reuse.group(1),
            },
        )
        assert second.status_code == 302 and second["Location"] != detail_url
        second_page = citizen.get(second["Location"])
        assert re.search(
            r'href="/ho-so/[^"]+/tep/\d+/">Tờ khai đăng ký khai sinh</a>',
            second_page.content.decode(),
        ), "the reused form is not among the new dossier's documents"
        assert "Chờ thanh toán" in text(second_page)

        # 11. Public tracking by code: state and dates, no personal data.
        public = Client().get(f"/tra-cuu/{code}")
        public_text = text(public)
        assert public.status_code == 200
        assert "Đã trả kết quả" in public_text and "15/02/2027" in public_text
        for personal in ("Nguyễn Thị Hoa", hoa.citizen_id, "0912345678", "hoa@example.com"):
            assert personal not in public_text

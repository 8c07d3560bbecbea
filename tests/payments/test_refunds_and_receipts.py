from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from pypdf import PdfReader

from tests.core.factories import UserFactory
from tests.payments.factories import PaidPaymentFactory, PaymentFactory
from tinhso.core.services import DomainError
from tinhso.payments.models import Payment, Refund
from tinhso.payments.services import amount_in_words, payment_refund

pytestmark = pytest.mark.django_db


def test_partial_then_full_refund(signals) -> None:  # type: ignore[no-untyped-def]
    payment = PaidPaymentFactory(amount=Decimal("150000"))
    payment_refund(payment=payment, amount=Decimal("50000"), reason="Thu thừa")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PARTIALLY_REFUNDED
    assert payment.refundable_amount == Decimal("100000")
    refund = payment_refund(payment=payment, amount=Decimal("100000"), reason="Từ chối hồ sơ")
    assert refund.gateway_refund_id.startswith("SIMR")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert payment.refunded_amount == Decimal("150000")
    assert len(signals["refunded"]) == 2


def test_refund_above_the_paid_amount_is_refused() -> None:
    payment = PaidPaymentFactory(amount=Decimal("150000"))
    with pytest.raises(DomainError) as exc:
        payment_refund(payment=payment, amount=Decimal("150001"), reason="x")
    assert "vượt quá" in exc.value.message
    payment_refund(payment=payment, amount=Decimal("100000"), reason="x")
    with pytest.raises(DomainError):
        payment_refund(payment=payment, amount=Decimal("50001"), reason="x")
    assert Refund.objects.count() == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PARTIALLY_REFUNDED


def test_refund_of_an_unpaid_or_fully_refunded_payment_is_refused() -> None:
    with pytest.raises(DomainError):
        payment_refund(payment=PaymentFactory(), amount=Decimal("1000"), reason="x")
    paid = PaidPaymentFactory(amount=Decimal("1000"))
    payment_refund(payment=paid, amount=Decimal("1000"), reason="x")
    with pytest.raises(DomainError):
        payment_refund(payment=paid, amount=Decimal("1"), reason="x")


def test_refund_needs_a_reason_and_a_whole_positive_amount() -> None:
    payment = PaidPaymentFactory()
    for amount, reason in [(Decimal("1000"), " "), (Decimal("0"), "x"), (Decimal("0.5"), "x")]:
        with pytest.raises(DomainError):
            payment_refund(payment=payment, amount=amount, reason=reason)
    assert not Refund.objects.exists()


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (5000, "Năm nghìn đồng"),
        (15000, "Mười lăm nghìn đồng"),
        (21000, "Hai mươi mốt nghìn đồng"),
        (105000, "Một trăm linh năm nghìn đồng"),
        (150000, "Một trăm năm mươi nghìn đồng"),
        (1_250_000, "Một triệu hai trăm năm mươi nghìn đồng"),
        (2_005_000, "Hai triệu không trăm linh năm nghìn đồng"),
        (34_000, "Ba mươi tư nghìn đồng"),
        (1_000_000_000, "Một tỷ đồng"),
    ],
)
def test_amount_in_words(amount: int, words: str) -> None:
    assert amount_in_words(amount) == words


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_receipt_pdf_is_vietnamese_with_amount_reference_and_verification_url(
    client: Client,
) -> None:
    payer = UserFactory(username="nguoinop", full_name="Nguyễn Thị Hoa")
    payment = PaidPaymentFactory(payer=payer, reference="000.00.01.H56-260105-0007")
    client.force_login(payer)
    response = client.get(f"/thanh-toan/{payment.public_id}/bien-lai.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ ĐIỆN TỬ" in text
    assert "Nguyễn Thị Hoa" in text
    assert "000.00.01.H56-260105-0007" in text
    assert "150.000 đồng" in text
    assert "Một trăm năm mươi nghìn đồng" in text
    # The verification URL may be cut across lines by width.
    assert f"/thanh-toan/bien-lai/{payment.receipt_token}/" in text.replace("\n", "")
    reader = PdfReader(io.BytesIO(response.content))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    base_fonts = {str(f.get_object()["/BaseFont"]) for f in fonts.values()}
    assert any("DejaVuSans" in name for name in base_fonts)  # embedded subset


def test_receipt_of_an_unpaid_payment_is_refused(client: Client) -> None:
    payment = PaymentFactory()
    assert client.get(f"/thanh-toan/{payment.public_id}/bien-lai.pdf").status_code == 409


def test_receipt_is_private_to_the_payer(client: Client) -> None:
    payment = PaidPaymentFactory(payer=UserFactory(username="chu"))
    client.force_login(UserFactory(username="nguoi-la"))
    assert client.get(f"/thanh-toan/{payment.public_id}/bien-lai.pdf").status_code == 403


def test_public_verification_page_shows_the_receipt_with_a_masked_name(client: Client) -> None:
    payer = UserFactory(username="nguoinop", full_name="Nguyễn Thị Hoa")
    payment = PaidPaymentFactory(payer=payer)
    page = client.get(f"/thanh-toan/bien-lai/{payment.receipt_token}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Nguyễn T. H." in html and "Nguyễn Thị Hoa" not in html
    assert "150.000" in html
    assert client.get("/thanh-toan/bien-lai/khong-co/").status_code == 404
    pending = PaymentFactory()
    assert client.get(f"/thanh-toan/bien-lai/{pending.receipt_token}/").status_code == 404


def test_refund_api_for_staff_only(client: Client) -> None:
    payer = UserFactory(username="nguoinop")
    payment = PaidPaymentFactory(payer=payer)
    url = f"/api/v1/payments/{payment.public_id}/refunds"
    client.force_login(payer)
    assert client.get(f"/api/v1/payments/{payment.public_id}").json()["status"] == "succeeded"
    body = {"amount": 50000, "reason": "Thu thừa"}
    assert client.post(url, body, content_type="application/json").status_code == 403
    staff = UserFactory(username="ketoan", is_staff=True)
    client.force_login(staff)
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["payment"]["status"] == "partially_refunded"
    too_much = client.post(url, {"amount": 200000, "reason": "x"}, content_type="application/json")
    assert too_much.status_code == 409
    assert "vượt quá" in too_much.json()["detail"]


def test_payment_api_hides_other_peoples_payments(client: Client) -> None:
    payment = PaidPaymentFactory(payer=UserFactory(username="chu"))
    client.force_login(UserFactory(username="nguoi-la"))
    assert client.get(f"/api/v1/payments/{payment.public_id}").status_code == 404


def test_receipt_is_headed_by_the_payee_in_capitals_under_its_parent(settings) -> None:  # type: ignore[no-untyped-def]
    from tinhso.payments.receipts import receipt_pdf

    payment = PaidPaymentFactory(
        payee_name="Ủy ban nhân dân phường Đông Sơn",
        payee_parent_name="Ủy ban nhân dân tỉnh Thử Nghiệm",
    )
    text = _pdf_text(receipt_pdf(payment, verify_url="https://example.vn/v/"))
    lines = [line.strip() for line in text.splitlines()]
    assert lines[:3] == [
        "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM",
        "ỦY BAN NHÂN DÂN PHƯỜNG ĐÔNG SƠN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    ]
    assert settings.SITE_NAME.upper() not in text


def test_payment_start_keeps_the_payee_and_without_one_the_site_heads_the_receipt(
    settings,
) -> None:  # type: ignore[no-untyped-def]
    from tinhso.payments.receipts import receipt_pdf
    from tinhso.payments.services import payment_start

    payment = payment_start(
        reference="000.00.01.H56-260105-0099:fee",
        amount=Decimal("30000"),
        description="Lệ phí",
        payer=None,
        return_url="",
        payee_name="  Sở Tư pháp ",
    )
    assert payment.payee_name == "Sở Tư pháp" and payment.payee_parent_name == ""
    plain = PaidPaymentFactory()
    text = _pdf_text(receipt_pdf(plain, verify_url="https://example.vn/v/"))
    assert text.splitlines()[0].strip() == settings.SITE_NAME.upper()

"""E-receipt (biên lai điện tử) as PDF: reportlab with the vendored DejaVu Sans font
(Vietnamese glyphs) and a QR code (segno, drawn as vectors) to the public
verification page."""

from __future__ import annotations

import io
from pathlib import Path

import segno
from django.conf import settings
from django.utils import timezone

from tinhso.core.services import DomainError
from tinhso.payments.gateways import get_gateway
from tinhso.payments.models import Payment
from tinhso.payments.services import amount_in_words

FONT_DIR = Path(__file__).resolve().parent.parent / "assessment" / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"


def _register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))


def receipt_number(payment: Payment) -> str:
    paid = timezone.localtime(payment.paid_at or payment.created_at)
    return f"BL{paid:%Y%m%d}-{payment.pk:07d}"


def _gateway_label(payment: Payment) -> str:
    try:
        return get_gateway(payment.gateway).label
    except DomainError:
        return payment.gateway


def _money(value: object) -> str:
    return f"{int(str(value)):,}".replace(",", ".") + " đồng"


def _cut(text: str, font: str, size: float, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    current = ""
    for ch in text:
        if current and stringWidth(current + ch, font, size) > width:
            lines.append(current)
            current = ""
        current += ch
    return [*lines, current] if current else lines


def receipt_pdf(payment: Payment, *, verify_url: str) -> bytes:
    """The receipt of a paid payment, with a QR code to ``verify_url``."""
    from reportlab.lib.pagesizes import A5
    from reportlab.lib.units import mm
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    _register_fonts()
    buffer = io.BytesIO()
    width, height = A5
    pdf = canvas.Canvas(buffer, pagesize=A5, invariant=True)
    pdf.setTitle(f"Biên lai {receipt_number(payment)}")
    pdf.setAuthor(payment.payee_name or settings.SITE_NAME)
    pdf.setSubject(payment.description)
    pdf.setCreator("tinhso")

    y = height - 15 * mm
    # The issuer is the agency collecting the fee, in capitals as on administrative
    # documents, under its parent agency; without one, the site.
    issuer = payment.payee_name or settings.SITE_NAME
    if payment.payee_name and payment.payee_parent_name:
        pdf.setFont(FONT, 9)
        for line in simpleSplit(payment.payee_parent_name.upper(), FONT, 9, width - 20 * mm)[:2]:
            pdf.drawCentredString(width / 2, y, line)
            y -= 4.5 * mm
    pdf.setFont(FONT_BOLD, 10)
    for line in simpleSplit(issuer.upper(), FONT_BOLD, 10, width - 20 * mm)[:2]:
        pdf.drawCentredString(width / 2, y, line)
        y -= 5 * mm
    pdf.setFont(FONT, 8)
    pdf.drawCentredString(width / 2, y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    y -= 4 * mm
    pdf.drawCentredString(width / 2, y, "Độc lập - Tự do - Hạnh phúc")
    y -= 10 * mm
    pdf.setFont(FONT_BOLD, 13)
    pdf.drawCentredString(width / 2, y, "BIÊN LAI THU PHÍ, LỆ PHÍ ĐIỆN TỬ")
    y -= 5 * mm
    pdf.setFont(FONT, 9)
    pdf.drawCentredString(width / 2, y, f"Số: {receipt_number(payment)}")
    y -= 10 * mm

    paid_at = timezone.localtime(payment.paid_at) if payment.paid_at else None
    payer = payment.payer
    rows = [
        ("Người nộp", (payer.full_name or payer.username) if payer else "—"),
        ("Mã tham chiếu (hồ sơ)", payment.reference),
        ("Nội dung", payment.description),
        ("Số tiền", _money(payment.amount)),
        ("Bằng chữ", amount_in_words(payment.amount)),
        ("Hình thức", f"Trực tuyến qua {_gateway_label(payment)}"),
        ("Mã giao dịch", payment.gateway_transaction_id or "—"),
        ("Thời điểm thanh toán", f"{paid_at:%H:%M ngày %d/%m/%Y}" if paid_at else "—"),
        ("Trạng thái", str(payment.get_status_display())),
    ]
    refunded = payment.refunded_amount
    if refunded:
        rows.append(("Đã hoàn trả", _money(refunded)))
    label_x = 12 * mm
    value_x = 52 * mm
    value_width = width - value_x - 10 * mm
    for label, value in rows:
        pdf.setFont(FONT, 9)
        pdf.drawString(label_x, y, f"{label}:")
        font = FONT_BOLD if label == "Số tiền" else FONT
        pdf.setFont(font, 9)
        lines = simpleSplit(str(value), font, 9, value_width) or [""]
        for line in lines[:3]:
            pdf.drawString(value_x, y, line)
            y -= 5 * mm
        y -= 1.5 * mm

    # QR code to the public verification page, drawn module by module (vector).
    qr = segno.make(verify_url, error="m")
    size = 32 * mm
    modules = len(qr.matrix) + 8  # 4-module quiet zone each side
    cell = size / modules
    qr_x = width - size - 10 * mm
    qr_y = 12 * mm
    pdf.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(qr.matrix):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(
                    qr_x + (c + 4) * cell,
                    qr_y + size - (r + 5) * cell,
                    cell,
                    cell,
                    stroke=0,
                    fill=1,
                )
    pdf.setFont(FONT, 7)
    text_width = qr_x - 14 * mm
    footer = [
        *simpleSplit(
            "Quét mã QR hoặc mở địa chỉ dưới đây để kiểm tra biên lai:", FONT, 7, text_width
        ),
        # A URL has no spaces: cut it by width, character by character.
        *_cut(verify_url, FONT, 7, text_width),
        "",
        "Biên lai điện tử có giá trị như biên lai giấy.",
    ]
    line_y = 38 * mm
    for line in footer:
        pdf.drawString(10 * mm, line_y, line)
        line_y -= 3.5 * mm
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()

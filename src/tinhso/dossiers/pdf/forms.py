"""The one-stop forms as PDF (reportlab, DejaVu Sans embedded, QR code to public tracking).

Layouts follow the forms annexed to Circular 01/2018/TT-VPCP (guiding Decree
61/2018/NĐ-CP as amended by Decree 107/2021/NĐ-CP): 01 receipt and appointment slip,
02 request for additions, 03 refusal, 04 apology and new appointment, 05 process
control sheet, 06 tracking book; plus the notice of stopping. Each form carries the
agency header, the national motto, the dossier code and a QR code linking to
``/tra-cuu/<code>``.

A form records one event of the dossier (the receipt its ``receive``, the request for
additions its ``request_additions``…): its date, note and appointment dates are those of
that event, whenever the PDF is made (right after the event by the background task, or
later on first download), never the day it is rendered.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from typing import Any, Protocol
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from django.utils import timezone

from tinhso.dossiers.models import Dossier, DossierEvent, State
from tinhso.dossiers.workflow import action_label

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"


def _font_dir() -> Any:
    from tinhso.assessment.reports import FONT_DIR

    return FONT_DIR


def _register_fonts() -> None:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(_font_dir() / "DejaVuSans.ttf")))
    if FONT_BOLD not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(_font_dir() / "DejaVuSans-Bold.ttf")))
    # <b> and <i> inside paragraphs: bold maps to the bold face, italic to the regular one.
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 1, FONT_BOLD)


def public_base_url() -> str:
    configured = getattr(settings, "PUBLIC_BASE_URL", "")
    if configured:
        return str(configured).rstrip("/")
    hosts = [h for h in settings.ALLOWED_HOSTS if h and h != "*" and not h.startswith(".")]
    host = hosts[0] if hosts else "localhost"
    if host in ("127.0.0.1", "localhost"):
        return f"http://{host}:8000"
    return f"https://{host}"


def tracking_url(code: str) -> str:
    return f"{public_base_url()}/tra-cuu/{code}"


# The action whose event each form records (the control sheet records the whole history
# up to an event, by default the latest).
FORM_ACTIONS = {
    "receipt": "receive",
    "additions": "request_additions",
    "refusal": "refuse",
    "apology": "apologize",
    "stop": "stop",
}


def form_event(d: Dossier, kind: str) -> DossierEvent | None:
    """The event a form of ``kind`` records: the latest of its action (any for control)."""
    events = d.events.order_by("-at", "-id")
    action = FORM_ACTIONS.get(kind)
    if action is not None:
        events = events.filter(action=action)
    return events.first()


def _event_for(d: Dossier, kind: str, event: DossierEvent | None) -> DossierEvent | None:
    """``event`` if it is one a form of ``kind`` can record, otherwise the latest such one."""
    if event is not None and (kind == "control" or event.action == FORM_ACTIONS.get(kind)):
        return event
    return form_event(d, kind)


def _form_moment(d: Dossier, kind: str, event: DossierEvent | None) -> dt.datetime | None:
    """When the recorded event happened: the dossier's own timestamp for the events that
    happen once (receipt: ``received_at``, apology: ``apologized_at``, refusal and stop:
    ``closed_at``), else the event's time (a request for additions can be repeated);
    None prints a blank date, never today's."""
    own = {
        "receipt": d.received_at,
        "apology": d.apologized_at,
        "refusal": d.closed_at if d.state == State.REFUSED else None,
        "stop": d.closed_at if d.state == State.STOPPED else None,
    }.get(kind)
    if own is not None:
        return own
    if event is not None:
        return event.at
    return d.paused_since if kind == "additions" else d.received_at if kind == "control" else None


def _history_until(d: Dossier, event: DossierEvent | None) -> list[DossierEvent]:
    """The dossier's events in order, up to and including ``event`` (all without one)."""
    events = list(d.events.select_related("agency").order_by("at", "id"))
    if event is None:
        return events
    for i, e in enumerate(events):
        if e.pk == event.pk:
            return events[: i + 1]
    return [e for e in events if (e.at, e.pk) <= (event.at, event.pk)]


def _iso_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _due_dates(history: Sequence[DossierEvent]) -> tuple[dt.date | None, dt.date | None]:
    """The due date and the apology's new date as recorded by ``history`` (events carry
    the due date set at receipt and moved by resumptions, and the apology's new date)."""
    due: dt.date | None = None
    apology: dt.date | None = None
    for e in history:
        data = e.data if isinstance(e.data, dict) else {}
        due = _iso_date(data.get("due_date")) or due
        if e.action == "apologize":
            apology = _iso_date(data.get("new_due_date")) or apology
    return due, apology


def _d(value: dt.date | dt.datetime | None, with_time: bool = False) -> str:
    if value is None:
        return "…/…/……"
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value)
        return (
            f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"
            if with_time
            else (f"{local:%d/%m/%Y}")
        )
    return f"{value:%d/%m/%Y}"


def _qr(data: str, size: float) -> Any:
    """A flowable drawing the QR code as vector squares (no image library needed)."""
    from reportlab.platypus import Flowable

    matrix = [list(row) for row in segno.make(data, error="m").matrix]

    class QRFlowable(Flowable):  # type: ignore[misc]
        def wrap(self, *args: Any) -> tuple[float, float]:
            return size, size

        def draw(self) -> None:
            cell = size / (len(matrix) + 8)
            c = self.canv
            c.setFillColorRGB(0, 0, 0)
            for y, row in enumerate(matrix):
                for x, bit in enumerate(row):
                    if bit:
                        c.rect((x + 4) * cell, size - (y + 5) * cell, cell, cell, stroke=0, fill=1)

    return QRFlowable()


def _styles() -> dict[str, Any]:
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle

    _register_fonts()
    return {
        "center": ParagraphStyle("c", fontName=FONT, fontSize=10, leading=13, alignment=TA_CENTER),
        "center_b": ParagraphStyle(
            "cb", fontName=FONT_BOLD, fontSize=10, leading=13, alignment=TA_CENTER
        ),
        "title": ParagraphStyle(
            "t", fontName=FONT_BOLD, fontSize=13, leading=17, alignment=TA_CENTER, spaceAfter=4
        ),
        "body": ParagraphStyle(
            "b", fontName=FONT, fontSize=10.5, leading=15, alignment=TA_JUSTIFY, spaceAfter=3
        ),
        "small": ParagraphStyle("s", fontName=FONT, fontSize=8, leading=10),
        "cell": ParagraphStyle("cell", fontName=FONT, fontSize=8.5, leading=10.5),
        "cell_s": ParagraphStyle("cells", fontName=FONT, fontSize=7.5, leading=9.5),
        "cell_b": ParagraphStyle("cellb", fontName=FONT_BOLD, fontSize=8.5, leading=10.5),
        "italic": ParagraphStyle("i", fontName=FONT, fontSize=9.5, leading=12, alignment=TA_CENTER),
    }


def _header(d: Dossier, st: dict[str, Any], width: float, issued: dt.datetime | None) -> list[Any]:
    from reportlab.platypus import Paragraph, Table, TableStyle

    parent = d.agency.parent.name.upper() if d.agency.parent else ""
    left = [
        Paragraph(escape(parent), st["center"]),
        Paragraph(escape(d.agency.name.upper()), st["center_b"]),
        Paragraph("———", st["center"]),
        Paragraph(f"Số: {escape(d.code)}", st["center"]),
    ]
    right = [
        Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", st["center_b"]),
        Paragraph("Độc lập - Tự do - Hạnh phúc", st["center_b"]),
        Paragraph("———————————", st["center"]),
        Paragraph(f"<i>Ngày {_d(issued)}</i>", st["center"]),
    ]
    table = Table([[left, right]], colWidths=[width * 0.42, width * 0.58])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [table]


def _signature(st: dict[str, Any], width: float, left_title: str, right_title: str) -> Any:
    from reportlab.platypus import Paragraph, Table, TableStyle

    hint = "<i>(Ký và ghi rõ họ tên)</i>"

    def block(title: str) -> list[Any]:
        # A form with one signer leaves the other side blank (no lone signing hint).
        return [Paragraph(title, st["center_b"]), Paragraph(hint, st["italic"])] if title else []

    table = Table(
        [[block(left_title), block(right_title)]],
        colWidths=[width / 2, width / 2],
        rowHeights=[80],
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _qr_block(d: Dossier, st: dict[str, Any], width: float) -> Any:
    from reportlab.platypus import Paragraph, Table, TableStyle

    url = tracking_url(d.code)
    text = Paragraph(
        "Tra cứu tình trạng hồ sơ: quét mã QR hoặc truy cập "
        f"<font name='{FONT_BOLD}'>{escape(url)}</font>",
        st["small"],
    )
    table = Table([[_qr(url, 70), text]], colWidths=[80, width - 80])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return table


def _grid(
    rows: list[list[Any]],
    col_widths: Sequence[float],
    *,
    line: float = 0.5,
    font_size: float | None = None,
    repeat_header: bool = False,
    padding: float | None = None,
) -> Any:
    """A table with a grid and cells aligned to the top (every table of the forms);
    ``font_size`` sets the font of plain-text cells, ``padding`` the left and right
    padding of every cell (reportlab's default is 6 points)."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    commands: list[tuple[Any, ...]] = [("GRID", (0, 0), (-1, -1), line, colors.black)]
    if font_size is not None:
        commands += [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("FONTSIZE", (0, 0), (-1, -1), font_size),
        ]
    if padding is not None:
        commands += [
            ("LEFTPADDING", (0, 0), (-1, -1), padding),
            ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ]
    commands.append(("VALIGN", (0, 0), (-1, -1), "TOP"))
    table = Table(rows, colWidths=list(col_widths), repeatRows=1 if repeat_header else 0)
    table.setStyle(TableStyle(commands))
    return table


def _header_row(labels: Sequence[str], st: dict[str, Any]) -> list[Any]:
    from reportlab.platypus import Paragraph

    return [Paragraph(label, st["cell_b"]) for label in labels]


def _documents_table(d: Dossier, st: dict[str, Any], width: float) -> Any:
    from reportlab.platypus import Paragraph

    from tinhso.dossiers.intake import paper_documents

    rows: list[list[Any]] = [_header_row(["TT", "Tên giấy tờ", "Hình thức"], st)]
    docs = list(d.documents.filter(kind="application"))
    paper = paper_documents(d)
    if paper is not None:
        # Counter or post intake: the documents ticked as received on paper, and scans.
        scanned = {doc.required_document_id for doc in docs}
        lines = [
            (req.name, (req.copies or "Bản giấy") + (", bản điện tử" if req.pk in scanned else ""))
            for req in d.procedure.documents.filter(pk__in=paper)
        ]
        lines += [(doc.name, "Bản điện tử") for doc in docs if doc.required_document_id is None]
        for i, (name, form) in enumerate(lines, 1):
            rows.append(
                [
                    str(i),
                    Paragraph(escape(name), st["cell"]),
                    Paragraph(escape(form), st["cell"]),
                ]
            )
    elif docs:
        for i, doc in enumerate(docs, 1):
            rows.append(
                [
                    str(i),
                    Paragraph(escape(doc.name), st["cell"]),
                    Paragraph("Bản điện tử", st["cell"]),
                ]
            )
    else:
        for i, req in enumerate(d.procedure.documents.all(), 1):
            rows.append(
                [
                    str(i),
                    Paragraph(escape(req.name), st["cell"]),
                    Paragraph(escape(req.copies or "Bản giấy"), st["cell"]),
                ]
            )
    return _grid(rows, [24, width - 124, 100], font_size=8.5, repeat_header=True)


def _p(text: str, st: dict[str, Any], style: str = "body") -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(text, st[style])


# A line of a form's body: a paragraph (markup, already escaped) or a flowable made from
# the styles and the text width (tables).
Block = str | Callable[[dict[str, Any], float], Any]


def _applicant_lines(d: Dossier) -> list[Block]:
    return [
        f"Tiếp nhận hồ sơ của: <b>{escape(d.applicant_name)}</b>",
        f"Địa chỉ: {escape(d.applicant_address or '…')}",
        f"Số điện thoại: {escape(d.applicant_phone or '…')}"
        f" &nbsp; Thư điện tử: {escape(d.applicant_email or '…')}",
        f"Nội dung yêu cầu giải quyết: {escape(d.procedure.name)}",
    ]


def _received_from(d: Dossier) -> list[Block]:
    """The opening of the forms an agency sends about a dossier it received (02, 03)."""
    return [
        f"{escape(d.agency.name)} tiếp nhận hồ sơ của: <b>{escape(d.applicant_name)}</b>",
        f"Nội dung yêu cầu giải quyết: {escape(d.procedure.name)}",
    ]


def _addressee(d: Dossier) -> Block:
    return f"Kính gửi: Ông/Bà <b>{escape(d.applicant_name)}</b>"


def _note(event: DossierEvent | None) -> str:
    """The note of the recorded event, escaped for a paragraph."""
    return escape(event.note) if event else ""


SENTENCE_ENDS = (".", "!", "?", "…")
CLOSING_MARKS = "\"'”’»)]"


def _as_sentence(text: str) -> str:
    """``text`` ending with a full stop, unless it already ends with . ! ? or …
    (possibly followed by closing quotes or brackets); empty stays empty."""
    text = text.rstrip()
    if not text or text.rstrip(CLOSING_MARKS).endswith(SENTENCE_ENDS):
        return text
    return text + "."


def _note_sentence(event: DossierEvent | None) -> str:
    """The note of the recorded event as a sentence (see :func:`_as_sentence`), escaped."""
    return escape(_as_sentence(event.note)) if event else ""


def _pdf(
    story: list[Any], *, pagesize: tuple[float, float], margins_mm: tuple[float, ...], **meta: str
) -> bytes:
    """Lay ``story`` out on pages of ``pagesize`` (margins left, right, top, bottom in mm)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    left, right, top, bottom = (m * mm for m in margins_mm)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        **meta,
    )
    doc.build(story)
    return buffer.getvalue()


def _form(
    d: Dossier,
    *,
    title: str,
    signers: tuple[str, str],
    body: list[Block],
    issued: dt.datetime | None,
) -> bytes:
    """A one-stop form on portrait A4: agency header and national motto, title, body,
    the two signature blocks and the QR code to public tracking."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    st = _styles()
    width = A4[0] - 35 * mm
    story: list[Any] = [*_header(d, st, width, issued), Spacer(1, 10), _p(title, st, "title")]
    story.append(Spacer(1, 6))
    story += [_p(block, st) if isinstance(block, str) else block(st, width) for block in body]
    story += [Spacer(1, 12), _signature(st, width, *signers), Spacer(1, 6)]
    story.append(_qr_block(d, st, width))
    return _pdf(
        story,
        pagesize=A4,
        margins_mm=(20, 15, 15, 15),
        title=f"{title} — {d.code}",
        author=d.agency.name,
    )


def render_receipt(d: Dossier, event: DossierEvent | None = None) -> bytes:
    """Mẫu 01: receipt and appointment slip (of the ``receive`` event)."""
    event = _event_for(d, "receipt", event)
    due, _apology = _due_dates(_history_until(d, event)) if event is not None else (None, None)
    appointment = due or d.original_due_date or d.due_date
    return _form(
        d,
        title="GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        signers=("NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ"),
        issued=_form_moment(d, "receipt", event),
        body=[
            escape(d.agency.name),
            *_applicant_lines(d),
            "Thành phần hồ sơ nộp gồm:",
            lambda st, width: _documents_table(d, st, width),
            f"Số lượng hồ sơ: 01 bộ. Mã hồ sơ: <b>{escape(d.code)}</b>",
            f"Thời gian giải quyết hồ sơ theo quy định là: {d.procedure.processing_days} "
            "ngày làm việc.",
            f"Thời gian nhận hồ sơ: {_d(d.received_at, with_time=True)}.",
            f"Thời gian trả kết quả giải quyết hồ sơ: <b>ngày {_d(appointment)}</b>.",
            "Đăng ký nhận kết quả tại: Bộ phận Tiếp nhận và Trả kết quả"
            + (" hoặc trên Cổng dịch vụ công." if d.channel == "online" else "."),
            f"Lệ phí: {int(d.fee_amount):,} đồng.".replace(",", ".")
            if d.fee_amount
            else "Lệ phí: không.",
        ],
    )


def render_additions(d: Dossier, event: DossierEvent | None = None) -> bytes:
    """Mẫu 02: request for additions (of a ``request_additions`` event)."""
    event = _event_for(d, "additions", event)
    return _form(
        d,
        title="PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        signers=("", "NGƯỜI HƯỚNG DẪN"),
        issued=_form_moment(d, "additions", event),
        body=[
            *_received_from(d),
            "Sau khi xem xét, đề nghị Ông/Bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:",
            _note(event) or "…",
            "Lý do: hồ sơ chưa đầy đủ hoặc chưa hợp lệ theo quy định. Thời gian chờ bổ sung "
            "không tính vào thời hạn giải quyết hồ sơ.",
            "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ "
            f"{escape(d.agency.name)}"
            + (f", số điện thoại {escape(d.agency.phone)}" if d.agency.phone else "")
            + " để được hướng dẫn.",
        ],
    )


def render_refusal(d: Dossier, event: DossierEvent | None = None) -> bytes:
    """Mẫu 03: refusal (of the ``refuse`` event)."""
    event = _event_for(d, "refusal", event)
    return _form(
        d,
        title="PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        signers=("", "NGƯỜI TIẾP NHẬN HỒ SƠ"),
        issued=_form_moment(d, "refusal", event),
        body=[
            *_received_from(d),
            "Căn cứ quy định tại Nghị định số 61/2018/NĐ-CP về thực hiện cơ chế một cửa, "
            "một cửa liên thông, cơ quan, đơn vị từ chối tiếp nhận, giải quyết hồ sơ "
            "này với lý do cụ thể như sau:",
            _note(event) or "…",
            "Xin thông báo để Ông/Bà được biết và thực hiện.",
        ],
    )


def render_apology(d: Dossier, event: DossierEvent | None = None) -> bytes:
    """Mẫu 04: apology and new appointment (of the ``apologize`` event): the due date
    missed is the one in force before the apology, the new one the apology's."""
    event = _event_for(d, "apology", event)
    missed: dt.date | None = None
    new_date: dt.date | None = None
    if event is not None:
        history = _history_until(d, event)
        missed, _earlier = _due_dates(history[:-1])
        new_date = _iso_date((event.data or {}).get("new_due_date"))
    missed = missed or d.due_date
    new_date = new_date or d.apology_due_date
    return _form(
        d,
        title="PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        signers=("", "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"),
        issued=_form_moment(d, "apology", event),
        body=[
            _addressee(d),
            f"Ngày {_d(d.received_at)}, {escape(d.agency.name)} tiếp nhận hồ sơ đề nghị "
            f"giải quyết thủ tục {escape(d.procedure.name)}, mã hồ sơ {escape(d.code)}.",
            f"Thời hẹn trả kết quả giải quyết hồ sơ: ngày {_d(missed)}.",
            "Tuy nhiên đến nay, cơ quan, đơn vị chưa trả kết quả giải quyết hồ sơ của "
            "Ông/Bà đúng hạn ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả. "
            f"Lý do: {_note_sentence(event) or '…'}",
            "Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, công sức của Ông/Bà. "
            "Cơ quan, đơn vị xin lỗi Ông/Bà và sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà "
            f"vào ngày <b>{_d(new_date)}</b>.",
            "Mong nhận được sự thông cảm của Ông/Bà.",
        ],
    )


def render_stop(d: Dossier, event: DossierEvent | None = None) -> bytes:
    """Notice of stopping (of the ``stop`` event)."""
    event = _event_for(d, "stop", event)
    return _form(
        d,
        title="THÔNG BÁO DỪNG XỬ LÝ HỒ SƠ",
        signers=("", "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"),
        issued=_form_moment(d, "stop", event),
        body=[
            _addressee(d),
            f"{escape(d.agency.name)} thông báo dừng xử lý hồ sơ mã {escape(d.code)}, "
            f"thủ tục {escape(d.procedure.name)}, tiếp nhận ngày {_d(d.received_at)}.",
            f"Lý do dừng xử lý: {_note(event) or '…'}",
            "Hồ sơ và giấy tờ đã nộp được trả lại cho Ông/Bà tại Bộ phận Tiếp nhận và Trả "
            "kết quả. Ông/Bà có thể nộp lại hồ sơ khi đáp ứng đủ điều kiện.",
        ],
    )


def _events_table(events: Sequence[DossierEvent], st: dict[str, Any], width: float) -> Any:
    from reportlab.platypus import Paragraph

    head = ["Tên cơ quan, người xử lý", "Thời gian", "Thao tác", "Kết quả, ghi chú"]
    rows: list[list[Any]] = [_header_row(head, st)]
    for e in events:
        # The applicant's rating is recorded at no agency: no dangling dash then.
        who = escape(
            " — ".join(part for part in (e.agency.name if e.agency else "", e.actor_name) if part)
        )
        rows.append(
            [
                Paragraph(who, st["cell"]),
                Paragraph(_d(e.at, with_time=True), st["cell"]),
                Paragraph(escape(action_label(e.action)), st["cell"]),
                Paragraph(
                    escape(
                        f"{State(e.to_state).label if e.to_state else ''}"
                        + (f" — {e.note}" if e.note else "")
                    ),
                    st["cell"],
                ),
            ]
        )
    return _grid(rows, [width * 0.3, width * 0.2, width * 0.2, width * 0.3])


def render_control(d: Dossier, event: DossierEvent | None = None) -> bytes:
    """Mẫu 05: process control sheet: the history up to ``event`` (by default all of it),
    dated by that event."""
    event = _event_for(d, "control", event)
    events = _history_until(d, event)
    appointment = d.appointment_date
    if event is not None and events and len(events) < d.events.count():
        # An earlier state of the sheet: the appointment as it stood then.
        due, apology = _due_dates(events)
        appointment = apology or due or appointment
    return _form(
        d,
        title="PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        signers=("", "NGƯỜI TIẾP NHẬN HỒ SƠ"),
        issued=_form_moment(d, "control", event),
        body=[
            f"Kèm theo hồ sơ của: <b>{escape(d.applicant_name)}</b> — mã hồ sơ "
            f"<b>{escape(d.code)}</b>",
            f"Nộp tại: {escape(d.agency.name)}",
            f"Nhận lúc: {_d(d.received_at, with_time=True)}",
            f"Hẹn trả kết quả: ngày {_d(appointment)}",
            lambda st, width: _events_table(events, st, width),
        ],
    )


class Renderer(Protocol):
    def __call__(self, d: Dossier, event: DossierEvent | None = None) -> bytes: ...


RENDERERS: dict[str, Renderer] = {
    "receipt": render_receipt,
    "additions": render_additions,
    "refusal": render_refusal,
    "apology": render_apology,
    "stop": render_stop,
    "control": render_control,
}


TRACKING_BOOK_HEADERS = (
    "TT",
    "Mã hồ sơ",
    "Tên TTHC",
    "Số lượng hồ sơ (bộ)",
    "Tên cá nhân, tổ chức",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Ngày nhận hồ sơ",
    "Ngày hẹn trả kết quả",
    "Ngày có kết quả",
    "Ngày trả kết quả",
    "Trạng thái",
    "Tiến độ",
)


# Column shares of the landscape tracking book: a dossier code (25 characters) and a date
# fit on one line at 7.5 points with 3-point cell padding; names and addresses wrap.
TRACKING_BOOK_COLUMNS = (
    0.032,
    0.148,
    0.15,
    0.045,
    0.09,
    0.12,
    0.09,
    0.064,
    0.064,
    0.064,
    0.064,
    0.069,
)


def _tracking_book_table(dossiers: Sequence[Dossier], st: dict[str, Any], width: float) -> Any:
    from reportlab.platypus import Paragraph

    def cell(text: str, style: str = "cell") -> Any:
        return Paragraph(escape(text), st[style])

    def day(value: dt.date | dt.datetime | None) -> Any:
        return cell(_d(value), "cell_s") if value else ""

    head = [*TRACKING_BOOK_HEADERS[:11], "Ghi chú"]
    rows: list[list[Any]] = [_header_row(head, st)]
    for i, d in enumerate(dossiers, 1):
        rows.append(
            [
                str(i),
                cell(d.code, "cell_s"),
                cell(d.procedure.name[:200]),
                "1",
                cell(d.applicant_name),
                cell(f"{d.applicant_address} {d.applicant_phone}".strip()),
                cell(d.current_agency.name),
                day(d.received_at),
                day(d.appointment_date),
                day(d.finished_at),
                day(d.returned_at),
                cell(str(State(d.state).label)),
            ]
        )
    return _grid(
        rows,
        [width * r for r in TRACKING_BOOK_COLUMNS],
        line=0.4,
        font_size=7.5,
        repeat_header=True,
        padding=3,
    )


def render_tracking_book(
    *, agency_name: str, start: dt.date, end: dt.date, dossiers: Sequence[Dossier]
) -> bytes:
    """Mẫu 06: the tracking book of dossiers received in a period, landscape A4."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    st = _styles()
    page = landscape(A4)
    width = page[0] - 20 * mm
    story = [
        Paragraph(escape(agency_name.upper()), st["center_b"]),
        Spacer(1, 4),
        Paragraph("SỔ THEO DÕI HỒ SƠ", st["title"]),
        Paragraph(f"Từ ngày {_d(start)} đến ngày {_d(end)}", st["center"]),
        Spacer(1, 8),
        _tracking_book_table(dossiers, st, width),
    ]
    return _pdf(story, pagesize=page, margins_mm=(10, 10, 12, 12), title="Sổ theo dõi hồ sơ")


def tracking_book_xlsx(
    *, agency_name: str, start: dt.date, end: dt.date, dossiers: Sequence[Dossier]
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "So theo doi"
    ws.append([f"SỔ THEO DÕI HỒ SƠ — {agency_name}"])
    ws.append([f"Từ ngày {_d(start)} đến ngày {_d(end)}"])
    ws.append(list(TRACKING_BOOK_HEADERS))
    for cell in ws[3]:
        cell.font = Font(bold=True)

    def local(v: dt.datetime | None) -> dt.datetime | None:
        return timezone.localtime(v).replace(tzinfo=None) if v else None

    for i, d in enumerate(dossiers, 1):
        ws.append(
            [
                i,
                d.code,
                _safe(d.procedure.name),
                1,
                _safe(d.applicant_name),
                _safe(f"{d.applicant_address} {d.applicant_phone}".strip()),
                _safe(d.current_agency.name),
                local(d.received_at),
                d.appointment_date,
                local(d.finished_at),
                local(d.returned_at),
                str(State(d.state).label),
                d.get_timeliness_display() if d.timeliness else "",
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _safe(text: str) -> str:
    """Neutralise spreadsheet formula injection."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text

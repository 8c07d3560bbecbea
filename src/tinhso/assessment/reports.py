"""PDF (reportlab, with the vendored DejaVu Sans font for Vietnamese) and XLSX reports."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.assessment.models import Round
from tinhso.assessment.selectors import (
    RankingRow,
    Scorecard,
    latest_publication,
    round_ranking,
)

FONT_DIR = Path(__file__).parent / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
RULES_NOTE = (
    "Điểm mỗi tiêu chí lá được làm tròn đến 0,01 (nửa làm tròn lên); điểm chỉ số, trụ cột "
    "và tổng là tổng đúng của các phần. Bằng điểm thì đồng hạng (1, 2, 2, 4)."
)


def fmt(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = f"{Decimal(value):,.2f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def change_text(change: int | None) -> str:
    if change is None:
        return "—"
    if change > 0:
        return f"▲ {change}"
    if change < 0:
        return f"▼ {-change}"
    return "="


def _register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))


def _styles():  # type: ignore[no-untyped-def]
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle(
            "t", parent=base["Title"], fontName=FONT_BOLD, fontSize=15, leading=19
        ),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=FONT_BOLD, fontSize=12),
        "body": ParagraphStyle("b", parent=base["BodyText"], fontName=FONT, fontSize=9, leading=12),
        "small": ParagraphStyle(
            "s", parent=base["BodyText"], fontName=FONT, fontSize=7.5, leading=10
        ),
    }


def _table(data: list[list[Any]], widths: Sequence[float] | None = None):  # type: ignore[no-untyped-def]
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f1f3f4")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#d0d4d9")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (-1, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    return table


def _document(story: list, title: str) -> bytes:  # type: ignore[type-arg]
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title,
        author="tinhso",
    )
    doc.build(story)
    return buf.getvalue()


def ranking_pdf(rnd: Round) -> bytes:
    from reportlab.platypus import Paragraph, Spacer

    _register_fonts()
    st = _styles()
    publication = latest_publication(rnd)
    rows = round_ranking(rnd)
    pillars = list(rnd.criteria_set.pillars())
    story = [
        Paragraph(_("Kết quả đánh giá chuyển đổi số — %(name)s") % {"name": rnd.name}, st["title"]),
        Paragraph(
            _("Bộ tiêu chí: %(set)s (tối đa %(max)s điểm).")
            % {"set": rnd.criteria_set.name, "max": fmt(rnd.criteria_set.max_points)},
            st["body"],
        ),
    ]
    if publication is not None:
        story.append(
            Paragraph(
                _("Công bố lần %(rev)s ngày %(date)s.")
                % {
                    "rev": publication.revision,
                    "date": timezone.localtime(publication.published_at).strftime("%d/%m/%Y"),
                },
                st["body"],
            )
        )
    story.append(Spacer(1, 6))
    header = [_("Hạng"), _("Thay đổi"), _("Đơn vị")]
    header += [f"{p.code}. {p.name}" for p in pillars] + [_("Tổng điểm")]
    data: list[list] = [[Paragraph(h, st["small"]) for h in header]]  # type: ignore[type-arg]
    for r in rows:
        data.append(
            [str(r.rank), change_text(r.rank_change), Paragraph(r.agency.name, st["small"])]
            + [fmt(r.pillar_scores.get(p.code)) for p in pillars]
            + [fmt(r.total)]
        )
    widths = [32, 44, 210] + [70] * len(pillars) + [60]
    story.append(_table(data, widths))
    story.append(Spacer(1, 6))
    story.append(Paragraph(RULES_NOTE, st["small"]))
    return _document(story, rnd.name)


def scorecard_pdf(card: Scorecard) -> bytes:
    from reportlab.platypus import Paragraph, Spacer

    _register_fonts()
    st = _styles()
    story = [
        Paragraph(_("Phiếu kết quả — %(agency)s") % {"agency": card.agency.name}, st["title"]),
        Paragraph(card.round.name, st["body"]),
        Paragraph(
            _("Tổng điểm: %(total)s / %(max)s. Xếp hạng: %(rank)s / %(n)s.")
            % {
                "total": fmt(card.total),
                "max": fmt(card.max_points),
                "rank": card.rank or "—",
                "n": card.subjects,
            },
            st["body"],
        ),
        Spacer(1, 6),
        Paragraph(_("Điểm theo trụ cột và chỉ số"), st["h2"]),
    ]
    data: list[list] = [[_("Mã"), _("Tiêu chí"), _("Điểm tối đa"), _("Điểm")]]  # type: ignore[type-arg]
    for line in card.pillars:
        data.append(
            [
                line.criterion.code,
                Paragraph(f"<b>{line.criterion.name}</b>", st["small"]),
                fmt(line.criterion.max_points),
                fmt(line.score),
            ]
        )
        for ind in card.indicators:
            if ind.criterion.parent_id == line.criterion.pk:
                data.append(
                    [
                        ind.criterion.code,
                        Paragraph(ind.criterion.name, st["small"]),
                        fmt(ind.criterion.max_points),
                        fmt(ind.score),
                    ]
                )
    data.append(["", _("Tổng"), fmt(card.max_points), fmt(card.total)])
    story.append(_table(data, [40, 470, 80, 80]))
    if card.gaps:
        story.append(Paragraph(_("Chỉ số mất nhiều điểm nhất"), st["h2"]))
        gaps: list[list] = [[_("Mã"), _("Chỉ số"), _("Điểm mất")]]  # type: ignore[type-arg]
        for g in card.gaps:
            gaps.append([g.criterion.code, Paragraph(g.criterion.name, st["small"]), fmt(g.lost)])
        story.append(_table(gaps, [40, 550, 80]))
    story.append(Spacer(1, 6))
    story.append(Paragraph(RULES_NOTE, st["small"]))
    return _document(story, card.agency.name)


def ranking_xlsx(rnd: Round) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rows: list[RankingRow] = round_ranking(rnd)
    pillars = list(rnd.criteria_set.pillars())
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Xếp hạng")[:31]
    ws.append([rnd.name])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([RULES_NOTE])
    header = [_("Hạng"), _("Hạng năm trước"), _("Thay đổi"), _("Mã cơ quan"), _("Đơn vị")]
    header += [f"{p.code}. {p.name}" for p in pillars] + [_("Tổng điểm"), _("Đã nộp")]
    ws.append(header)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append(
            [r.rank, r.previous_rank, r.rank_change, r.agency.code, r.agency.name]
            + [r.pillar_scores.get(p.code) for p in pillars]
            + [r.total, _("có") if r.submitted else _("không")]
        )
    for row in ws.iter_rows(min_row=4, min_col=6, max_col=6 + len(pillars)):
        for cell in row:
            cell.number_format = "0.00"
    ws.column_dimensions["E"].width = 45
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

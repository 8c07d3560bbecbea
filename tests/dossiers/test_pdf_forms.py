"""Every one-stop form shares the same frame: agency header and national motto, dossier
code and date, the signature blocks and the QR code to public tracking; notes are
printed as typed (no markup)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine

from tests.dossiers.conftest import World
from tinhso.dossiers.pdf import forms
from tinhso.dossiers.services import dossier_act

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages)


FORMS: list[tuple[str, str | None, dict[str, Any], str]] = [
    ("receipt", None, {}, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
    ("additions", "request_additions", {"note": "Ảnh <b>3x4</b>"}, "PHIẾU YÊU CẦU BỔ SUNG"),
    ("refusal", "refuse", {"note": "Sai <i>đối tượng</i>"}, "PHIẾU TỪ CHỐI TIẾP NHẬN"),
    (
        "apology",
        "apologize",
        {"note": "Chờ <u>xác minh</u>", "new_due_date": dt.date(2027, 3, 15)},
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
    ),
    ("stop", "stop", {"note": "Rút <b>hồ sơ</b>"}, "THÔNG BÁO DỪNG XỬ LÝ HỒ SƠ"),
    ("control", None, {}, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
]


@pytest.mark.parametrize(("kind", "action", "extra", "title"), FORMS)
def test_every_form_has_the_shared_frame(
    world: World, kind: str, action: str | None, extra: dict[str, Any], title: str
) -> None:
    with time_machine.travel(dt.datetime(2027, 3, 4, 3, tzinfo=dt.UTC), tick=False):
        d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
        if action:
            actor = world.leader if action in ("apologize", "stop") else world.specialist
            d = dossier_act(dossier=d, action=action, actor=actor, **extra)
        text = pdf_text(forms.RENDERERS[kind](d))
    assert title in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert d.agency.name.upper() in text
    assert f"Số: {d.code}" in text and "Ngày 04/03/2027" in text
    assert "(Ký và ghi rõ họ tên)" in text
    assert f"/tra-cuu/{d.code}" in text.replace("\n", "")
    if "note" in extra:
        assert extra["note"] in text  # the note's markup is printed, not interpreted


def test_the_tracking_book_lists_the_dossiers_on_a_grid(world: World) -> None:
    d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    text = pdf_text(
        forms.render_tracking_book(
            agency_name="Ủy ban nhân dân xã Hoà An",
            start=dt.date(2027, 3, 1),
            end=dt.date(2027, 3, 31),
            dossiers=[d],
        )
    )
    assert "ỦY BAN NHÂN DÂN XÃ HOÀ AN" in text and "SỔ THEO DÕI HỒ SƠ" in text
    assert "Từ ngày 01/03/2027 đến ngày 31/03/2027" in text
    assert "Mã hồ sơ" in text and "Tên TTHC" in text
    assert d.code in text.replace("\n", "")


SIGNERS = {"receipt": 2, "additions": 1, "refusal": 1, "apology": 1, "stop": 1, "control": 1}


@pytest.mark.parametrize(("kind", "action", "extra", "title"), FORMS)
def test_a_form_has_a_signing_hint_only_under_each_signer(
    world: World, kind: str, action: str | None, extra: dict[str, Any], title: str
) -> None:
    # The additions, refusal, apology, stop and control forms have one signer: the other
    # side of the signature row stays blank, without a lone "(Ký và ghi rõ họ tên)".
    d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    if action:
        actor = world.leader if action in ("apologize", "stop") else world.specialist
        d = dossier_act(dossier=d, action=action, actor=actor, **extra)
    text = pdf_text(forms.RENDERERS[kind](d))
    assert text.count("(Ký và ghi rõ họ tên)") == SIGNERS[kind]


def test_the_control_sheet_names_the_applicant_rating_without_a_dangling_dash(
    world: World,
) -> None:
    from tinhso.dossiers.services import dossier_rate

    d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    d = dossier_act(dossier=d, action="forward", actor=world.specialist)
    d = dossier_act(dossier=d, action="forward", actor=world.leader)
    d = dossier_act(dossier=d, action="return_result", actor=world.one_stop)
    d = dossier_rate(dossier=d, user=world.citizen, rating=5)
    rate = d.events.get(action="rate")
    assert rate.agency is None  # the rating is the applicant's, at no agency
    lines = pdf_text(forms.render_control(d)).splitlines()
    assert not [line for line in lines if line.strip().startswith("— ")]
    assert any(line.strip() == rate.actor_name for line in lines)


def test_the_tracking_book_fits_codes_and_dates_inside_their_columns(world: World) -> None:
    # A dossier code and the four dates (received, appointment, result, returned) are
    # printed inside their cells, on one line: they crossed the grid lines before.
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Paragraph

    with time_machine.travel(dt.datetime(2027, 3, 4, 3, tzinfo=dt.UTC), tick=False):
        d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
        d = dossier_act(dossier=d, action="forward", actor=world.specialist)
        d = dossier_act(dossier=d, action="forward", actor=world.leader)
        d = dossier_act(dossier=d, action="return_result", actor=world.one_stop)
    width = landscape(A4)[0] - 20 * mm
    table = forms._tracking_book_table([d], forms._styles(), width)
    table.wrap(width, 1000)
    row = table._cellvalues[1]
    styles = table._cellStyles[1]
    for col in (1, 7, 8, 9, 10):
        value, style = row[col], styles[col]
        if isinstance(value, tuple | list):  # reportlab keeps a flowable cell as a tuple
            (value,) = value
        room = table._colWidths[col] - style.leftPadding - style.rightPadding
        if isinstance(value, Paragraph):
            value.wrap(room, 1000)
            assert len(value.blPara.lines) == 1, (col, value.text)
        else:
            assert value and stringWidth(value, style.fontname, style.fontsize) <= room, col


@pytest.mark.parametrize(
    ("note", "printed"),
    [
        ("Chờ kết quả xác minh của Công an xã", "Chờ kết quả xác minh của Công an xã."),
        ("Chờ kết quả xác minh.", "Chờ kết quả xác minh."),
        ("Vì sao chậm?", "Vì sao chậm?"),
        ("Hệ thống gặp sự cố!", "Hệ thống gặp sự cố!"),
        ("Chờ ý kiến của Sở…", "Chờ ý kiến của Sở…"),
        ("Chờ ý kiến...", "Chờ ý kiến..."),
        ("Chờ văn bản (số 12/UBND).", "Chờ văn bản (số 12/UBND)."),
    ],
)
def test_the_apology_prints_the_reason_as_a_sentence(world: World, note: str, printed: str) -> None:
    d = dossier_act(dossier=world.submit(), action="receive", actor=world.one_stop)
    d = dossier_act(
        dossier=d,
        action="apologize",
        actor=world.leader,
        note=note,
        new_due_date=dt.date.today() + dt.timedelta(days=30),
    )
    text = " ".join(pdf_text(forms.render_apology(d)).split())
    assert f"Lý do: {printed} Sự chậm trễ" in text


def test_a_reason_already_ending_a_sentence_gets_no_second_stop() -> None:
    assert forms._as_sentence("Chờ xác minh") == "Chờ xác minh."
    assert forms._as_sentence("Chờ xác minh  ") == "Chờ xác minh."
    assert forms._as_sentence("Chờ xác minh.") == "Chờ xác minh."
    assert forms._as_sentence("Chờ “xác minh.”") == "Chờ “xác minh.”"
    assert forms._as_sentence("Chờ “xác minh”") == "Chờ “xác minh”."
    assert forms._as_sentence("") == ""

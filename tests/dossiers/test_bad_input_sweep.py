"""Bad-input sweep of the public-service portal (issue #6).

Every bad input through the API and the web forms gets an HTTP status that fits, a
message in the request's language that names the problem, and changes nothing: the rows
of Dossier, DossierDocument, DossierEvent, Payment and AuditEntry and the files under
MEDIA_ROOT are counted before and after.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.dossiers.conftest import World, pdf_bytes
from tests.dossiers.factories import OTHER_CITIZEN_ID
from tinhso.core.models import AuditEntry, User
from tinhso.core.services import token_create, token_revoke
from tinhso.dossiers.models import Dossier, DossierDocument, DossierEvent, State
from tinhso.dossiers.services import dossier_act
from tinhso.payments.models import Payment

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- helpers


def snapshot() -> dict[str, Any]:
    """What a refused request must leave as it was."""
    media = Path(settings.MEDIA_ROOT)
    files = sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())
    return {
        "dossiers": Dossier.objects.count(),
        "documents": DossierDocument.objects.count(),
        "events": DossierEvent.objects.count(),
        "payments": Payment.objects.count(),
        "audit": AuditEntry.objects.count(),
        "versions": sorted(Dossier.objects.values_list("code", "version", "state")),
        "files": files,
    }


def auth(user: User, **kwargs: Any) -> dict[str, str]:
    """A bearer token for ``user``, made once per user object (making one is audited, so it
    must happen before a snapshot is taken)."""
    cached = getattr(user, "_sweep_headers", None)
    if cached is not None and not kwargs:
        return cached
    _token, key = token_create(user=user, name="thử", **kwargs)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if not kwargs:
        user._sweep_headers = headers  # type: ignore[attr-defined]
    return headers


@pytest.fixture(autouse=True)
def _tokens_first(request: pytest.FixtureRequest) -> None:
    """Every world user's token exists before a test takes its first snapshot."""
    if "world" in request.fixturenames:
        world = request.getfixturevalue("world")
        for user in (world.citizen, world.one_stop, world.other_one_stop, world.specialist):
            auth(user)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def pdf_file(world: World, name: str = "to-khai.pdf", data: bytes | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "content_base64": b64(pdf_bytes() if data is None else data),
        "required_document_id": world.form.pk,
    }


def body(world: World, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"procedure_code": world.procedure.code, "files": [pdf_file(world)]}
    data.update(extra)
    return data


def zip_bomb_docx() -> bytes:
    """A .docx-shaped ZIP whose document.xml expands 1 000-fold (200 MB from ~200 KB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(200):
                member.write(block)
    return buffer.getvalue()


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 200
NFD_NAME = unicodedata.normalize("NFD", "Nguyễn Văn Hoà")

Case = tuple[str, Callable[[World], Any], int, str, str]


def is_vietnamese(text: str) -> bool:
    return any(ord(c) > 127 for c in text)


def assert_refused(
    response: Any, status: int, vi_words: str, before: dict[str, Any], detail: str = ""
) -> None:
    assert response.status_code == status, response.content.decode()[:2000]
    if detail:
        message = detail
    else:
        data = response.json()
        message = " ".join([data["detail"], *(e["message"] for e in data.get("errors", []))])
    assert is_vietnamese(message), message
    assert vi_words.lower() in message.lower(), message
    assert snapshot() == before


# ---------------------------------------------------------------- POST /api/v1/dossiers


SUBMIT_CASES: list[Case] = [
    # (id, body, status, words in the Vietnamese message, words in the English one)
    (
        "counter channel by a citizen",
        lambda w: body(w, channel="counter", citizen_id=OTHER_CITIZEN_ID),
        403,
        "cán bộ tiếp nhận",
        "officer",
    ),
    (
        "unknown procedure",
        lambda w: body(w, procedure_code="9.999999"),
        422,
        "thủ tục",
        "procedure",
    ),
    ("empty procedure", lambda w: body(w, procedure_code=""), 422, "thủ tục", "procedure"),
    ("unknown agency", lambda w: body(w, agency_code="KHONGCO"), 422, "cơ quan", "agency"),
    (
        "someone else's ID number online",
        lambda w: body(w, citizen_id=OTHER_CITIZEN_ID),
        422,
        "chính chủ",
        "account holder",
    ),
    (
        "ID number of 11 digits",
        lambda w: body(w, channel="counter", citizen_id="03809000123"),
        422,
        "12 chữ số",
        "12 digits",
    ),
    ("missing required document", lambda w: body(w, files=[]), 422, "thiếu", "missing"),
    (
        "document of another procedure",
        lambda w: body(w, files=[{**pdf_file(w), "required_document_id": 999999}]),
        422,
        "không thuộc",
        "procedure",
    ),
    (
        "negative document id",
        lambda w: body(w, files=[{**pdf_file(w), "required_document_id": -1}]),
        422,
        "lớn hơn hoặc bằng 1",
        "required_document_id",
    ),
    (
        "huge document id",
        lambda w: body(w, files=[{**pdf_file(w), "required_document_id": 2**70}]),
        422,
        "nhỏ hơn hoặc bằng",
        "required_document_id",
    ),
    (
        "huge reused document id",
        lambda w: body(w, reuse_document_ids=[2**70]),
        422,
        "reuse_document_ids",
        "reuse_document_ids",
    ),
    (
        "negative reused document id",
        lambda w: body(w, reuse_document_ids=[-5]),
        422,
        "reuse_document_ids",
        "reuse_document_ids",
    ),
    (
        "PDF named .exe",
        lambda w: body(w, files=[pdf_file(w, name="to-khai.exe")]),
        422,
        "loại tệp",
        "type",
    ),
    (
        "EXE named .pdf",
        lambda w: body(w, files=[pdf_file(w, data=EXE)]),
        422,
        "thực thi",
        "executable",
    ),
    (
        "HTML named .pdf",
        lambda w: body(w, files=[pdf_file(w, data=b"<html><script>alert(1)</script></html>")]),
        422,
        "không phải PDF",
        "PDF",
    ),
    (
        "zip bomb named .docx",
        lambda w: body(w, files=[pdf_file(w, name="don.docx", data=zip_bomb_docx())]),
        422,
        "giải nén",
        "don.docx",
    ),
    ("empty file", lambda w: body(w, files=[pdf_file(w, data=b"")]), 422, "rỗng", "empty"),
    (
        "not base64",
        lambda w: body(w, files=[{**pdf_file(w), "content_base64": "!!!không-phải***"}]),
        422,
        "base64",
        "base64",
    ),
    (
        "file larger than 10 MB",
        lambda w: body(w, files=[pdf_file(w, data=b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024))]),
        413,
        "vượt quá",
        "limit",
    ),
    (
        "file name with no extension",
        lambda w: body(w, files=[pdf_file(w, name="")]),
        422,
        "phần mở rộng",
        "to-khai.pdf",
    ),
    (
        "file name too long",
        lambda w: body(w, files=[pdf_file(w, name="a" * 300 + ".pdf")]),
        422,
        "files",
        "files",
    ),
    ("too many files", lambda w: body(w, files=[pdf_file(w)] * 31), 422, "files", "files"),
    ("files not a list", lambda w: body(w, files="to-khai.pdf"), 422, "files", "files"),
    ("procedure code a number", lambda w: body(w, procedure_code=123), 422, "procedure_code", ""),
    ("unknown channel", lambda w: body(w, channel="fax"), 422, "channel", "channel"),
    ("channel a number", lambda w: body(w, channel=5), 422, "channel", "channel"),
    (
        "fee flag not a boolean",
        lambda w: body(w, fee_paid_at_counter="có lẽ"),
        422,
        "true hoặc false",
        "true or false",
    ),
    ("note too long", lambda w: body(w, note="x" * 5001), 422, "5000", "5000"),
    ("citizen ID too long", lambda w: body(w, citizen_id="0" * 13), 422, "citizen_id", ""),
    ("body is a list", lambda w: [body(w)], 422, "payload", ""),
    (
        "note with a NUL character",
        lambda w: body(w, note="ghi\x00chú"),
        422,
        "ký tự điều khiển",
        "payload.note",
    ),
    (
        "procedure code with a NUL character",
        lambda w: body(w, procedure_code="1.0\x00"),
        422,
        "ký tự điều khiển",
        "payload.procedure_code",
    ),
    (
        "procedure code with a lone surrogate",
        lambda w: body(w, procedure_code="\ud800"),
        422,
        "unicode",
        "payload.procedure_code",
    ),
]


@pytest.mark.parametrize(
    ("make_body", "status", "vi", "en"),
    [pytest.param(c[1], c[2], c[3], c[4], id=c[0]) for c in SUBMIT_CASES],
)
def test_bad_submission_is_refused_and_changes_nothing(
    client: Client, world: World, make_body: Any, status: int, vi: str, en: str
) -> None:
    headers = auth(world.citizen)
    before = snapshot()
    payload = make_body(world)
    r = client.post("/api/v1/dossiers", payload, content_type="application/json", **headers)
    assert_refused(r, status, vi, before)
    if en:
        r = client.post(
            "/api/v1/dossiers",
            payload,
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="en",
            **headers,
        )
        assert r.status_code == status
        data = r.json()
        text = " ".join([data["detail"], *(e["message"] for e in data.get("errors", []))])
        assert en.lower() in text.lower(), data
        assert snapshot() == before


def test_body_that_is_not_json(client: Client, world: World) -> None:
    before = snapshot()
    r = client.post(
        "/api/v1/dossiers",
        b"{procedure_code:",
        content_type="application/json",
        **auth(world.citizen),
    )
    assert r.status_code in (400, 422)
    assert is_vietnamese(r.json()["detail"]), r.json()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("citizen_id", "words"),
    [
        pytest.param("12345", "12 chữ số", id="five digits"),
        pytest.param("03809000123a", "12 chữ số", id="a letter"),
        pytest.param("０３８０９０００１２３４", "12 chữ số", id="full-width digits"),
        pytest.param("999090001234", "mã tỉnh", id="no such province"),
        pytest.param("038290001234", "năm sinh", id="born in 2090"),
    ],
)
def test_account_with_an_invalid_id_number_cannot_submit(
    client: Client, world: World, citizen_id: str, words: str
) -> None:
    User.objects.filter(pk=world.citizen.pk).update(citizen_id=citizen_id)
    before = snapshot()
    r = client.post(
        "/api/v1/dossiers", body(world), content_type="application/json", **auth(world.citizen)
    )
    assert_refused(r, 422, words, before)


@pytest.mark.parametrize(
    ("citizen_id", "words"),
    [
        pytest.param("000000000000", "mã tỉnh", id="province 000"),
        pytest.param("038990001234", "năm sinh", id="born in 1999 coded 21st century"),
        pytest.param("03809000123", "12 chữ số", id="11 digits"),
    ],
)
def test_counter_submission_with_an_invalid_id_number(
    client: Client, world: World, citizen_id: str, words: str
) -> None:
    before = snapshot()
    r = client.post(
        "/api/v1/dossiers",
        body(
            world,
            channel="counter",
            citizen_id=citizen_id,
            applicant={"full_name": "Lê Thị Mai"},
        ),
        content_type="application/json",
        **auth(world.one_stop),
    )
    assert r.status_code == 422, r.content
    text = r.json()["detail"] + " ".join(e["message"] for e in r.json().get("errors", []))
    assert words.lower() in text.lower()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("applicant", "words"),
    [
        ({"full_name": "Lê Thị Mai", "birth_date": "9999-01-01"}, "sau hôm nay"),
        ({"full_name": "Lê Thị Mai", "birth_date": "0001-01-01"}, "ngày sinh"),
        ({"full_name": "Lê Thị Mai", "birth_date": "abc"}, "birth_date"),
        ({"full_name": "Lê Thị Mai", "email": "khong-phai-thu"}, "thư điện tử"),
        ({"full_name": "   "}, "họ và tên"),
        ({"full_name": "Lê\x00Mai"}, "ký tự điều khiển"),
        ({"full_name": "x" * 151}, "150"),
        ("Lê Thị Mai", "đối tượng JSON"),
        (None, "họ và tên"),
    ],
)
def test_counter_applicant_typed_badly_is_refused(
    client: Client, world: World, applicant: Any, words: str
) -> None:
    before = snapshot()
    r = client.post(
        "/api/v1/dossiers",
        body(world, channel="counter", applicant=applicant),
        content_type="application/json",
        **auth(world.one_stop),
    )
    assert_refused(r, 422, words, before)


def test_path_traversal_in_a_file_name_is_stored_under_a_safe_name(
    client: Client, world: World
) -> None:
    r = client.post(
        "/api/v1/dossiers",
        body(world, files=[pdf_file(world, name="../../../etc/..\\passwd.pdf")]),
        content_type="application/json",
        **auth(world.citizen),
    )
    assert r.status_code == 201, r.content
    doc = DossierDocument.objects.get()
    assert ".." not in doc.file.name and "\\" not in doc.filename
    media = Path(settings.MEDIA_ROOT).resolve()
    assert Path(doc.file.path).resolve().is_relative_to(media)


def test_counter_applicant_name_in_decomposed_unicode_is_stored_composed(
    client: Client, world: World
) -> None:
    r = client.post(
        "/api/v1/dossiers",
        body(
            world,
            channel="counter",
            applicant={"full_name": NFD_NAME, "address": unicodedata.normalize("NFD", "Thôn Đông")},
            note=unicodedata.normalize("NFD", "Nộp hộ"),
        ),
        content_type="application/json",
        **auth(world.one_stop),
    )
    assert r.status_code == 201, r.content
    d = Dossier.objects.get()
    assert d.applicant_name == unicodedata.normalize("NFC", NFD_NAME)
    assert d.applicant_address == "Thôn Đông"
    assert d.note == "Nộp hộ"


# ---------------------------------------------------------------- idempotency


def test_double_submit_with_the_same_key_creates_one_dossier(client: Client, world: World) -> None:
    headers = {**auth(world.citizen), "HTTP_IDEMPOTENCY_KEY": "thu-lai-1"}
    first = client.post("/api/v1/dossiers", body(world), content_type="application/json", **headers)
    assert first.status_code == 201
    before = snapshot()
    again = client.post("/api/v1/dossiers", body(world), content_type="application/json", **headers)
    assert again.status_code == 200 and again.json()["code"] == first.json()["code"]
    assert snapshot() == before


def test_double_submit_without_a_key_creates_two_dossiers(client: Client, world: World) -> None:
    headers = auth(world.citizen)
    a = client.post("/api/v1/dossiers", body(world), content_type="application/json", **headers)
    b = client.post("/api/v1/dossiers", body(world), content_type="application/json", **headers)
    assert (a.status_code, b.status_code) == (201, 201)
    assert a.json()["code"] != b.json()["code"]
    assert Dossier.objects.count() == 2


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda w: {"procedure_code": "9.999999"}, id="unknown procedure"),
        pytest.param(lambda w: {"note": "một ghi chú khác"}, id="another note"),
        pytest.param(lambda w: {"files": [pdf_file(w, data=pdf_bytes("khác"))]}, id="another file"),
    ],
)
def test_same_key_with_a_different_body_is_refused(
    client: Client, world: World, change: Any
) -> None:
    headers = {**auth(world.citizen), "HTTP_IDEMPOTENCY_KEY": "thu-lai-2"}
    first = client.post("/api/v1/dossiers", body(world), content_type="application/json", **headers)
    assert first.status_code == 201
    before = snapshot()
    r = client.post(
        "/api/v1/dossiers", body(world, **change(world)), content_type="application/json", **headers
    )
    assert r.status_code in (409, 422), r.content
    assert snapshot() == before


def test_idempotency_key_too_long(client: Client, world: World) -> None:
    before = snapshot()
    r = client.post(
        "/api/v1/dossiers",
        body(world),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k" * 101,
        **auth(world.citizen),
    )
    assert_refused(r, 422, "Idempotency-Key", before)


# ---------------------------------------------------------------- tokens


def test_revoked_and_expired_tokens_are_refused(client: Client, world: World) -> None:
    token, key = token_create(user=world.citizen, name="cũ")
    token_revoke(token=token)
    expired = auth(world.citizen, expires_at=timezone.now() - dt.timedelta(minutes=1))
    before = snapshot()
    for headers in ({"HTTP_AUTHORIZATION": f"Bearer {key}"}, expired, {}):
        r = client.post("/api/v1/dossiers", body(world), content_type="application/json", **headers)
        assert r.status_code == 401
        assert is_vietnamese(r.json()["detail"])
    assert snapshot() == before


# ---------------------------------------------------------------- actions


def act(client: Client, code: str, action: str, user: User, **data: Any) -> Any:
    return client.post(
        f"/api/v1/dossiers/{code}/actions/{action}",
        data,
        content_type="application/json",
        **auth(user),
    )


def test_action_out_of_order_is_409_naming_the_state(client: Client, world: World) -> None:
    d = world.submit()
    d = dossier_act(dossier=d, action="receive", actor=world.one_stop)
    before = snapshot()
    r = act(client, d.code, "receive", world.one_stop)
    label = str(State(d.state).label)
    assert_refused(r, 409, label, before)
    assert r.json()["state"] == d.state and r.json()["state_label"] == label


def test_stale_version_is_409(client: Client, world: World) -> None:
    d = world.submit()
    before = snapshot()
    r = act(client, d.code, "receive", world.one_stop, version=d.version + 1)
    assert_refused(r, 409, "phiên bản", before)
    assert r.json()["version"] == d.version


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param({"version": 0}, "version", id="version 0"),
        pytest.param({"version": -1}, "version", id="version -1"),
        pytest.param({"version": "abc"}, "version", id="version abc"),
        pytest.param({"version": 1.5}, "version", id="version 1.5"),
        pytest.param({"note": ["a"]}, "note", id="note a list"),
        pytest.param({"version": True}, "số nguyên", id="version true"),
        pytest.param({"version": "1"}, "số nguyên", id="version a string"),
        pytest.param({"new_due_date": "abc"}, "new_due_date", id="due date abc"),
        pytest.param({"new_due_date": "0000-01-01"}, "new_due_date", id="due date year 0"),
    ],
)
def test_action_with_wrong_types_is_422(
    client: Client, world: World, data: dict[str, Any], field: str
) -> None:
    d = world.submit()
    before = snapshot()
    r = act(client, d.code, "receive", world.one_stop, **data)
    assert_refused(r, 422, field, before)


def test_another_agencys_officer_gets_the_same_404_as_an_unknown_code(
    client: Client, world: World
) -> None:
    d = world.submit()
    before = snapshot()
    theirs = act(client, d.code, "receive", world.other_one_stop)
    unknown = act(client, d.code[:-1] + "9", "receive", world.other_one_stop)
    bad_action = act(client, d.code, "explode", world.other_one_stop)
    assert theirs.status_code == unknown.status_code == bad_action.status_code == 404
    assert theirs.json() == unknown.json() == bad_action.json()
    assert is_vietnamese(theirs.json()["detail"])
    read = client.get(f"/api/v1/dossiers/{d.code}", **auth(world.other_one_stop))
    assert read.status_code == 404 and read.json() == theirs.json()
    assert snapshot() == before


def test_citizen_calling_an_officer_action_is_403(client: Client, world: World) -> None:
    d = world.submit()
    before = snapshot()
    r = act(client, d.code, "receive", world.citizen)
    assert_refused(r, 403, "quyền", before)


def test_unknown_action_on_a_visible_dossier_is_422(client: Client, world: World) -> None:
    d = world.submit()
    before = snapshot()
    r = act(client, d.code, "explode", world.one_stop)
    assert_refused(r, 422, "không tồn tại", before)


@pytest.mark.parametrize(
    ("action", "data", "status", "words"),
    [
        pytest.param("refuse", {"note": "   "}, 422, "lý do", id="refuse without a reason"),
        pytest.param("transfer", {"agency_code": "KHONGCO"}, 422, "cơ quan", id="unknown agency"),
        pytest.param(
            "apologize",
            {"new_due_date": "9999-12-31", "note": "Chậm do thiếu người"},
            422,
            "ngày",
            id="apology in year 9999",
        ),
        pytest.param(
            "apologize",
            {"new_due_date": "2001-01-01", "note": "Chậm do thiếu người"},
            422,
            "ngày hẹn",
            id="apology in 2001",
        ),
        pytest.param("receive", {"note": "ghi\x00chú"}, 422, "ký tự", id="NUL in the note"),
    ],
)
def test_action_with_bad_arguments(
    client: Client, world: World, action: str, data: dict[str, Any], status: int, words: str
) -> None:
    d = world.submit()
    if action in {"transfer", "apologize"}:
        d = dossier_act(dossier=d, action="receive", actor=world.one_stop)
    before = snapshot()
    r = act(client, d.code, action, world.one_stop, **data)
    assert_refused(r, status, words, before)


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("..%2F..%2Fetc%2Fpasswd", id="traversal"),
        pytest.param("abc%00def", id="NUL"),
        pytest.param("x" * 300, id="very long"),
        pytest.param("%F0%9F%92%A9", id="emoji"),
    ],
)
def test_garbage_codes_are_404(client: Client, world: World, code: str) -> None:
    world.submit()
    before = snapshot()
    for url in (f"/api/v1/dossiers/{code}", f"/api/v1/track/{code}"):
        r = client.get(url, **auth(world.one_stop))
        assert r.status_code == 404, (url, r.content)
        assert is_vietnamese(r.json()["detail"])
    r = act(client, code, "receive", world.one_stop)
    assert r.status_code == 404, r.content
    r = client.get(f"/tra-cuu/{code}")
    assert r.status_code in (404, 200)
    assert snapshot() == before


# ---------------------------------------------------------------- due dates


@pytest.mark.parametrize(
    ("query", "words", "en"),
    [
        pytest.param("start=abc&working_days=3", "start", "start", id="start abc"),
        pytest.param("start=0000-01-01T08:00&working_days=3", "start", "start", id="year 0"),
        pytest.param("start=0001-01-01T08:00&working_days=3", "2000", "2000", id="year 1"),
        pytest.param("start=9999-12-31T23:59&working_days=3", "2100", "2100", id="year 9999"),
        pytest.param(
            "start=9999-12-31T23:59:59-12:00&working_days=3", "2100", "2100", id="9999 west"
        ),
        pytest.param("start=2026-02-30T08:00&working_days=3", "start", "start", id="30 February"),
        pytest.param("start=2026-11-24T08:00&working_days=-1", "working_days", "", id="-1 days"),
        pytest.param(
            "start=2026-11-24T08:00&working_days=100000", "working_days", "", id="100000 days"
        ),
        pytest.param("start=2026-11-24T08:00&working_days=abc", "working_days", "", id="days abc"),
        pytest.param("start=2026-11-24T08:00", "working_days", "", id="no days"),
        pytest.param("working_days=3", "start", "start", id="no start"),
        pytest.param("start=2026-11-24T08%3A00%00&working_days=3", "start", "start", id="NUL"),
    ],
)
def test_due_date_with_nonsense_is_422(client: Client, query: str, words: str, en: str) -> None:
    before = snapshot()
    r = client.get(f"/api/v1/calendar/due-date?{query}")
    assert_refused(r, 422, words, before)
    if en:
        r = client.get(f"/api/v1/calendar/due-date?{query}", HTTP_ACCEPT_LANGUAGE="en")
        assert r.status_code == 422 and en in r.json()["detail"]


def test_due_date_at_the_edge_of_the_range_is_answered(client: Client, db: None) -> None:
    r = client.get("/api/v1/calendar/due-date?start=2100-12-31T08:00:00&working_days=365")
    assert r.status_code == 200, r.content
    assert dt.date.fromisoformat(r.json()["due_date"]).year == 2102


# ---------------------------------------------------------------- procedures


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/procedures?q=%00",
        "/api/v1/procedures?field=%00",
        "/api/v1/procedures?q=%ED%A0%80",
        "/api/v1/procedures?q=" + "a" * 201,
        "/api/v1/procedures?page=-1",
        "/api/v1/procedures?page=abc",
        "/api/v1/procedures/..%2F..%2Fsecret",
        "/api/v1/procedures/1.0%00",
    ],
)
def test_procedure_search_with_garbage_is_refused_not_500(
    client: Client, world: World, url: str
) -> None:
    r = client.get(url)
    assert r.status_code in (200, 404, 422), (url, r.content)
    if r.status_code != 200:
        assert is_vietnamese(r.json()["detail"])


# ---------------------------------------------------------------- web forms


def test_web_submit_form_refuses_a_disguised_file_and_stores_nothing(
    client: Client, world: World
) -> None:
    client.force_login(world.citizen)
    before = snapshot()
    r = client.post(
        f"/ho-so/nop/{world.procedure.code}/",
        {
            f"doc-{world.form.pk}": SimpleUploadedFile("to-khai.pdf", EXE),
            "idempotency_key": "web-1",
        },
    )
    assert r.status_code == 422
    assert "thực thi" in r.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("reuse", ["²", "9" * 30, "-1"])
def test_web_submit_form_with_a_garbage_reuse_id(client: Client, world: World, reuse: str) -> None:
    client.force_login(world.citizen)
    before = snapshot()
    r = client.post(
        f"/ho-so/nop/{world.procedure.code}/",
        {f"reuse-{world.form.pk}": reuse, "idempotency_key": "web-2"},
    )
    assert r.status_code == 422, r.status_code
    assert snapshot() == before


def test_web_double_submit_with_the_form_key_creates_one_dossier(
    client: Client, world: World
) -> None:
    client.force_login(world.citizen)
    data = {"idempotency_key": "web-3"}
    for _ in range(2):
        r = client.post(
            f"/ho-so/nop/{world.procedure.code}/",
            {**data, f"doc-{world.form.pk}": SimpleUploadedFile("a.pdf", pdf_bytes())},
        )
        assert r.status_code == 302
    assert Dossier.objects.count() == 1
    assert DossierDocument.objects.count() == 1
    media = Path(settings.MEDIA_ROOT)
    assert len([p for p in media.rglob("*") if p.is_file()]) == 1


@pytest.mark.parametrize("version", ["abc", "²", "-1", "0"])
def test_web_action_with_a_garbage_version_is_refused(
    client: Client, world: World, version: str
) -> None:
    d = world.submit()
    client.force_login(world.one_stop)
    before = snapshot()
    r = client.post(f"/ho-so/{d.code}/thao-tac/receive/", {"version": version})
    assert r.status_code in (303, 422), r.status_code
    assert snapshot() == before


def test_web_action_by_another_agency_is_404(client: Client, world: World) -> None:
    d = world.submit()
    client.force_login(world.other_one_stop)
    before = snapshot()
    r = client.post(f"/ho-so/{d.code}/thao-tac/receive/", {"version": d.version})
    assert r.status_code == 404
    assert snapshot() == before


def test_web_action_out_of_order_is_refused_with_the_state(client: Client, world: World) -> None:
    d = world.submit()
    d = dossier_act(dossier=d, action="receive", actor=world.one_stop)
    client.force_login(world.one_stop)
    before = snapshot()
    r = client.post(f"/ho-so/{d.code}/thao-tac/receive/", {"version": d.version}, follow=True)
    assert str(State(d.state).label) in r.content.decode()
    assert snapshot() == before


# ---------------------------------------------------------------- counter intake (web)


def intake_form(world: World, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "agency": world.tree.commune_a.code,
        "procedure": world.procedure.code,
        "channel": "counter",
        "citizen_id": "038195009999",  # not in the registry: typed by hand
        "full_name": "Lò Văn Páo",
        "address": "Bản Nậm Khà",
        "received": [str(world.form.pk)],
        "idempotency_key": "quay-1",
        "do": "submit",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        pytest.param({"full_name": "Lò\x00Văn"}, "ký tự điều khiển", id="NUL in the name"),
        pytest.param({"address": "Bản\x07Nậm"}, "ký tự điều khiển", id="BEL in the address"),
        pytest.param({"note": "a\x00"}, "ký tự điều khiển", id="NUL in the note"),
        pytest.param({"received": ["²"]}, "thiếu thành phần", id="received ²"),
        pytest.param({"received": ["9" * 30]}, "thiếu thành phần", id="received 30 digits"),
        pytest.param({"citizen_id": "03819500999"}, "12 chữ số", id="ID of 11 digits"),
        pytest.param({"citizen_id": "999195009999"}, "mã tỉnh", id="ID of no province"),
        pytest.param({"birth_date": "0000-01-01"}, "ngày sinh", id="birth in year 0"),
        pytest.param({"birth_date": "9999-12-31"}, "ngày sinh", id="birth in year 9999"),
        pytest.param({"channel": "fax"}, "hình thức", id="unknown channel"),
        pytest.param(
            {"channel": "post", "postal_item": "EA123", "postal_received_on": "abc"},
            "bưu gửi",
            id="postal date abc",
        ),
        pytest.param(
            {"channel": "post", "postal_item": "../../x", "postal_received_on": "2026-11-20"},
            "bưu gửi",
            id="postal item traversal",
        ),
        pytest.param({"idempotency_key": "k" * 101}, "Idempotency-Key", id="key too long"),
    ],
)
def test_counter_intake_with_bad_input_stores_nothing(
    client: Client, world: World, extra: dict[str, Any], words: str
) -> None:
    client.force_login(world.one_stop)
    before = snapshot()
    r = client.post("/ho-so/xu-ly/tiep-nhan-truc-tiep/", intake_form(world, **extra))
    assert r.status_code == 422, r.status_code
    assert words.lower() in r.content.decode().lower()
    assert snapshot() == before


@pytest.mark.parametrize("procedure", ["1.0\x00", "1.0\ufffd", "x" * 300])
def test_counter_intake_with_a_garbage_procedure_is_404(
    client: Client, world: World, procedure: str
) -> None:
    client.force_login(world.one_stop)
    before = snapshot()
    r = client.post("/ho-so/xu-ly/tiep-nhan-truc-tiep/", intake_form(world, procedure=procedure))
    assert r.status_code == 404
    r = client.get("/ho-so/xu-ly/tiep-nhan-truc-tiep/", {"q": "khai\x00sinh"})
    assert r.status_code == 200
    assert snapshot() == before


def test_counter_intake_stores_composed_vietnamese(client: Client, world: World) -> None:
    client.force_login(world.one_stop)
    r = client.post(
        "/ho-so/xu-ly/tiep-nhan-truc-tiep/",
        intake_form(world, full_name=NFD_NAME, address=unicodedata.normalize("NFD", "Thôn Đông")),
    )
    assert r.status_code == 302, r.content.decode()[-3000:]
    d = Dossier.objects.get()
    assert d.applicant_name == unicodedata.normalize("NFC", NFD_NAME)
    assert d.applicant_address == "Thôn Đông"


# ---------------------------------------------------------------- public tracking (web)


@pytest.mark.parametrize("code", ["abc%00def", "%ED%A0%80", "x" * 300, "..%2F..%2Fetc"])
def test_public_tracking_page_with_a_garbage_code(client: Client, world: World, code: str) -> None:
    world.submit()
    for url in (f"/tra-cuu/{code}", f"/ho-so/tra-cuu/?ma={code}"):
        r = client.get(url)
        assert r.status_code == 404, (url, r.status_code)
        assert "\x00" not in r.content.decode()


# ---------------------------------------------------------------- officer pages and statistics


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/ho-so/thong-ke/?tu=9999-12-31&den=9999-12-31", 200),
        ("/ho-so/thong-ke/?tu=0001-01-01&den=0001-01-01", 200),
        ("/ho-so/thong-ke/?co-quan=%00&linh-vuc=%00&theo=%00&xuat=%00", 200),
        ("/ho-so/so-theo-doi.pdf?tu=9999-12-31&den=9999-12-31", 200),
        ("/ho-so/so-theo-doi.xlsx?co-quan=%00", 200),
        ("/ho-so/xu-ly/?q=%00", 200),
        ("/ho-so/xu-ly/?q=%ED%A0%80", 200),
        ("/ho-so/xu-ly/?hang=%00&trang=abc", 200),
        ("/ho-so/abc%00/phieu/receipt.pdf", 404),
        ("/ho-so/abc/tep/99999999999999999999999/", 404),
    ],
)
def test_officer_pages_with_garbage_parameters(
    client: Client, world: World, url: str, status: int
) -> None:
    world.submit()
    client.force_login(world.one_stop)
    # Reading a queue of dossiers is itself audited (personal data shown): only the
    # dossiers' rows and files are compared.
    before = {k: v for k, v in snapshot().items() if k != "audit"}
    r = client.get(url)
    assert r.status_code == status, r.status_code
    assert {k: v for k, v in snapshot().items() if k != "audit"} == before


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("field=%00", "field"),
        ("agency=%00", "agency"),
        ("start=9999-01-01&end=9999-12-31", "2100"),
        ("start=0001-01-01&end=0001-12-31", "2100"),
        ("start=2026-01-01&end=abc", "end"),
    ],
)
def test_statistics_api_with_nonsense_is_422(
    client: Client, world: World, query: str, words: str
) -> None:
    r = client.get(f"/api/v1/stats/dossiers?{query}")
    assert r.status_code == 422, r.content
    data = r.json()
    text = " ".join([data["detail"], *(e["message"] for e in data.get("errors", []))])
    assert is_vietnamese(text) and words in text


# ---------------------------------------------------------------- registry look-up (identity API)


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/api/v1/identity/citizens/12345", 400, "12 chữ số"),
        ("/api/v1/identity/citizens/999090001234", 400, "mã tỉnh"),
        ("/api/v1/identity/citizens/03809000123%00", 400, "chỉ gồm chữ số"),
        ("/api/v1/identity/citizens/038090001234?reference=HS%00", 422, "ký tự điều khiển"),
        ("/api/v1/identity/citizens/038090001234?purpose=curious", 422, "purpose"),
    ],
)
def test_registry_lookup_with_bad_input_changes_nothing(
    client: Client, world: World, path: str, status: int, words: str
) -> None:
    from tinhso.identity.models import PersonalDataAccess

    logged = PersonalDataAccess.objects.count()
    before = snapshot()
    r = client.get(path, **auth(world.one_stop))
    assert_refused(r, status, words, before)
    assert PersonalDataAccess.objects.count() == logged


def test_registry_lookup_by_a_citizen_is_403(client: Client, world: World) -> None:
    before = snapshot()
    r = client.get("/api/v1/identity/citizens/038090001234", **auth(world.citizen))
    assert_refused(r, 403, "cán bộ", before)


# ---------------------------------------------------------------- citizen: rating, additions, payment


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"rating": "²"}, "1 đến 5"),
        ({"rating": "6"}, "1 đến 5"),
        ({"rating": "-1"}, "1 đến 5"),
        ({"rating": "9" * 40}, "1 đến 5"),
        ({"rating": "5", "comment": "tốt\x00"}, "ký tự điều khiển"),
    ],
)
def test_bad_rating_is_refused(
    client: Client, world: World, data: dict[str, str], words: str
) -> None:
    d = world.submit()
    Dossier.objects.filter(pk=d.pk).update(state=State.RETURNED, finished_at=timezone.now())
    client.force_login(world.citizen)
    before = snapshot()
    r = client.post(f"/ho-so/{d.code}/danh-gia/", data)
    assert r.status_code == 303 and r["X-Dossier-Refused"] == "422"
    page = client.get(r["Location"]).content.decode()
    assert words in page
    assert snapshot() == before
    assert Dossier.objects.get(pk=d.pk).rating is None


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("bo-sung.pdf", EXE, "thực thi"),
        ("bo-sung.exe", pdf_bytes(), "loại tệp"),
        ("bo-sung.docx", zip_bomb_docx(), "giải nén"),
        ("bo-sung.pdf", b"", "rỗng"),
    ],
)
def test_additions_with_a_bad_file_store_nothing(
    client: Client, world: World, name: str, data: bytes, words: str
) -> None:
    d = world.submit()
    dossier_act(dossier=d, action="request_additions", actor=world.one_stop, note="Thiếu bản sao")
    d.refresh_from_db()
    client.force_login(world.citizen)
    before = snapshot()
    r = client.post(
        f"/ho-so/{d.code}/thao-tac/supply_additions/",
        {"version": d.version, "files": SimpleUploadedFile(name, data)},
    )
    assert r.status_code == 303 and r["X-Dossier-Refused"] == "422"
    assert words in client.get(r["Location"]).content.decode()
    assert snapshot() == before


def test_a_stranger_cannot_pay_or_rate_a_dossier(client: Client, world: World) -> None:
    d = world.submit()
    stranger = User.objects.create(username="nguoila", citizen_id=OTHER_CITIZEN_ID)
    client.force_login(stranger)
    before = snapshot()
    for url in (f"/ho-so/{d.code}/thanh-toan/", f"/ho-so/{d.code}/danh-gia/"):
        assert client.post(url, {"rating": "5"}).status_code == 404
    assert snapshot() == before


def test_web_submit_form_in_english_names_the_problem_in_english(
    client: Client, world: World
) -> None:
    client.force_login(world.citizen)
    before = snapshot()
    r = client.post(
        f"/en/ho-so/nop/{world.procedure.code}/",
        {f"doc-{world.form.pk}": SimpleUploadedFile("to-khai.pdf", EXE), "idempotency_key": "en-1"},
    )
    assert r.status_code == 422
    assert "executable" in r.content.decode()
    assert snapshot() == before


def test_bulk_receive_with_garbage_and_foreign_codes_receives_only_its_own(
    client: Client, world: World
) -> None:
    mine = world.submit()
    client.force_login(world.one_stop)
    r = client.post(
        "/ho-so/xu-ly/tiep-nhan/",
        {"codes": ["abc\x00", "x" * 300, mine.code, mine.code, "../../etc"]},
        follow=True,
    )
    assert r.status_code == 200
    mine.refresh_from_db()
    assert mine.state == State.RECEIVED
    assert DossierEvent.objects.filter(dossier=mine, action="receive").count() == 1
    page = r.content.decode()
    assert "Đã tiếp nhận 1 hồ sơ" in page and "\x00" not in page


@pytest.mark.parametrize("raw", [b"[]", b"null", b'"receive"', b"5"])
def test_action_body_that_is_not_an_object_is_422(client: Client, world: World, raw: bytes) -> None:
    d = world.submit()
    headers = auth(world.one_stop)
    before = snapshot()
    r = client.post(
        f"/api/v1/dossiers/{d.code}/actions/receive",
        raw,
        content_type="application/json",
        **headers,
    )
    assert_refused(r, 422, "đối tượng JSON", before)


def test_web_form_reused_with_other_files_asks_again_with_a_fresh_key(
    client: Client, world: World
) -> None:
    client.force_login(world.citizen)
    url = f"/ho-so/nop/{world.procedure.code}/"
    first = {
        f"doc-{world.form.pk}": SimpleUploadedFile("a.pdf", pdf_bytes()),
        "idempotency_key": "w-9",
    }
    assert client.post(url, first).status_code == 302
    before = snapshot()
    other = {
        f"doc-{world.form.pk}": SimpleUploadedFile("b.pdf", pdf_bytes("khác")),
        "idempotency_key": "w-9",
    }
    r = client.post(url, other)
    assert r.status_code == 422
    page = r.content.decode()
    assert "đã được dùng để nộp một hồ sơ khác" in page
    assert 'value="w-9"' not in page
    assert snapshot() == before


def same_page(html: str) -> str:
    """``html`` without what differs on every response (the masked CSRF token)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_another_agencys_officer_cannot_tell_a_dossier_exists_on_the_web(
    client: Client, world: World
) -> None:
    d = world.submit()
    doc = d.documents.get()
    client.force_login(world.other_one_stop)
    before = snapshot()
    missing = d.code[:-1] + "9"
    for theirs, unknown in [
        (f"/ho-so/{d.code}/", f"/ho-so/{missing}/"),
        (f"/ho-so/{d.code}/tep/{doc.pk}/", f"/ho-so/{missing}/tep/{doc.pk}/"),
        (f"/ho-so/{d.code}/phieu/receipt.pdf", f"/ho-so/{missing}/phieu/receipt.pdf"),
    ]:
        a, b = client.get(theirs), client.get(unknown)
        assert a.status_code == b.status_code == 404, theirs
        assert same_page(a.content.decode().replace(d.code, "")) == same_page(
            b.content.decode().replace(missing, "")
        )
    assert snapshot() == before

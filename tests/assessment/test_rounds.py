"""Rounds: self-assessment, evidence, deadline, review, publication, revision, recognition."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.assessment.factories import FULL_ANSWERS, FULL_TOTAL, fill, make_round, make_set
from tests.core.factories import officer
from tinhso.assessment import selectors, services
from tinhso.assessment.evidence import EvidenceRejected
from tinhso.assessment.models import Answer, Evidence, Participation, Result, Round
from tinhso.core.models import AuditEntry, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(agency_tree):
    cs = make_set()
    rnd = make_round(cs, [agency_tree.dept_a, agency_tree.dept_b])
    assessor = officer(agency_tree.dept_b, Role.ASSESSOR, username="danhgia.b")
    officer_b = officer(agency_tree.dept_b, Role.SPECIALIST, username="chuyenvien.b")
    pa = rnd.participations.get(agency=agency_tree.dept_a)
    pb = rnd.participations.get(agency=agency_tree.dept_b)
    return agency_tree, rnd, assessor, officer_b, pa, pb


def _submit_and_accept(p: Participation, user, assessor, values=FULL_ANSWERS) -> None:
    fill(p, user, values)
    services.participation_submit(participation=p, user=user)
    for a in p.answers.all():
        services.answer_review(answer=a, user=assessor, action="accept")


def test_total_is_the_sum_of_pillars_and_leaves_to_the_hundredth(setup) -> None:
    tree, rnd, assessor, officer_b, pa, pb = setup
    other_assessor = officer(tree.province, Role.ASSESSOR, username="danhgia.tinh")
    _submit_and_accept(pa, tree.dept_officer, assessor)
    _submit_and_accept(pb, officer_b, other_assessor, {**FULL_ANSWERS, "2.2": "25"})
    services.round_publish(round=rnd, user=assessor)
    ranking = selectors.round_ranking(rnd)
    row_a = next(r for r in ranking if r.agency == tree.dept_a)
    assert row_a.total == FULL_TOTAL
    assert row_a.total == sum(row_a.pillar_scores.values())
    leaves = sum(a.final_score for a in pa.answers.all())
    assert leaves == FULL_TOTAL
    assert row_a.pillar_scores == {"1": Decimal("45.00"), "2": Decimal("19.85")}
    # B scored 25 instead of 12.35 on 2.2 → first.
    assert [(r.agency, r.rank) for r in ranking] == [(tree.dept_b, 1), (tree.dept_a, 2)]


def test_ties_share_the_rank(setup) -> None:
    tree, rnd, assessor, officer_b, pa, pb = setup
    other_assessor = officer(tree.province, Role.ASSESSOR, username="danhgia.tinh")
    _submit_and_accept(pa, tree.dept_officer, assessor)
    _submit_and_accept(pb, officer_b, other_assessor)
    services.round_publish(round=rnd, user=assessor)
    assert [r.rank for r in selectors.round_ranking(rnd)] == [1, 1]


def test_answer_after_the_deadline_is_refused_and_changes_nothing(setup) -> None:
    tree, rnd, _assessor, _officer_b, pa, _pb = setup
    fill(pa, tree.dept_officer, {"1.2": 1})
    leaf = rnd.criteria_set.criteria.get(code="1.2")
    with time_machine.travel(rnd.deadline + dt.timedelta(minutes=1)):
        with pytest.raises(services.AssessmentError, match="quá hạn"):
            services.answer_save(participation=pa, criterion=leaf, value=3, user=tree.dept_officer)
        with pytest.raises(services.AssessmentError, match="quá hạn"):
            services.participation_submit(participation=pa, user=tree.dept_officer)
    assert pa.answers.get(criterion=leaf).value == 1


def test_only_the_agency_s_own_officers_self_assess(setup) -> None:
    tree, rnd, _assessor, officer_b, pa, _pb = setup
    leaf = rnd.criteria_set.criteria.get(code="1.2")
    with pytest.raises(services.AssessmentPermissionDenied):
        services.answer_save(participation=pa, criterion=leaf, value=1, user=officer_b)
    with pytest.raises(services.AssessmentPermissionDenied):
        services.answer_save(participation=pa, criterion=leaf, value=1, user=tree.citizen)
    assert not Answer.objects.exists()


def test_assessor_cannot_review_their_own_agency(setup) -> None:
    _tree, _rnd, assessor, officer_b, _pa, pb = setup
    fill(pb, officer_b, FULL_ANSWERS)
    services.participation_submit(participation=pb, user=officer_b)
    answer = pb.answers.first()
    with pytest.raises(services.AssessmentPermissionDenied, match="đơn vị mình công tác"):
        services.answer_review(answer=answer, user=assessor, action="accept")
    answer.refresh_from_db()
    assert answer.review_status == Answer.ReviewStatus.PENDING


def test_assessor_of_a_parent_agency_may_review_a_department(setup) -> None:
    tree, _rnd, _assessor, officer_b, _pa, pb = setup
    provincial = officer(tree.province, Role.ASSESSOR, username="danhgia.tinh")
    fill(pb, officer_b, FULL_ANSWERS)
    services.participation_submit(participation=pb, user=officer_b)
    a = services.answer_review(answer=pb.answers.first(), user=provincial, action="accept")
    assert a.review_status == Answer.ReviewStatus.ACCEPTED


def test_score_above_the_maximum_is_refused(setup) -> None:
    tree, rnd, assessor, _officer_b, pa, _pb = setup
    manual = rnd.criteria_set.criteria.get(code="2.2")
    with pytest.raises(services.AssessmentError, match="vượt quá điểm tối đa"):
        services.answer_save(
            participation=pa, criterion=manual, value="25.5", user=tree.dept_officer
        )
    assert not Answer.objects.exists()
    fill(pa, tree.dept_officer, FULL_ANSWERS)
    services.participation_submit(participation=pa, user=tree.dept_officer)
    answer = pa.answers.get(criterion=manual)
    with pytest.raises(services.AssessmentError, match="vượt quá điểm tối đa"):
        services.answer_review(
            answer=answer, user=assessor, action="adjust", adjusted_value="30", reason="Chấm lại"
        )
    answer.refresh_from_db()
    assert answer.review_status == Answer.ReviewStatus.PENDING and answer.final_score is None


def test_adjusting_needs_a_reason_and_recomputes_the_score(setup) -> None:
    tree, _rnd, assessor, _officer_b, pa, _pb = setup
    fill(pa, tree.dept_officer, FULL_ANSWERS)
    services.participation_submit(participation=pa, user=tree.dept_officer)
    ratio = pa.answers.get(criterion__code="1.1.2")
    with pytest.raises(services.AssessmentError, match="lý do"):
        services.answer_review(answer=ratio, user=assessor, action="adjust", adjusted_value="40")
    services.answer_review(
        answer=ratio,
        user=assessor,
        action="adjust",
        adjusted_value="40",
        reason="Danh sách chỉ có 40%",
    )
    ratio.refresh_from_db()
    assert ratio.final_score == Decimal("10.00") and ratio.declared_score == Decimal("15.00")


def test_clarification_reopens_only_that_answer_even_after_the_deadline(setup) -> None:
    tree, rnd, assessor, _officer_b, pa, _pb = setup
    fill(pa, tree.dept_officer, FULL_ANSWERS)
    services.participation_submit(participation=pa, user=tree.dept_officer)
    asked = pa.answers.get(criterion__code="1.2")
    services.answer_review(answer=asked, user=assessor, action="clarify", reason="Bổ sung biên bản")
    pa.refresh_from_db()
    assert pa.status == Participation.Status.CLARIFICATION
    with time_machine.travel(rnd.deadline + dt.timedelta(days=1)):
        services.answer_save(
            participation=pa, criterion=asked.criterion, value=3, user=tree.dept_officer
        )
        other = rnd.criteria_set.criteria.get(code="2.1")
        with pytest.raises(services.AssessmentError):
            services.answer_save(participation=pa, criterion=other, value=5, user=tree.dept_officer)
    pa.refresh_from_db()
    assert pa.status == Participation.Status.SUBMITTED


def test_submit_requires_every_leaf_and_required_evidence(setup) -> None:
    tree, rnd, _assessor, _officer_b, pa, _pb = setup
    leaves = {c.code: c for c in rnd.criteria_set.criteria.filter(is_leaf=True)}
    with pytest.raises(services.AssessmentError, match="chưa kê khai"):
        services.participation_submit(participation=pa, user=tree.dept_officer)
    for code, value in FULL_ANSWERS.items():
        services.answer_save(
            participation=pa, criterion=leaves[code], value=value, user=tree.dept_officer
        )
    with pytest.raises(services.AssessmentError, match=r"Thiếu minh chứng.*1\.1\.1"):
        services.participation_submit(participation=pa, user=tree.dept_officer)
    pa.refresh_from_db()
    assert pa.status == Participation.Status.DRAFT


def test_oversized_evidence_is_refused(setup, settings) -> None:
    tree, rnd, _assessor, _officer_b, pa, _pb = setup
    settings.ASSESSMENT_EVIDENCE_MAX_BYTES = 1024
    answer = services.answer_save(
        participation=pa,
        criterion=rnd.criteria_set.criteria.get(code="1.1.1"),
        value=1,
        user=tree.dept_officer,
    )
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 2048, content_type="application/pdf")
    with pytest.raises(EvidenceRejected, match="quá lớn"):
        services.evidence_add_file(answer=answer, upload=big, user=tree.dept_officer)
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("quyet-dinh.pdf", b"MZ\x90\x00 this is a windows executable", "application/pdf"),
        ("anh.png", b"%PDF-1.4 a pdf pretending to be png", "image/png"),
        ("bao-cao.docx", b"PK\x03\x04 not really a zip", ""),
        ("script.exe", b"MZ\x90\x00", "application/octet-stream"),
        ("quyet-dinh.pdf", b"%PDF-1.4 ok", "text/html"),
    ],
)
def test_disguised_evidence_is_refused(setup, name, content, content_type) -> None:
    tree, rnd, _assessor, _officer_b, pa, _pb = setup
    answer = services.answer_save(
        participation=pa,
        criterion=rnd.criteria_set.criteria.get(code="1.1.1"),
        value=1,
        user=tree.dept_officer,
    )
    with pytest.raises(EvidenceRejected):
        services.evidence_add_file(
            answer=answer,
            upload=SimpleUploadedFile(name, content, content_type=content_type),
            user=tree.dept_officer,
        )
    assert not Evidence.objects.exists()


def test_real_pdf_and_link_evidence_are_accepted(setup) -> None:
    tree, rnd, _assessor, _officer_b, pa, _pb = setup
    answer = services.answer_save(
        participation=pa,
        criterion=rnd.criteria_set.criteria.get(code="1.1.1"),
        value=1,
        user=tree.dept_officer,
    )
    ev = services.evidence_add_file(
        answer=answer,
        upload=SimpleUploadedFile("qd.pdf", b"%PDF-1.7\nnoi dung", content_type="application/pdf"),
        user=tree.dept_officer,
    )
    assert ev.content_type == "application/pdf" and len(ev.sha256) == 64
    link = services.evidence_add_link(
        answer=answer, url="https://example.gov.vn/qd", user=tree.dept_officer
    )
    assert link.kind == Evidence.Kind.LINK
    with pytest.raises(services.AssessmentError):
        services.evidence_add_link(answer=answer, url="javascript:alert(1)", user=tree.dept_officer)


def test_published_round_is_immutable(setup) -> None:
    tree, rnd, assessor, _officer_b, pa, _pb = setup
    _submit_and_accept(pa, tree.dept_officer, assessor)
    with time_machine.travel(rnd.deadline + dt.timedelta(days=1)):
        services.round_publish(round=rnd, user=assessor)
        answer = pa.answers.first()
        with pytest.raises(services.AssessmentError, match="đã công bố"):
            services.answer_review(
                answer=answer, user=assessor, action="adjust", adjusted_value=0, reason="Sửa"
            )
        with pytest.raises(ValidationError):
            answer.value = Decimal(0)
            answer.save()
        result = Result.objects.get(agency=tree.dept_a)
        with pytest.raises(ValidationError):
            result.total = Decimal("999")
            result.save()
        with pytest.raises(services.AssessmentError, match="đã công bố"):
            services.round_publish(round=rnd, user=assessor)
    assert Result.objects.get(agency=tree.dept_a).total == FULL_TOTAL


def test_revision_is_audited_and_keeps_the_first_publication(setup) -> None:
    tree, rnd, assessor, _officer_b, pa, _pb = setup
    _submit_and_accept(pa, tree.dept_officer, assessor)
    with time_machine.travel(rnd.deadline + dt.timedelta(days=1)):
        services.round_publish(round=rnd, user=assessor)
        with pytest.raises(services.AssessmentError, match="lý do"):
            services.round_revision_open(round=rnd, user=assessor, reason="sửa")
        services.round_revision_open(
            round=rnd, user=assessor, reason="Khiếu nại của Sở Tư pháp về tiêu chí 2.2"
        )
        answer = pa.answers.get(criterion__code="2.2")
        services.answer_review(
            answer=answer,
            user=assessor,
            action="adjust",
            adjusted_value="20",
            reason="Khiếu nại được chấp nhận",
        )
        services.round_publish(round=rnd, user=assessor)
    rnd.refresh_from_db()
    assert rnd.revision == 2 and rnd.status == Round.Status.PUBLISHED
    first, second = rnd.publications.order_by("revision")
    assert first.results.get(agency=tree.dept_a).total == FULL_TOTAL
    assert second.results.get(agency=tree.dept_a).total == FULL_TOTAL - Decimal("12.35") + 20
    assert "Khiếu nại" in second.reason
    assert AuditEntry.objects.filter(action="round_revision_open", object_id=str(rnd.pk)).exists()
    assert AuditEntry.objects.filter(action="round_publish", object_id=str(rnd.pk)).count() == 2
    assert selectors.round_ranking(rnd)[0].total == FULL_TOTAL - Decimal("12.35") + 20


def test_publish_waits_for_reviews_and_for_the_deadline(setup) -> None:
    tree, rnd, assessor, _officer_b, pa, _pb = setup
    fill(pa, tree.dept_officer, FULL_ANSWERS)
    services.participation_submit(participation=pa, user=tree.dept_officer)
    with pytest.raises(services.AssessmentError, match="Chưa thẩm định xong"):
        services.round_publish(round=rnd, user=assessor)
    for a in pa.answers.all():
        services.answer_review(answer=a, user=assessor, action="accept")
    with pytest.raises(services.AssessmentError, match="chưa hết hạn"):
        services.round_publish(round=rnd, user=assessor)
    with time_machine.travel(rnd.deadline + dt.timedelta(hours=1)):
        pub = services.round_publish(round=rnd, user=assessor)
    not_submitted = pub.results.get(agency=tree.dept_b)
    assert not not_submitted.submitted and not_submitted.total == 0


def test_rank_change_against_last_year(agency_tree) -> None:
    tree = agency_tree
    assessor = officer(tree.province, Role.ASSESSOR, username="danhgia.tinh")
    officer_b = officer(tree.dept_b, Role.SPECIALIST, username="chuyenvien.b")
    past = timezone.now() - dt.timedelta(days=1)
    for year, a_value in ((2024, "25"), (2025, "0")):
        cs = make_set(code=f"bo-{year}", year=year)
        with time_machine.travel(past - dt.timedelta(days=60)):
            rnd = make_round(
                cs, [tree.dept_a, tree.dept_b], code=f"dot-{year}", year=year, deadline=past
            )
            pa = rnd.participations.get(agency=tree.dept_a)
            pb = rnd.participations.get(agency=tree.dept_b)
            _submit_and_accept(pa, tree.dept_officer, assessor, {**FULL_ANSWERS, "2.2": a_value})
            _submit_and_accept(pb, officer_b, assessor)
        services.round_publish(round=rnd, user=assessor)
    ranking = selectors.round_ranking(rnd)
    a = next(r for r in ranking if r.agency == tree.dept_a)
    b = next(r for r in ranking if r.agency == tree.dept_b)
    assert (a.rank, a.previous_rank, a.rank_change) == (2, 1, -1)
    assert (b.rank, b.previous_rank, b.rank_change) == (1, 2, 1)
    card = selectors.scorecard(rnd, tree.dept_a)
    assert card is not None and [h[1] for h in card.history] == [
        FULL_TOTAL - Decimal("12.35") + 25,
        FULL_TOTAL - Decimal("12.35"),
    ]
    assert card.gaps[0].criterion.code == "2.2"


def test_commune_recognition_needs_the_threshold_and_every_mandatory_criterion(agency_tree) -> None:
    tree = agency_tree
    cs = make_set(
        code="xa-2025",
        subject_type="commune",
        pass_min_points="60",
    )
    leaf = cs.criteria.get(code="1.1.1")
    leaf.pass_min_points = Decimal("10")
    leaf.save()
    assessor = officer(tree.province, Role.ASSESSOR, username="danhgia.tinh")
    past = timezone.now() - dt.timedelta(days=1)
    with time_machine.travel(past - dt.timedelta(days=10)):
        rnd = make_round(cs, [tree.commune_a, tree.commune_b], code="xa-2025", deadline=past)
        pa = rnd.participations.get(agency=tree.commune_a)
        pb = rnd.participations.get(agency=tree.commune_b)
        _submit_and_accept(pa, tree.officer_a, assessor)  # 64.85 and 1.1.1 = yes
        _submit_and_accept(
            pb, tree.officer_b, assessor, {**FULL_ANSWERS, "1.1.1": 0, "2.2": "25"}
        )  # 67.50, 1.1.1 = no
    services.round_publish(round=rnd, user=assessor)
    recognised = selectors.recognitions(rnd)
    assert [r.agency for r, _date in recognised] == [tree.commune_a]
    assert "1.1.1" in recognised[0][0].criteria_met
    assert selectors.recognised_commune_count() == 1

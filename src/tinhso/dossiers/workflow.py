"""The dossier state machine: which action is allowed from which state, and to whom.

Actors:

* ``one_stop`` — a one-stop officer (cán bộ tiếp nhận) of the receiving agency;
* ``step`` — an officer holding the role of the dossier's current processing step at
  the agency that step belongs to (after a transfer: the agency it was transferred to);
* ``leader`` — a leader (lãnh đạo) of the receiving agency or of the agency handling
  the dossier now;
* ``applicant`` — the citizen account that submitted the dossier;
* ``system`` — the platform itself (payment callback).

Roles are checked with :func:`tinhso.core.selectors.user_roles`, so a role held at a
parent agency counts for its subtree, as everywhere on the platform.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tinhso.dossiers.models import State

ONE_STOP = "one_stop"
STEP = "step"
LEADER = "leader"
APPLICANT = "applicant"
SYSTEM = "system"


@dataclass(frozen=True)
class Action:
    name: str
    label: Promise
    from_states: frozenset[str]
    actors: frozenset[str]
    needs_note: bool = False
    public_label: Promise | None = None  # shown on the applicant's timeline (None: hidden)


_RECEIVED_OPEN = frozenset({State.RECEIVED, State.PROCESSING})

ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action(
            "receive",
            _("Tiếp nhận"),
            frozenset({State.SUBMITTED}),
            frozenset({ONE_STOP}),
            public_label=_("Hồ sơ đã được tiếp nhận"),
        ),
        Action(
            "request_additions",
            _("Yêu cầu bổ sung"),
            frozenset({State.SUBMITTED, State.RECEIVED, State.PROCESSING}),
            frozenset({ONE_STOP, STEP}),
            needs_note=True,
            public_label=_("Cơ quan yêu cầu bổ sung hồ sơ"),
        ),
        Action(
            "supply_additions",
            _("Nộp bổ sung"),
            frozenset({State.ADDITIONS_REQUESTED}),
            frozenset({APPLICANT, ONE_STOP}),
            public_label=_("Đã nộp bổ sung hồ sơ"),
        ),
        Action(
            "refuse",
            _("Từ chối"),
            frozenset({State.SUBMITTED, State.RECEIVED, State.PROCESSING}),
            frozenset({ONE_STOP, STEP}),
            needs_note=True,
            public_label=_("Hồ sơ bị từ chối"),
        ),
        Action(
            "forward",
            _("Hoàn thành bước, chuyển tiếp"),
            _RECEIVED_OPEN,
            frozenset({STEP}),
            public_label=None,
        ),
        Action(
            "transfer",
            _("Chuyển cơ quan khác"),
            _RECEIVED_OPEN,
            frozenset({STEP}),
            needs_note=True,
            public_label=_("Hồ sơ được chuyển cơ quan khác xử lý"),
        ),
        Action(
            "pause",
            _("Tạm dừng"),
            _RECEIVED_OPEN,
            frozenset({LEADER}),
            needs_note=True,
            public_label=_("Hồ sơ tạm dừng xử lý"),
        ),
        Action(
            "resume",
            _("Tiếp tục xử lý"),
            frozenset({State.PAUSED}),
            frozenset({LEADER}),
            public_label=_("Hồ sơ tiếp tục được xử lý"),
        ),
        Action(
            "stop",
            _("Dừng xử lý"),
            frozenset({State.RECEIVED, State.PROCESSING, State.PAUSED, State.ADDITIONS_REQUESTED}),
            frozenset({LEADER}),
            needs_note=True,
            public_label=_("Hồ sơ bị dừng xử lý"),
        ),
        Action(
            "withdraw",
            _("Rút hồ sơ"),
            frozenset(
                {
                    State.SUBMITTED,
                    State.AWAITING_PAYMENT,
                    State.ADDITIONS_REQUESTED,
                    State.RECEIVED,
                    State.PROCESSING,
                    State.PAUSED,
                }
            ),
            frozenset({APPLICANT, ONE_STOP}),
            public_label=_("Hồ sơ đã được rút"),
        ),
        Action(
            "apologize",
            _("Xin lỗi, hẹn lại ngày trả"),
            frozenset(
                {
                    State.RECEIVED,
                    State.PROCESSING,
                    State.PAUSED,
                    State.ADDITIONS_REQUESTED,
                    State.AWAITING_PAYMENT,
                }
            ),
            frozenset({LEADER, ONE_STOP}),
            needs_note=True,
            public_label=_("Cơ quan xin lỗi và hẹn lại ngày trả kết quả"),
        ),
        Action(
            "confirm_payment",
            _("Xác nhận đã nộp phí"),
            frozenset({State.AWAITING_PAYMENT}),
            frozenset({ONE_STOP, SYSTEM}),
            public_label=_("Đã nộp phí, lệ phí"),
        ),
        Action(
            "return_result",
            _("Trả kết quả"),
            frozenset({State.RESULT_READY}),
            frozenset({ONE_STOP}),
            public_label=_("Đã trả kết quả"),
        ),
    )
}

# Events that are not officer actions but are shown on the timeline too.
EVENT_PUBLIC_LABELS: dict[str, Promise] = {
    "submit": _("Đã nộp hồ sơ"),
    "result_ready": _("Đã có kết quả, chờ trả"),
    "awaiting_payment": _("Chờ nộp phí, lệ phí"),
    "rate": _("Người nộp đánh giá mức độ hài lòng"),
    # A payment the dossier did not need (fee already paid, or dossier closed): receivers.py.
    "payment_refunded": _("Đã hoàn trả khoản thanh toán trực tuyến không cần nộp"),
    "payment_refund_due": _("Khoản thanh toán trực tuyến không cần nộp sẽ được hoàn trả"),
}


def action_label(name: str) -> str:
    action = ACTIONS.get(name)
    if action is not None:
        return str(action.label)
    label = EVENT_PUBLIC_LABELS.get(name)
    return str(label) if label is not None else name

"""Demo builder for the procedure catalog: 1,762 procedures, all offered online (890
partly online, 872 fully online; no information-only ones, so the catalogue's size is
the province's published figure), in 28 fields, at the province's departments (and the
economic zone's board) and at every commune.

Names are built from the patterns of the national catalog (real procedure names and
their usual variants: "… đối với tổ chức", "… trong trường hợp …"); codes have the
national form ``1.001193``. Everything is drawn from a seeded random generator, so two
runs build the same catalog. Idempotent: procedures already present are left alone
(an edit made in the admin survives a re-run); the first load uses bulk inserts.

A required document whose name states a condition ("… (trường hợp ủy quyền)",
"… (nếu có)") is only needed in some cases, so it is optional: the applicant who is not
in that case must be able to submit without it. A re-run makes such documents optional in
procedures loaded by earlier versions of this builder, with a new procedure version.
"""

from __future__ import annotations

import io
import random
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from tinhso.core.audit import audit_suppressed
from tinhso.core.models import Agency, Role
from tinhso.core.text import fold
from tinhso.demo.core_data import department_code
from tinhso.procedures.models import (
    Field,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    WorkflowStep,
    procedure_search_key,
)
from tinhso.procedures.spec import DocumentSpec, ProcedureSpec, StepSpec, default_workflow

SEED = 38
PARTIAL_ONLINE = 890
FULL_ONLINE = 872
ONLINE_TOTAL = PARTIAL_ONLINE + FULL_ONLINE  # 1,762
INFORMATION_ONLY = 0
TOTAL = ONLINE_TOTAL + INFORMATION_ONLY
INTEGRATED_NATIONAL = 1710  # of the online ones (1,202 in 2022 → 1,710 in 2023)
TEMPLATE_DIR = "procedures/templates"
FONT_DIR = Path(__file__).resolve().parent.parent / "assessment" / "fonts"

P, C = "province", "commune"

# "trường hợp …", "nếu có", "(nếu …)": the document is only needed in some cases.
_CONDITION = re.compile(r"trường hợp|\bnếu\b", re.IGNORECASE)
CONDITIONAL_FIX_NOTE = (
    "Dữ liệu trình diễn: giấy tờ chỉ cần trong một số trường hợp chuyển thành không bắt buộc"
)


def states_a_condition(document_name: str) -> bool:
    """Whether a required document's name says it is only needed in some cases."""
    return bool(_CONDITION.search(unicodedata.normalize("NFC", document_name)))


@dataclass(frozen=True)
class FieldDef:
    code: str
    name: str
    departments: tuple[str, ...]
    days: tuple[int, int]
    fee_share: float
    names: tuple[tuple[str, str], ...]  # (name, level), always included
    extra: tuple[tuple[str, str], ...]  # (name, level), drawn to fill the catalogue
    documents: tuple[str, ...]
    legal_basis: str
    result: str


def grid(patterns: list[str], fillers: list[str], level: str = P) -> tuple[tuple[str, str], ...]:
    """Every pattern with every filler: ``"Cấp {} …"`` × ``["giấy phép A", …]``."""
    return tuple((p.format(f), level) for p in patterns for f in fillers)


def each(names: list[str], level: str = P) -> tuple[tuple[str, str], ...]:
    return tuple((n, level) for n in names)


COMPANY_TYPES = [
    "doanh nghiệp tư nhân",
    "công ty trách nhiệm hữu hạn một thành viên",
    "công ty trách nhiệm hữu hạn hai thành viên trở lên",
    "công ty cổ phần",
    "công ty hợp danh",
]
LAND_CASES = [
    "chuyển nhượng quyền sử dụng đất",
    "tặng cho quyền sử dụng đất",
    "thừa kế quyền sử dụng đất",
    "góp vốn bằng quyền sử dụng đất",
    "chuyển đổi quyền sử dụng đất nông nghiệp",
    "giảm diện tích thửa đất do sạt lở tự nhiên",
    "thay đổi hạn chế quyền sử dụng đất",
    "xử lý nợ hợp đồng thế chấp",
    "chia tách, hợp nhất, sáp nhập tổ chức",
    "thỏa thuận của các thành viên hộ gia đình",
    "thay đổi thông tin về người sử dụng đất",
    "thay đổi số hiệu thửa đất",
    "chuyển từ hình thức thuê đất trả tiền hằng năm sang trả tiền một lần",
    "kết quả hòa giải thành về tranh chấp đất đai",
    "thay đổi về nghĩa vụ tài chính",
]
LAND_SUBJECTS = [
    "hộ gia đình, cá nhân",
    "tổ chức",
    "tổ chức kinh tế có vốn đầu tư nước ngoài",
    "người gốc Việt Nam định cư ở nước ngoài",
    "cơ sở tôn giáo",
    "cộng đồng dân cư",
]

FIELDS: tuple[FieldDef, ...] = (
    FieldDef(
        "ho-tich",
        "Hộ tịch",
        ("tu-phap",),
        (1, 15),
        0.3,
        each(
            [
                "Đăng ký khai sinh",
                "Đăng ký kết hôn",
                "Đăng ký khai tử",
                "Đăng ký nhận cha, mẹ, con",
                "Đăng ký khai sinh kết hợp nhận cha, mẹ, con",
                "Đăng ký giám hộ",
                "Đăng ký chấm dứt giám hộ",
                "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
                "Đăng ký lại khai sinh",
                "Đăng ký lại kết hôn",
                "Đăng ký lại khai tử",
                "Cấp Giấy xác nhận tình trạng hôn nhân",
                "Cấp bản sao trích lục hộ tịch",
                "Đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân",
                "Đăng ký xác định lại dân tộc",
                "Đăng ký khai sinh có yếu tố nước ngoài",
                "Đăng ký kết hôn có yếu tố nước ngoài",
                "Đăng ký khai tử có yếu tố nước ngoài",
                "Đăng ký nhận cha, mẹ, con có yếu tố nước ngoài",
                "Đăng ký giám hộ có yếu tố nước ngoài",
                "Đăng ký khai sinh lưu động",
                "Đăng ký kết hôn lưu động",
                "Đăng ký khai tử lưu động",
                "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, "
                "cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
                "Liên thông thủ tục hành chính về đăng ký khai tử, xóa đăng ký thường trú, "
                "hưởng chế độ tử tuất, hỗ trợ chi phí mai táng",
                "Ghi vào Sổ hộ tịch việc kết hôn của công dân Việt Nam đã được giải quyết tại "
                "cơ quan có thẩm quyền của nước ngoài",
                "Ghi vào Sổ hộ tịch việc ly hôn, hủy việc kết hôn của công dân Việt Nam đã được "
                "giải quyết tại cơ quan có thẩm quyền của nước ngoài",
                "Ghi vào Sổ hộ tịch việc khai sinh của công dân Việt Nam đã được giải quyết tại "
                "cơ quan có thẩm quyền của nước ngoài",
            ],
            C,
        ),
        (),
        (
            "Giấy chứng sinh hoặc văn bản của người làm chứng xác nhận về việc sinh",
            "Giấy tờ chứng minh nơi cư trú",
            "Văn bản ủy quyền có chứng thực (trường hợp ủy quyền)",
            "Trích lục hộ tịch đã cấp trước đây (nếu có)",
        ),
        "Luật Hộ tịch số 60/2014/QH13; Nghị định số 123/2015/NĐ-CP của Chính phủ quy định "
        "chi tiết một số điều và biện pháp thi hành Luật Hộ tịch",
        "Trích lục hộ tịch",
    ),
    FieldDef(
        "chung-thuc",
        "Chứng thực",
        ("tu-phap",),
        (1, 3),
        0.8,
        each(
            [
                "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền "
                "của Việt Nam cấp hoặc chứng nhận",
                "Chứng thực chữ ký trong các giấy tờ, văn bản",
                "Chứng thực chữ ký người dịch mà người dịch không phải là cộng tác viên dịch thuật",
                "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản",
                "Chứng thực hợp đồng, giao dịch liên quan đến quyền sử dụng đất và nhà ở",
                "Chứng thực di chúc",
                "Chứng thực văn bản từ chối nhận di sản",
                "Chứng thực văn bản thỏa thuận phân chia di sản",
                "Chứng thực văn bản khai nhận di sản",
                "Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch",
                "Sửa lỗi sai sót trong hợp đồng, giao dịch đã được chứng thực",
                "Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực",
                "Chứng thực bản sao điện tử từ bản chính",
            ],
            C,
        ),
        each(
            [
                "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền "
                "của nước ngoài cấp hoặc chứng nhận",
                "Chứng thực chữ ký người dịch là cộng tác viên dịch thuật",
            ]
        ),
        (
            "Bản chính giấy tờ, văn bản cần chứng thực",
            "Dự thảo hợp đồng, giao dịch",
            "Giấy tờ chứng minh quyền sở hữu, quyền sử dụng tài sản",
        ),
        "Nghị định số 23/2015/NĐ-CP của Chính phủ về cấp bản sao từ sổ gốc, chứng thực bản sao "
        "từ bản chính, chứng thực chữ ký và chứng thực hợp đồng, giao dịch",
        "Bản sao, giấy tờ, hợp đồng đã được chứng thực",
    ),
    FieldDef(
        "dat-dai",
        "Đất đai",
        ("nong-nghiep",),
        (5, 30),
        0.6,
        each(
            [
                "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng "
                "đất, quyền sở hữu tài sản gắn liền với đất lần đầu",
                "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
                "Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất",
                "Đính chính Giấy chứng nhận đã cấp",
                "Tách thửa hoặc hợp thửa đất",
                "Xác nhận tiếp tục sử dụng đất nông nghiệp của hộ gia đình, cá nhân khi hết hạn "
                "sử dụng đất",
                "Hòa giải tranh chấp đất đai",
                "Cung cấp thông tin, dữ liệu đất đai",
            ],
            C,
        )
        + each(
            [
                "Thu hồi Giấy chứng nhận đã cấp không đúng quy định của pháp luật đất đai",
                "Giao đất, cho thuê đất không thông qua đấu giá quyền sử dụng đất",
                "Giao đất, cho thuê đất thông qua đấu giá quyền sử dụng đất",
                "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền",
                "Gia hạn sử dụng đất ngoài khu công nghệ cao, khu kinh tế",
                "Điều chỉnh quyết định thu hồi đất, giao đất, cho thuê đất",
                "Giải quyết tranh chấp đất đai thuộc thẩm quyền của Chủ tịch Ủy ban nhân dân "
                "cấp tỉnh",
                "Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất",
                "Xóa đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất",
                "Đăng ký thay đổi nội dung biện pháp bảo đảm bằng quyền sử dụng đất",
                "Chuyển hình thức giao đất, cho thuê đất",
                "Thẩm định nhu cầu sử dụng đất để xem xét giao đất, cho thuê đất",
            ]
        ),
        grid(
            [
                "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất "
                "trong trường hợp {}"
            ],
            LAND_CASES,
            C,
        )
        + grid(
            [
                "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu đối với {}",
                "Gia hạn sử dụng đất đối với {}",
                "Cho thuê đất trả tiền thuê đất hằng năm đối với {}",
            ],
            LAND_SUBJECTS,
        ),
        (
            "Giấy chứng nhận quyền sử dụng đất đã cấp (bản gốc)",
            "Hợp đồng, văn bản về chuyển quyền sử dụng đất",
            "Mảnh trích đo bản đồ địa chính thửa đất",
            "Giấy tờ về nghĩa vụ tài chính đã thực hiện",
            "Chứng từ nộp lệ phí trước bạ",
        ),
        "Luật Đất đai số 31/2024/QH15; Nghị định số 101/2024/NĐ-CP của Chính phủ quy định về "
        "điều tra cơ bản đất đai; đăng ký, cấp Giấy chứng nhận quyền sử dụng đất",
        "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
    ),
    FieldDef(
        "xay-dung",
        "Xây dựng",
        ("xay-dung", "kkt"),
        (7, 30),
        0.6,
        each(["Cấp giấy phép xây dựng nhà ở riêng lẻ"], C)
        + grid(
            ["Cấp {}", "Điều chỉnh {}", "Gia hạn {}", "Cấp lại {}"],
            [
                "giấy phép xây dựng công trình không theo tuyến",
                "giấy phép xây dựng công trình theo tuyến trong đô thị",
                "giấy phép xây dựng công trình tín ngưỡng, tôn giáo",
                "giấy phép xây dựng công trình tượng đài, tranh hoành tráng",
                "giấy phép xây dựng công trình quảng cáo",
                "giấy phép di dời công trình",
                "giấy phép xây dựng có thời hạn",
            ],
        )
        + grid(
            ["Điều chỉnh {}", "Gia hạn {}", "Cấp lại {}"],
            ["giấy phép xây dựng nhà ở riêng lẻ"],
            C,
        ),
        grid(
            ["Cấp {}", "Cấp lại {}", "Điều chỉnh, bổ sung {}", "Gia hạn {}"],
            [
                "chứng chỉ hành nghề hoạt động xây dựng hạng II",
                "chứng chỉ hành nghề hoạt động xây dựng hạng III",
                "chứng chỉ năng lực hoạt động xây dựng hạng II",
                "chứng chỉ năng lực hoạt động xây dựng hạng III",
            ],
        )
        + grid(
            ["Thẩm định {}", "Thẩm định điều chỉnh {}"],
            [
                "Báo cáo nghiên cứu khả thi đầu tư xây dựng",
                "thiết kế xây dựng triển khai sau thiết kế cơ sở",
                "nhiệm vụ quy hoạch chi tiết xây dựng",
                "đồ án quy hoạch chi tiết xây dựng",
            ],
        )
        + each(
            [
                "Kiểm tra công tác nghiệm thu hoàn thành công trình",
                "Cung cấp thông tin về quy hoạch xây dựng",
                "Công nhận tổ chức xã hội - nghề nghiệp đủ điều kiện cấp chứng chỉ hành nghề",
                "Thông báo nhà ở hình thành trong tương lai đủ điều kiện được bán, cho thuê mua",
                "Công nhận chủ đầu tư dự án nhà ở",
                "Thẩm định giá bán, thuê mua nhà ở xã hội",
            ]
        ),
        (
            "Bản vẽ thiết kế xây dựng",
            "Giấy tờ hợp pháp về đất đai",
            "Văn bản thẩm duyệt thiết kế về phòng cháy và chữa cháy",
            "Báo cáo kết quả thẩm tra thiết kế",
        ),
        "Luật Xây dựng số 50/2014/QH13, được sửa đổi, bổ sung bởi Luật số 62/2020/QH14",
        "Giấy phép xây dựng",
    ),
    FieldDef(
        "dang-ky-kinh-doanh",
        "Thành lập và hoạt động doanh nghiệp",
        ("tai-chinh",),
        (3, 5),
        0.4,
        (),
        grid(
            [
                "Đăng ký thành lập {}",
                "Đăng ký thay đổi người đại diện theo pháp luật của {}",
                "Đăng ký thay đổi vốn điều lệ của {}",
                "Đăng ký thay đổi địa chỉ trụ sở chính của {}",
                "Đăng ký đổi tên {}",
                "Thông báo thay đổi ngành, nghề kinh doanh của {}",
                "Thông báo tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn của {}",
                "Giải thể {}",
                "Cấp lại Giấy chứng nhận đăng ký doanh nghiệp đối với {}",
                "Đăng ký hoạt động chi nhánh, văn phòng đại diện của {}",
            ],
            COMPANY_TYPES,
        )
        + grid(
            [
                "Đăng ký thành lập {}",
                "Đăng ký thay đổi nội dung đăng ký {}",
                "Thông báo tạm ngừng kinh doanh của {}",
                "Chấm dứt hoạt động {}",
                "Cấp lại Giấy chứng nhận đăng ký {}",
            ],
            ["hộ kinh doanh", "hợp tác xã", "liên hiệp hợp tác xã"],
        )
        + each(
            [
                "Chuyển đổi công ty trách nhiệm hữu hạn một thành viên thành công ty cổ phần",
                "Chuyển đổi công ty cổ phần thành công ty trách nhiệm hữu hạn một thành viên",
                "Chuyển đổi doanh nghiệp tư nhân thành công ty trách nhiệm hữu hạn",
                "Hiệu đính thông tin đăng ký doanh nghiệp",
                "Cập nhật bổ sung thông tin đăng ký doanh nghiệp",
            ]
        ),
        (
            "Điều lệ công ty",
            "Danh sách thành viên, cổ đông sáng lập",
            "Bản sao giấy tờ pháp lý của cá nhân là người đại diện theo pháp luật",
            "Nghị quyết, quyết định của chủ sở hữu hoặc hội đồng thành viên",
        ),
        "Luật Doanh nghiệp số 59/2020/QH14; Luật Hợp tác xã số 17/2023/QH15",
        "Giấy chứng nhận đăng ký doanh nghiệp",
    ),
    FieldDef(
        "dau-tu",
        "Đầu tư tại Việt Nam",
        ("tai-chinh", "kkt"),
        (10, 30),
        0.0,
        each(
            [
                "Chấp thuận chủ trương đầu tư của Ủy ban nhân dân cấp tỉnh",
                "Điều chỉnh dự án đầu tư thuộc diện chấp thuận chủ trương đầu tư",
                "Cấp Giấy chứng nhận đăng ký đầu tư đối với dự án không thuộc diện chấp thuận "
                "chủ trương đầu tư",
                "Điều chỉnh Giấy chứng nhận đăng ký đầu tư",
                "Cấp lại Giấy chứng nhận đăng ký đầu tư",
                "Hiệu đính thông tin trên Giấy chứng nhận đăng ký đầu tư",
                "Chuyển nhượng dự án đầu tư",
                "Giãn tiến độ đầu tư",
                "Ngừng hoạt động của dự án đầu tư",
                "Chấm dứt hoạt động của dự án đầu tư",
                "Thành lập văn phòng điều hành của nhà đầu tư nước ngoài trong hợp đồng BCC",
                "Góp vốn, mua cổ phần, mua phần vốn góp của nhà đầu tư nước ngoài",
                "Đổi Giấy chứng nhận đăng ký đầu tư cho dự án hoạt động theo Giấy phép đầu tư",
                "Cung cấp thông tin về dự án đầu tư",
            ]
        ),
        grid(
            ["{} trong khu công nghiệp, khu kinh tế"],
            [
                "Cấp Giấy chứng nhận đăng ký đầu tư đối với dự án",
                "Điều chỉnh Giấy chứng nhận đăng ký đầu tư đối với dự án",
                "Chấp thuận chủ trương đầu tư đối với dự án",
                "Chuyển nhượng dự án đầu tư",
                "Chấm dứt hoạt động của dự án đầu tư",
            ],
        ),
        (
            "Văn bản đề nghị thực hiện dự án đầu tư",
            "Đề xuất dự án đầu tư",
            "Tài liệu chứng minh năng lực tài chính của nhà đầu tư",
            "Tài liệu về quyền sử dụng địa điểm thực hiện dự án",
        ),
        "Luật Đầu tư số 61/2020/QH14; Nghị định số 31/2021/NĐ-CP của Chính phủ quy định chi "
        "tiết và hướng dẫn thi hành một số điều của Luật Đầu tư",
        "Giấy chứng nhận đăng ký đầu tư",
    ),
    FieldDef(
        "giao-duc",
        "Giáo dục và Đào tạo",
        ("giao-duc",),
        (5, 20),
        0.1,
        grid(
            ["Thành lập {}", "Cho phép {} hoạt động giáo dục", "Sáp nhập, chia, tách {}"],
            ["trường mầm non", "trường tiểu học", "trường trung học cơ sở", "nhóm trẻ độc lập"],
            C,
        )
        + each(
            [
                "Chuyển trường đối với học sinh tiểu học",
                "Chuyển trường đối với học sinh trung học cơ sở",
            ],
            C,
        ),
        grid(
            [
                "Thành lập {}",
                "Cho phép {} hoạt động giáo dục",
                "Sáp nhập, chia, tách {}",
                "Giải thể {}",
            ],
            [
                "trường trung học phổ thông",
                "trung tâm ngoại ngữ, tin học",
                "trường phổ thông dân tộc nội trú",
                "trung tâm giáo dục thường xuyên",
                "trường trung học phổ thông tư thục",
            ],
        )
        + each(
            [
                "Chuyển trường đối với học sinh trung học phổ thông",
                "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
                "Chỉnh sửa nội dung văn bằng, chứng chỉ",
                "Công nhận văn bằng tốt nghiệp các cấp học phổ thông do cơ sở nước ngoài cấp",
                "Phúc khảo bài thi tốt nghiệp trung học phổ thông",
                "Xét, cấp học bổng chính sách",
                "Cấp phép dạy thêm, học thêm",
                "Đăng ký hoạt động giáo dục kỹ năng sống",
                "Công nhận trường đạt chuẩn quốc gia",
            ]
        ),
        (
            "Đề án thành lập",
            "Danh sách đội ngũ cán bộ quản lý, giáo viên",
            "Học bạ, bằng tốt nghiệp (bản sao)",
            "Giấy tờ chứng minh cơ sở vật chất",
        ),
        "Luật Giáo dục số 43/2019/QH14",
        "Quyết định của cơ quan có thẩm quyền",
    ),
    FieldDef(
        "y-te",
        "Y tế",
        ("y-te",),
        (5, 30),
        0.7,
        (),
        grid(
            ["Cấp {}", "Cấp lại {}", "Điều chỉnh {}"],
            [
                "giấy phép hành nghề đối với bác sỹ",
                "giấy phép hành nghề đối với y sỹ",
                "giấy phép hành nghề đối với điều dưỡng",
                "giấy phép hành nghề đối với hộ sinh",
                "giấy phép hành nghề đối với kỹ thuật y",
                "giấy phép hành nghề đối với lương y",
                "giấy phép hoạt động đối với phòng khám đa khoa",
                "giấy phép hoạt động đối với phòng khám chuyên khoa",
                "giấy phép hoạt động đối với phòng khám y học cổ truyền",
                "giấy phép hoạt động đối với cơ sở dịch vụ cấp cứu, hỗ trợ vận chuyển người bệnh",
                "giấy phép hoạt động đối với trạm y tế",
                "chứng chỉ hành nghề dược",
                "giấy chứng nhận đủ điều kiện kinh doanh dược đối với nhà thuốc",
                "giấy chứng nhận đủ điều kiện kinh doanh dược đối với quầy thuốc",
                "giấy chứng nhận đủ điều kiện kinh doanh dược đối với tủ thuốc trạm y tế xã",
                "giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
            ],
        )
        + each(
            [
                "Công bố cơ sở đủ điều kiện sản xuất trang thiết bị y tế",
                "Công bố đủ điều kiện mua bán trang thiết bị y tế thuộc loại B, C, D",
                "Công bố cơ sở đủ điều kiện thực hiện tiêm chủng",
                "Cấp giấy xác nhận nội dung quảng cáo thực phẩm",
                "Cấp giấy xác nhận nội dung quảng cáo mỹ phẩm",
                "Tiếp nhận bản công bố sản phẩm mỹ phẩm",
                "Khám giám định y khoa lần đầu",
                "Khám giám định phúc quyết",
                "Cấp giấy chứng nhận sức khỏe cho người lái xe",
                "Đăng ký tổ chức hoạt động khám bệnh, chữa bệnh nhân đạo",
            ]
        ),
        (
            "Văn bằng chuyên môn (bản sao có chứng thực)",
            "Giấy xác nhận quá trình thực hành",
            "Danh sách nhân sự và trang thiết bị",
            "Giấy khám sức khỏe",
            "Bản kê khai cơ sở vật chất",
        ),
        "Luật Khám bệnh, chữa bệnh số 15/2023/QH15; Luật Dược số 105/2016/QH13",
        "Giấy phép hoạt động, giấy phép hành nghề",
    ),
    FieldDef(
        "lao-dong",
        "Lao động, việc làm",
        ("noi-vu",),
        (3, 15),
        0.3,
        (),
        grid(
            ["Cấp {}", "Cấp lại {}", "Gia hạn {}"],
            [
                "giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
                "giấy phép hoạt động dịch vụ việc làm của doanh nghiệp",
                "giấy phép hoạt động cho thuê lại lao động",
            ],
        )
        + each(
            [
                "Xác nhận người lao động nước ngoài không thuộc diện cấp giấy phép lao động",
                "Đăng ký nội quy lao động của doanh nghiệp",
                "Gửi thỏa ước lao động tập thể",
                "Giải quyết hưởng trợ cấp thất nghiệp",
                "Tạm dừng hưởng trợ cấp thất nghiệp",
                "Chấm dứt hưởng trợ cấp thất nghiệp",
                "Hỗ trợ học nghề cho người lao động đang hưởng trợ cấp thất nghiệp",
                "Thông báo về việc tìm kiếm việc làm hằng tháng",
                "Đăng ký hợp đồng nhận lao động thực tập",
                "Cấp giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp",
                "Thành lập trung tâm giáo dục nghề nghiệp công lập",
                "Cho phép thành lập trường trung cấp tư thục",
                "Báo cáo giải trình nhu cầu sử dụng người lao động nước ngoài",
            ]
        ),
        (
            "Giấy chứng nhận sức khỏe",
            "Văn bằng, chứng chỉ chuyên môn (bản sao)",
            "Hộ chiếu (bản sao có chứng thực)",
            "Quyết định chấm dứt hợp đồng lao động",
        ),
        "Bộ luật Lao động số 45/2019/QH14; Luật Việc làm số 38/2013/QH13",
        "Giấy phép, quyết định",
    ),
    FieldDef(
        "bao-tro-xa-hoi",
        "Bảo trợ xã hội",
        ("y-te",),
        (5, 20),
        0.0,
        each(
            [
                "Trợ giúp xã hội thường xuyên tại cộng đồng",
                "Điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng",
                "Chi trả trợ cấp xã hội hằng tháng khi đối tượng thay đổi nơi cư trú",
                "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội",
                "Trợ giúp xã hội khẩn cấp về hỗ trợ làm nhà ở, sửa chữa nhà ở",
                "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật",
                "Đổi, cấp lại Giấy xác nhận khuyết tật",
                "Đăng ký hoạt động đối với cơ sở trợ giúp xã hội dưới 10 đối tượng",
                "Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm",
                "Công nhận hộ thoát nghèo, hộ thoát cận nghèo trong năm",
                "Áp dụng các biện pháp can thiệp khẩn cấp hoặc tạm thời cách ly trẻ em",
                "Đăng ký nhận chăm sóc thay thế cho trẻ em",
            ],
            C,
        ),
        each(
            [
                "Tiếp nhận đối tượng bảo trợ xã hội có hoàn cảnh đặc biệt khó khăn vào cơ sở "
                "trợ giúp xã hội cấp tỉnh",
                "Dừng trợ giúp xã hội tại cơ sở trợ giúp xã hội cấp tỉnh",
                "Cấp giấy phép hoạt động đối với cơ sở trợ giúp xã hội",
                "Cấp lại, điều chỉnh giấy phép hoạt động đối với cơ sở trợ giúp xã hội",
                "Thành lập cơ sở trợ giúp xã hội công lập",
                "Giải thể cơ sở trợ giúp xã hội ngoài công lập",
                "Đăng ký thành lập cơ sở trợ giúp xã hội ngoài công lập",
                "Tiếp nhận người nghiện ma túy vào cơ sở cai nghiện tự nguyện",
            ]
        ),
        (
            "Tờ khai thông tin của người khuyết tật",
            "Giấy xác nhận khuyết tật (bản sao)",
            "Giấy tờ chứng minh hoàn cảnh khó khăn",
        ),
        "Nghị định số 20/2021/NĐ-CP của Chính phủ quy định chính sách trợ giúp xã hội đối với "
        "đối tượng bảo trợ xã hội; Luật Người khuyết tật số 51/2010/QH12",
        "Quyết định trợ cấp",
    ),
    FieldDef(
        "nguoi-co-cong",
        "Người có công",
        ("noi-vu",),
        (5, 25),
        0.0,
        each(
            [
                "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ",
                "Giải quyết chế độ mai táng phí đối với người có công với cách mạng",
                "Cấp giấy giới thiệu đi thăm viếng mộ liệt sĩ và hỗ trợ thăm viếng mộ liệt sĩ",
                "Hỗ trợ người có công đi làm phương tiện, dụng cụ trợ giúp chỉnh hình",
            ],
            C,
        ),
        grid(
            ["Công nhận và giải quyết chế độ ưu đãi {}", "Giải quyết chế độ trợ cấp một lần {}"],
            [
                "đối với thương binh",
                "đối với bệnh binh",
                "đối với người hoạt động kháng chiến bị nhiễm chất độc hóa học",
                "đối với người hoạt động cách mạng, kháng chiến bị địch bắt tù, đày",
                "đối với thân nhân liệt sĩ",
                "đối với người có công giúp đỡ cách mạng",
            ],
        )
        + each(
            [
                "Cấp bổ sung hoặc cấp lại giấy chứng nhận người có công",
                "Di chuyển hồ sơ người có công với cách mạng",
                "Sửa đổi, bổ sung thông tin cá nhân trong hồ sơ người có công",
                "Di chuyển hài cốt liệt sĩ đang an táng ngoài nghĩa trang liệt sĩ",
                "Giám định lại thương tật do vết thương cũ tái phát",
            ]
        ),
        (
            "Bản khai cá nhân (theo mẫu)",
            "Giấy chứng nhận người có công (bản sao)",
            "Biên bản giám định y khoa",
        ),
        "Pháp lệnh Ưu đãi người có công với cách mạng số 02/2020/UBTVQH14; Nghị định số "
        "131/2021/NĐ-CP của Chính phủ",
        "Quyết định giải quyết chế độ",
    ),
    FieldDef(
        "van-hoa",
        "Văn hóa",
        ("van-hoa",),
        (3, 15),
        0.4,
        each(
            [
                "Xét tặng danh hiệu Gia đình văn hóa hằng năm",
                "Xét tặng danh hiệu Thôn, Tổ dân phố văn hóa",
                "Thông báo tổ chức lễ hội cấp xã",
                "Đăng ký tổ chức lễ hội cấp xã",
                "Công nhận câu lạc bộ thể thao cơ sở",
            ],
            C,
        ),
        each(
            [
                "Cấp giấy phép tổ chức biểu diễn nghệ thuật, trình diễn thời trang",
                "Tiếp nhận thông báo tổ chức biểu diễn nghệ thuật",
                "Cấp giấy phép kinh doanh dịch vụ karaoke",
                "Cấp giấy phép kinh doanh dịch vụ vũ trường",
                "Điều chỉnh giấy phép kinh doanh dịch vụ karaoke",
                "Cấp giấy phép tổ chức triển lãm mỹ thuật",
                "Cấp giấy phép sao chép tác phẩm mỹ thuật về danh nhân văn hóa, anh hùng dân tộc",
                "Cấp giấy phép xây dựng tượng đài, tranh hoành tráng",
                "Cấp giấy phép triển lãm tác phẩm nhiếp ảnh tại Việt Nam",
                "Đăng ký di vật, cổ vật, bảo vật quốc gia",
                "Cấp chứng chỉ hành nghề tu bổ di tích",
                "Thẩm định dự án bảo quản, tu bổ, phục hồi di tích cấp tỉnh",
                "Xếp hạng di tích cấp tỉnh",
                "Công nhận bảo tàng ngoài công lập",
                "Cấp giấy phép hoạt động in",
                "Cấp giấy phép xuất bản tài liệu không kinh doanh",
                "Cấp giấy phép nhập khẩu xuất bản phẩm không kinh doanh",
                "Đăng ký hoạt động thư viện tư nhân có phục vụ cộng đồng",
                "Cấp giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao",
                "Cấp giấy phép xuất bản bản tin",
                "Cấp giấy phép thiết lập trang thông tin điện tử tổng hợp",
                "Tiếp nhận hồ sơ thông báo sản phẩm quảng cáo trên bảng quảng cáo, băng-rôn",
            ]
        ),
        (
            "Kịch bản, danh mục tác phẩm",
            "Danh sách người biểu diễn",
            "Văn bản đồng ý của chủ sở hữu địa điểm",
        ),
        "Luật Di sản văn hóa số 45/2024/QH15; Nghị định số 144/2020/NĐ-CP của Chính phủ quy định "
        "về hoạt động nghệ thuật biểu diễn",
        "Giấy phép, văn bản chấp thuận",
    ),
    FieldDef(
        "du-lich",
        "Du lịch",
        ("van-hoa",),
        (5, 15),
        0.8,
        (),
        grid(
            ["Cấp {}", "Cấp lại {}", "Cấp đổi {}"],
            [
                "giấy phép kinh doanh dịch vụ lữ hành nội địa",
                "thẻ hướng dẫn viên du lịch nội địa",
                "thẻ hướng dẫn viên du lịch quốc tế",
                "thẻ hướng dẫn viên du lịch tại điểm",
            ],
        )
        + grid(
            ["Công nhận {}", "Công nhận lại {}"],
            [
                "hạng cơ sở lưu trú du lịch: hạng 1 sao, 2 sao, 3 sao",
                "cơ sở kinh doanh dịch vụ ăn uống đạt tiêu chuẩn phục vụ khách du lịch",
                "cơ sở kinh doanh dịch vụ mua sắm đạt tiêu chuẩn phục vụ khách du lịch",
                "điểm du lịch",
                "khu du lịch cấp tỉnh",
            ],
        )
        + each(
            [
                "Thu hồi giấy phép kinh doanh dịch vụ lữ hành nội địa",
                "Thông báo thay đổi người phụ trách kinh doanh dịch vụ lữ hành",
                "Cấp giấy chứng nhận khóa cập nhật kiến thức cho hướng dẫn viên du lịch",
            ]
        ),
        (
            "Bản sao văn bằng chuyên ngành du lịch",
            "Giấy chứng nhận ký quỹ kinh doanh dịch vụ lữ hành",
        ),
        "Luật Du lịch số 09/2017/QH14; Nghị định số 168/2017/NĐ-CP của Chính phủ",
        "Giấy phép, thẻ hướng dẫn viên, quyết định công nhận",
    ),
    FieldDef(
        "giao-thong",
        "Đường bộ",
        ("xay-dung",),
        (1, 20),
        0.7,
        (),
        grid(
            ["Cấp {}", "Cấp lại {}", "Đổi {}"],
            [
                "giấy phép lái xe",
                "giấy phép lái xe quốc tế",
                "giấy chứng nhận giáo viên dạy thực hành lái xe",
                "giấy phép xe tập lái",
                "giấy phép kinh doanh vận tải bằng xe ô tô",
                "phù hiệu xe ô tô kinh doanh vận tải",
                "giấy phép vận tải qua biên giới",
                "giấy phép lưu hành xe quá tải trọng, xe quá khổ giới hạn",
                "giấy phép thi công công trình trên đường bộ đang khai thác",
                "giấy phép đào tạo lái xe ô tô",
            ],
        )
        + each(
            [
                "Đăng ký khai thác tuyến vận tải hành khách cố định",
                "Công bố đưa bến xe khách vào khai thác",
                "Chấp thuận xây dựng công trình thiết yếu trong phạm vi bảo vệ kết cấu hạ tầng "
                "giao thông đường bộ",
                "Chấp thuận thiết kế kỹ thuật và phương án tổ chức giao thông của nút giao",
                "Đăng ký phương tiện thủy nội địa lần đầu",
                "Xóa giấy chứng nhận đăng ký phương tiện thủy nội địa",
                "Công bố hạn chế giao thông đường thủy nội địa",
                "Sát hạch cấp chứng chỉ chuyên môn thuyền trưởng, máy trưởng",
            ]
        ),
        ("Giấy khám sức khỏe của người lái xe", "Bản sao giấy phép lái xe", "Giấy đăng ký xe"),
        "Luật Trật tự, an toàn giao thông đường bộ số 36/2024/QH15; Luật Đường bộ số 35/2024/QH15",
        "Giấy phép, giấy chứng nhận",
    ),
    FieldDef(
        "tai-nguyen-nuoc",
        "Tài nguyên nước",
        ("nong-nghiep",),
        (10, 30),
        0.7,
        (),
        grid(
            ["Cấp {}", "Gia hạn, điều chỉnh {}", "Cấp lại {}"],
            [
                "giấy phép thăm dò nước dưới đất đối với công trình có lưu lượng dưới "
                "3.000 m³/ngày đêm",
                "giấy phép khai thác nước dưới đất",
                "giấy phép khai thác, sử dụng nước mặt",
                "giấy phép khai thác, sử dụng nước biển",
                "giấy phép hành nghề khoan nước dưới đất quy mô vừa và nhỏ",
            ],
        )
        + each(
            [
                "Đăng ký khai thác nước dưới đất",
                "Đăng ký khai thác, sử dụng nước mặt, nước biển",
                "Lấy ý kiến cộng đồng dân cư về dự án có chuyển nước",
                "Tính tiền cấp quyền khai thác tài nguyên nước",
                "Điều chỉnh tiền cấp quyền khai thác tài nguyên nước",
                "Trả lại giấy phép tài nguyên nước",
            ]
        ),
        (
            "Sơ đồ khu vực và vị trí công trình khai thác nước",
            "Báo cáo kết quả thăm dò, đánh giá trữ lượng nước",
            "Kết quả phân tích chất lượng nguồn nước",
        ),
        "Luật Tài nguyên nước số 28/2023/QH15; Nghị định số 54/2024/NĐ-CP của Chính phủ",
        "Giấy phép tài nguyên nước",
    ),
    FieldDef(
        "moi-truong",
        "Môi trường",
        ("nong-nghiep", "kkt"),
        (10, 30),
        0.5,
        each(["Đăng ký môi trường"], C),
        each(
            [
                "Thẩm định báo cáo đánh giá tác động môi trường",
                "Cấp giấy phép môi trường",
                "Cấp đổi giấy phép môi trường",
                "Điều chỉnh giấy phép môi trường",
                "Cấp lại giấy phép môi trường",
                "Vận hành thử nghiệm công trình xử lý chất thải",
                "Chấp thuận tách đấu nối khỏi hệ thống thu gom, xử lý nước thải tập trung",
                "Thẩm định phương án cải tạo, phục hồi môi trường trong hoạt động khai thác "
                "khoáng sản",
                "Công nhận cơ sở đạt tiêu chuẩn thân thiện môi trường",
                "Cấp giấy chứng nhận đủ điều kiện hoạt động dịch vụ quan trắc môi trường",
                "Thẩm định báo cáo đánh giá tác động môi trường điều chỉnh",
                "Đăng ký chủ nguồn thải chất thải nguy hại",
            ]
        ),
        (
            "Báo cáo đánh giá tác động môi trường",
            "Báo cáo đề xuất cấp giấy phép môi trường",
            "Kế hoạch quản lý môi trường",
        ),
        "Luật Bảo vệ môi trường số 72/2020/QH14; Nghị định số 08/2022/NĐ-CP của Chính phủ",
        "Quyết định phê duyệt, giấy phép môi trường",
    ),
    FieldDef(
        "cong-thuong",
        "Công Thương",
        ("cong-thuong",),
        (3, 20),
        0.6,
        each(["Cấp giấy chứng nhận đủ điều kiện kinh doanh xăng dầu tại cửa hàng"]),
        grid(
            ["Cấp {}", "Cấp sửa đổi, bổ sung {}", "Cấp lại {}"],
            [
                "giấy phép bán lẻ sản phẩm thuốc lá",
                "giấy phép bán buôn sản phẩm rượu",
                "giấy phép bán lẻ sản phẩm rượu",
                "giấy phép sản xuất rượu thủ công nhằm mục đích kinh doanh",
                "giấy chứng nhận đủ điều kiện làm tổng đại lý kinh doanh xăng dầu",
                "giấy chứng nhận đủ điều kiện làm đại lý bán lẻ xăng dầu",
                "giấy chứng nhận đủ điều kiện thương nhân kinh doanh mua bán LPG",
                "giấy chứng nhận đủ điều kiện cửa hàng bán LPG chai",
                "giấy phép hoạt động điện lực",
                "giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm thuộc ngành Công Thương",
                "giấy phép kinh doanh cho tổ chức kinh tế có vốn đầu tư nước ngoài",
                "giấy phép lập cơ sở bán lẻ",
                "giấy phép thành lập văn phòng đại diện của thương nhân nước ngoài",
                "giấy chứng nhận đủ điều kiện sản xuất hóa chất",
            ],
        )
        + each(
            [
                "Đăng ký tổ chức hội chợ, triển lãm thương mại tại Việt Nam",
                "Đăng ký thực hiện khuyến mại theo hình thức mang tính may rủi",
                "Thông báo thực hiện khuyến mại",
                "Đăng ký hoạt động bán hàng đa cấp tại địa phương",
                "Thông báo tổ chức hội nghị, hội thảo, đào tạo về bán hàng đa cấp",
                "Cấp giấy xác nhận ưu đãi dự án sản xuất sản phẩm công nghiệp hỗ trợ",
                "Thẩm định thiết kế xây dựng công trình công nghiệp",
                "Cấp giấy chứng nhận huấn luyện kỹ thuật an toàn vật liệu nổ công nghiệp",
                "Xác nhận biện pháp phòng ngừa, ứng phó sự cố hóa chất",
                "Cấp giấy chứng nhận xuất xứ hàng hóa",
            ]
        ),
        (
            "Bản kê địa điểm, kho bãi, phương tiện",
            "Hợp đồng mua bán với nhà cung cấp",
            "Giấy chứng nhận đủ điều kiện phòng cháy và chữa cháy",
        ),
        "Luật Thương mại số 36/2005/QH11; Luật An toàn thực phẩm số 55/2010/QH12",
        "Giấy phép, giấy chứng nhận",
    ),
    FieldDef(
        "nong-nghiep",
        "Nông nghiệp",
        ("nong-nghiep",),
        (3, 20),
        0.5,
        each(
            [
                "Hỗ trợ khôi phục sản xuất vùng bị thiệt hại do thiên tai",
                "Hỗ trợ khôi phục sản xuất vùng bị thiệt hại do dịch bệnh động vật",
                "Xác nhận hợp đồng tiếp cận nguồn gen để nghiên cứu",
                "Kê khai hoạt động chăn nuôi",
                "Phê duyệt kế hoạch khuyến nông địa phương",
            ],
            C,
        ),
        grid(
            ["Cấp {}", "Cấp lại {}"],
            [
                "giấy chứng nhận đủ điều kiện sản xuất, buôn bán phân bón",
                "giấy chứng nhận đủ điều kiện buôn bán thuốc bảo vệ thực vật",
                "giấy chứng nhận đủ điều kiện chăn nuôi đối với chăn nuôi trang trại quy mô lớn",
                "giấy chứng nhận đủ điều kiện sản xuất thức ăn chăn nuôi",
                "giấy chứng nhận đủ điều kiện buôn bán thuốc thú y",
                "chứng chỉ hành nghề thú y",
                "giấy chứng nhận cơ sở an toàn dịch bệnh động vật",
                "giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm nông, lâm, thủy sản",
                "giấy phép khai thác thủy sản",
                "giấy chứng nhận cơ sở đủ điều kiện nuôi trồng thủy sản",
                "giấy chứng nhận đăng ký tàu cá",
                "giấy chứng nhận an toàn kỹ thuật tàu cá",
            ],
        )
        + each(
            [
                "Công nhận cây đầu dòng, vườn cây đầu dòng",
                "Công nhận tiến bộ kỹ thuật trong nông nghiệp",
                "Phê duyệt phương án khai thác thực vật rừng thông thường",
                "Phê duyệt phương án quản lý rừng bền vững của chủ rừng là tổ chức",
                "Chuyển loại rừng đối với khu rừng do Ủy ban nhân dân cấp tỉnh quyết định",
                "Miễn, giảm tiền dịch vụ môi trường rừng",
                "Xác nhận nguồn gốc loài thủy sản thuộc Phụ lục Công ước CITES",
                "Cấp phép hoạt động trong phạm vi bảo vệ công trình thủy lợi",
                "Phê duyệt phương án ứng phó thiên tai cho công trình vùng hạ du đập thủy điện",
                "Kiểm dịch động vật, sản phẩm động vật vận chuyển ra khỏi địa bàn cấp tỉnh",
                "Cấp giấy chứng nhận chất lượng giống cây trồng",
                "Công nhận làng nghề, làng nghề truyền thống",
                "Công nhận sản phẩm OCOP cấp tỉnh",
            ]
        ),
        (
            "Bản thuyết minh điều kiện sản xuất, kinh doanh",
            "Văn bằng chuyên môn của người phụ trách kỹ thuật",
            "Sơ đồ khu vực sản xuất",
            "Kết quả kiểm nghiệm sản phẩm",
        ),
        "Luật Trồng trọt số 31/2018/QH14; Luật Chăn nuôi số 32/2018/QH14; Luật Thú y số "
        "79/2015/QH13; Luật Lâm nghiệp số 16/2017/QH14; Luật Thủy sản số 18/2017/QH14",
        "Giấy chứng nhận, quyết định",
    ),
    FieldDef(
        "tu-phap",
        "Tư pháp",
        ("tu-phap",),
        (3, 20),
        0.7,
        each(
            [
                "Công nhận hòa giải viên",
                "Thôi làm hòa giải viên",
                "Thanh toán thù lao cho hòa giải viên",
                "Công nhận tuyên truyền viên pháp luật",
            ],
            C,
        ),
        each(
            [
                "Cấp phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú "
                "tại Việt Nam",
                "Cấp phiếu lý lịch tư pháp cho cơ quan tiến hành tố tụng",
                "Cấp phiếu lý lịch tư pháp cho cơ quan nhà nước, tổ chức chính trị, tổ chức "
                "chính trị - xã hội",
                "Đăng ký hành nghề và cấp Thẻ công chứng viên",
                "Thành lập văn phòng công chứng",
                "Đăng ký hoạt động văn phòng công chứng",
                "Chuyển đổi văn phòng công chứng do một công chứng viên thành lập",
                "Hợp nhất, sáp nhập văn phòng công chứng",
                "Đăng ký hoạt động của tổ chức hành nghề luật sư",
                "Thay đổi nội dung đăng ký hoạt động của tổ chức hành nghề luật sư",
                "Đăng ký hoạt động của chi nhánh của tổ chức hành nghề luật sư",
                "Đăng ký hành nghề luật sư với tư cách cá nhân",
                "Cấp chứng chỉ hành nghề quản tài viên",
                "Đăng ký hoạt động của doanh nghiệp đấu giá tài sản",
                "Cấp Thẻ đấu giá viên",
                "Đăng ký hoạt động của Trung tâm trọng tài",
                "Đăng ký hoạt động của Trung tâm hòa giải thương mại",
                "Bổ nhiệm giám định viên tư pháp",
                "Miễn nhiệm giám định viên tư pháp",
                "Cấp giấy đăng ký hoạt động của Văn phòng giám định tư pháp",
                "Giải quyết yêu cầu bồi thường tại cơ quan trực tiếp quản lý người thi hành "
                "công vụ gây thiệt hại",
                "Đăng ký tham gia trợ giúp pháp lý",
                "Yêu cầu trợ giúp pháp lý",
                "Cấp Giấy xác nhận có quốc tịch Việt Nam",
                "Cấp Giấy xác nhận là người gốc Việt Nam",
                "Nhập quốc tịch Việt Nam",
                "Thôi quốc tịch Việt Nam",
                "Trở lại quốc tịch Việt Nam",
                "Giải quyết việc nuôi con nuôi có yếu tố nước ngoài",
                "Đăng ký việc nuôi con nuôi trong nước",
            ]
        ),
        (
            "Tờ khai yêu cầu cấp phiếu lý lịch tư pháp",
            "Giấy tờ chứng minh nơi cư trú",
            "Giấy chứng nhận tốt nghiệp đào tạo nghề",
            "Phiếu lý lịch tư pháp",
        ),
        "Luật Lý lịch tư pháp số 28/2009/QH12; Luật Công chứng số 46/2024/QH15; Luật Luật sư "
        "số 65/2006/QH11",
        "Phiếu lý lịch tư pháp, giấy đăng ký hoạt động, quyết định",
    ),
    FieldDef(
        "noi-vu",
        "Tổ chức hành chính, công vụ",
        ("noi-vu",),
        (5, 30),
        0.0,
        each(["Thành lập tổ hợp tác", "Thông báo thay đổi tổ hợp tác"], C),
        each(
            [
                "Thành lập hội",
                "Phê duyệt điều lệ hội",
                "Chia, tách; sáp nhập; hợp nhất hội",
                "Đổi tên hội",
                "Hội tự giải thể",
                "Báo cáo tổ chức đại hội nhiệm kỳ, đại hội bất thường của hội",
                "Cấp giấy phép thành lập và công nhận điều lệ quỹ",
                "Công nhận quỹ đủ điều kiện hoạt động và công nhận thành viên hội đồng quản lý quỹ",
                "Thay đổi giấy phép thành lập và công nhận điều lệ quỹ",
                "Thi tuyển công chức",
                "Xét tuyển viên chức",
                "Thăng hạng chức danh nghề nghiệp viên chức",
                "Tiếp nhận vào làm công chức",
                "Thẩm định việc thành lập đơn vị sự nghiệp công lập",
                "Cấp bản sao và chứng thực lưu trữ",
                "Phục vụ việc sử dụng tài liệu của độc giả tại phòng đọc",
            ]
        ),
        ("Đơn đề nghị thành lập", "Dự thảo điều lệ", "Danh sách những người trong ban vận động"),
        "Nghị định số 126/2024/NĐ-CP của Chính phủ quy định về tổ chức, hoạt động và quản lý "
        "hội; Luật Viên chức số 58/2010/QH12",
        "Quyết định của cơ quan có thẩm quyền",
    ),
    FieldDef(
        "thi-dua-khen-thuong",
        "Thi đua, khen thưởng",
        ("noi-vu",),
        (5, 20),
        0.0,
        grid(
            ["Tặng {}"],
            [
                "Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã về thành tích thực hiện nhiệm "
                "vụ chính trị",
                "Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã về thành tích thi đua theo đợt "
                "hoặc chuyên đề",
                "Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã về thành tích đột xuất",
                "Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã cho gia đình",
                "danh hiệu Lao động tiên tiến",
            ],
            C,
        ),
        grid(
            ["Tặng {}"],
            [
                "Bằng khen của Chủ tịch Ủy ban nhân dân cấp tỉnh về thành tích thực hiện nhiệm "
                "vụ chính trị",
                "Bằng khen của Chủ tịch Ủy ban nhân dân cấp tỉnh về thành tích thi đua theo đợt "
                "hoặc chuyên đề",
                "Bằng khen của Chủ tịch Ủy ban nhân dân cấp tỉnh về thành tích đột xuất",
                "Bằng khen của Chủ tịch Ủy ban nhân dân cấp tỉnh cho gia đình",
                "Bằng khen của Chủ tịch Ủy ban nhân dân cấp tỉnh về thành tích đối ngoại",
                "danh hiệu Chiến sĩ thi đua cấp tỉnh",
                "danh hiệu Tập thể lao động xuất sắc",
                "Cờ thi đua của Ủy ban nhân dân cấp tỉnh",
                "danh hiệu Thôn, tổ dân phố tiêu biểu",
            ],
        ),
        ("Báo cáo thành tích", "Biên bản họp xét khen thưởng", "Tờ trình đề nghị khen thưởng"),
        "Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định số 98/2023/NĐ-CP của Chính phủ",
        "Quyết định khen thưởng",
    ),
    FieldDef(
        "khoa-hoc-cong-nghe",
        "Khoa học, công nghệ và chuyển đổi số",
        ("khcn",),
        (5, 20),
        0.4,
        (),
        grid(
            ["Cấp {}", "Cấp lại {}", "Sửa đổi, bổ sung {}"],
            [
                "giấy chứng nhận đăng ký hoạt động khoa học và công nghệ",
                "giấy phép tiến hành công việc bức xạ sử dụng thiết bị X-quang chẩn đoán trong "
                "y tế",
                "chứng chỉ nhân viên bức xạ",
                "giấy chứng nhận đăng ký hoạt động của văn phòng đại diện, chi nhánh của tổ "
                "chức khoa học và công nghệ",
                "giấy phép bưu chính",
                "giấy phép lắp đặt cáp viễn thông",
                "giấy chứng nhận doanh nghiệp khoa học và công nghệ",
            ],
        )
        + each(
            [
                "Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ không sử dụng ngân sách "
                "nhà nước",
                "Đăng ký chuyển giao công nghệ",
                "Công bố hợp chuẩn dựa trên kết quả tự đánh giá",
                "Công bố hợp quy dựa trên kết quả chứng nhận",
                "Kiểm tra nhà nước về chất lượng hàng hóa nhập khẩu",
                "Xét tặng Giải thưởng sáng tạo khoa học và công nghệ cấp tỉnh",
                "Văn bản xác nhận thông báo hoạt động bưu chính",
                "Đăng ký sử dụng dịch vụ chứng thực chữ ký số chuyên dùng công vụ",
            ]
        ),
        ("Thuyết minh nhiệm vụ khoa học và công nghệ", "Hồ sơ kỹ thuật của thiết bị"),
        "Luật Khoa học, công nghệ và đổi mới sáng tạo năm 2025; Luật Viễn thông số "
        "24/2023/QH15; Luật Bưu chính số 49/2010/QH12",
        "Giấy chứng nhận, giấy phép",
    ),
    FieldDef(
        "ton-giao",
        "Tôn giáo, tín ngưỡng",
        ("dan-toc",),
        (5, 30),
        0.0,
        each(
            [
                "Đăng ký hoạt động tín ngưỡng",
                "Đăng ký bổ sung hoạt động tín ngưỡng",
                "Đăng ký sinh hoạt tôn giáo tập trung",
                "Thông báo danh mục hoạt động tôn giáo đối với tổ chức có địa bàn hoạt động "
                "tôn giáo ở một xã",
                "Đề nghị thay đổi địa điểm sinh hoạt tôn giáo tập trung trong địa bàn một xã",
                "Thông báo tổ chức quyên góp trong địa bàn một xã",
            ],
            C,
        ),
        each(
            [
                "Đề nghị tổ chức cuộc lễ ngoài cơ sở tôn giáo trên địa bàn nhiều xã",
                "Đề nghị giảng đạo ngoài địa bàn phụ trách, cơ sở tôn giáo",
                "Đăng ký thuyên chuyển chức sắc, chức việc, nhà tu hành",
                "Thông báo người được bổ nhiệm, bầu cử, suy cử làm chức việc",
                "Đề nghị công nhận tổ chức tôn giáo có địa bàn hoạt động ở một tỉnh",
                "Đăng ký sửa đổi hiến chương của tổ chức tôn giáo",
                "Đề nghị cấp đăng ký pháp nhân phi thương mại cho tổ chức tôn giáo trực thuộc",
                "Đề nghị tổ chức đại hội của tổ chức tôn giáo",
                "Thông báo tổ chức quyên góp ngoài địa bàn một xã",
                "Công nhận người có uy tín trong đồng bào dân tộc thiểu số",
            ]
        ),
        ("Văn bản đăng ký (theo mẫu)", "Bản tóm tắt tiểu sử tôn giáo của người được đề nghị"),
        "Luật Tín ngưỡng, tôn giáo số 02/2016/QH14",
        "Văn bản chấp thuận",
    ),
    FieldDef(
        "tiep-cong-dan",
        "Tiếp công dân, khiếu nại, tố cáo",
        ("thanh-tra",),
        (10, 30),
        0.0,
        each(
            [
                "Giải quyết khiếu nại lần đầu tại cấp xã",
                "Giải quyết tố cáo tại cấp xã",
                "Tiếp công dân tại cấp xã",
                "Xử lý đơn tại cấp xã",
            ],
            C,
        ),
        each(
            [
                "Giải quyết khiếu nại lần đầu tại cấp tỉnh",
                "Giải quyết khiếu nại lần hai tại cấp tỉnh",
                "Giải quyết tố cáo tại cấp tỉnh",
                "Tiếp công dân tại cấp tỉnh",
                "Xử lý đơn tại cấp tỉnh",
                "Kê khai tài sản, thu nhập",
                "Xác minh tài sản, thu nhập",
            ]
        ),
        ("Đơn khiếu nại hoặc văn bản ghi lời khiếu nại", "Tài liệu, chứng cứ kèm theo (nếu có)"),
        "Luật Khiếu nại số 02/2011/QH13; Luật Tố cáo số 25/2018/QH14; Luật Tiếp công dân số "
        "42/2013/QH13",
        "Quyết định giải quyết, kết luận nội dung tố cáo",
    ),
    FieldDef(
        "tai-chinh",
        "Quản lý công sản, giá",
        ("tai-chinh",),
        (5, 30),
        0.0,
        (),
        each(
            [
                "Quyết định giao tài sản công cho đơn vị sự nghiệp công lập",
                "Quyết định điều chuyển tài sản công",
                "Quyết định bán tài sản công",
                "Quyết định thanh lý tài sản công",
                "Quyết định tiêu hủy tài sản công",
                "Quyết định xử lý tài sản công trong trường hợp bị mất, bị hủy hoại",
                "Quyết định sử dụng tài sản công để tham gia dự án đầu tư theo hình thức đối "
                "tác công tư",
                "Thẩm định phương án giá hàng hóa, dịch vụ do Nhà nước định giá",
                "Đăng ký giá của doanh nghiệp thuộc phạm vi cấp tỉnh",
                "Kê khai giá hàng hóa, dịch vụ",
                "Cấp mã số đơn vị có quan hệ với ngân sách",
                "Xác nhận số tiền đã nộp ngân sách nhà nước",
                "Quyết toán dự án hoàn thành sử dụng vốn đầu tư công",
            ]
        ),
        ("Tờ trình, văn bản đề nghị", "Danh mục tài sản đề nghị xử lý", "Biên bản kiểm kê"),
        "Luật Quản lý, sử dụng tài sản công số 15/2017/QH14; Luật Giá số 16/2023/QH15",
        "Quyết định của cơ quan có thẩm quyền",
    ),
)

GENERIC_DOCUMENTS = (
    ("Bản sao Căn cước công dân hoặc Thẻ căn cước của người đề nghị", "01 bản sao"),
    ("Văn bản ủy quyền (trường hợp nộp thay)", "01 bản chính"),
    ("Giấy tờ chứng minh thuộc đối tượng được miễn, giảm phí (nếu có)", "01 bản sao"),
)
COPIES = (
    "01 bản chính",
    "01 bản sao có chứng thực",
    "01 bản sao hoặc bản chụp kèm bản chính để đối chiếu",
    "02 bản chính",
    "01 bản chính hoặc bản sao điện tử",
)
FEES = (2000, 8000, 10000, 15000, 20000, 50000, 75000, 100000, 200000, 300000, 500000, 1000000)
KNOWN: dict[str, dict[str, object]] = {
    "Đăng ký khai sinh": {"code": "1.001193", "days": 1, "fee": 0, "online": "full"},
    "Đăng ký kết hôn": {"code": "1.000894", "days": 5, "fee": 0, "online": "full"},
    "Đăng ký khai tử": {"code": "1.000656", "days": 1, "fee": 0, "online": "full"},
    "Cấp phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam": {
        "code": "2.000488",
        "days": 10,
        "fee": 200000,
        "online": "full",
    },
    "Cấp giấy phép xây dựng nhà ở riêng lẻ": {
        "code": "1.009994",
        "days": 15,
        "fee": 75000,
        "online": "partial",
    },
    "Đăng ký thành lập hộ kinh doanh": {
        "code": "2.000575",
        "days": 3,
        "fee": 100000,
        "online": "full",
    },
}
# Form templates (downloadable): key → (file stem, title, lines).
TEMPLATES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "khai-sinh": (
        "to-khai-dang-ky-khai-sinh",
        "TỜ KHAI ĐĂNG KÝ KHAI SINH",
        (
            "Kính gửi: Ủy ban nhân dân xã/phường ……………………",
            "Họ, chữ đệm, tên người yêu cầu: ……………………………………",
            "Số định danh cá nhân: ……………………………………",
            "Quan hệ với người được khai sinh: ……………………",
            "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:",
            "Họ, chữ đệm, tên: ……………………… Giới tính: ………… Dân tộc: …………",
            "Ngày, tháng, năm sinh: ……/……/………… Nơi sinh: ……………………………",
            "Họ, chữ đệm, tên người mẹ: ……………………  Người cha: ……………………",
        ),
    ),
    "ly-lich-tu-phap": (
        "to-khai-yeu-cau-cap-phieu-ly-lich-tu-phap",
        "TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP",
        (
            "Kính gửi: Sở Tư pháp ……………………",
            "Họ và tên: ……………………………… Giới tính: …………",
            "Ngày, tháng, năm sinh: ……/……/………… Nơi sinh: ……………………",
            "Số định danh cá nhân: ……………………………………",
            "Nơi thường trú: ……………………………………………………",
            "Quá trình cư trú của bản thân (từ đủ 14 tuổi): ……………………",
            "Yêu cầu cấp Phiếu lý lịch tư pháp: Số 1 □   Số 2 □   Số lượng: ……",
        ),
    ),
    "xay-dung": (
        "don-de-nghi-cap-giay-phep-xay-dung",
        "ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG",
        (
            "Kính gửi: ……………………………………",
            "Tên chủ đầu tư: ……………………………… Số định danh: ……………………",
            "Địa điểm xây dựng: Lô đất số ……… Thửa đất số ……… Tờ bản đồ số ………",
            "Loại công trình: ……………… Cấp công trình: ………………",
            "Diện tích xây dựng tầng 1: ……… m²; Tổng diện tích sàn: ……… m²",
            "Chiều cao công trình: ……… m; Số tầng: ………",
            "Dự kiến thời gian hoàn thành công trình: ……… tháng",
        ),
    ),
}
FIELD_FORM = "don-de-nghi"


def _form_template_key(name: str, field_code: str) -> str:
    folded = fold(name)
    if "khai sinh" in folded:
        return "khai-sinh"
    if "ly lich tu phap" in folded:
        return "ly-lich-tu-phap"
    if "giay phep xay dung" in folded:
        return "xay-dung"
    return f"{FIELD_FORM}-{field_code}"


def _template_path(key: str) -> str:
    stem = TEMPLATES[key][0] if key in TEMPLATES else key
    return f"{TEMPLATE_DIR}/{stem}.pdf"


def _form_pdf(title: str, lines: tuple[str, ...]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setTitle(title)
    width, height = A4
    pdf.setFont("DejaVuSans-Bold", 11)
    pdf.drawCentredString(width / 2, height - 60, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    pdf.drawCentredString(width / 2, height - 76, "Độc lập - Tự do - Hạnh phúc")
    pdf.setFont("DejaVuSans-Bold", 13)
    pdf.drawCentredString(width / 2, height - 120, title)
    pdf.setFont("DejaVuSans", 11)
    y = height - 160
    for line in lines:
        pdf.drawString(60, y, line)
        y -= 24
    pdf.drawString(330, y - 30, "……, ngày …… tháng …… năm ……")
    pdf.setFont("DejaVuSans-Bold", 11)
    pdf.drawString(360, y - 50, "NGƯỜI YÊU CẦU")
    pdf.setFont("DejaVuSans", 8)
    pdf.drawString(
        60, 40, "Mẫu minh họa của bản trình diễn tỉnh số — không dùng thay mẫu chính thức."
    )
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _write_templates(fields: dict[str, str]) -> None:
    wanted: dict[str, tuple[str, tuple[str, ...]]] = {
        key: (title, lines) for key, (_stem, title, lines) in TEMPLATES.items()
    }
    for code, name in fields.items():
        wanted[f"{FIELD_FORM}-{code}"] = (
            f"ĐƠN ĐỀ NGHỊ GIẢI QUYẾT THỦ TỤC LĨNH VỰC {name.upper()}",
            (
                "Kính gửi: ……………………………………",
                "Tên tổ chức, cá nhân đề nghị: ……………………………………",
                "Số định danh cá nhân/Mã số doanh nghiệp: ……………………",
                "Địa chỉ: ……………………………………  Điện thoại: ……………………",
                "Tên thủ tục đề nghị giải quyết: ……………………………………",
                "Nội dung đề nghị: ……………………………………………………",
                "Tôi xin cam đoan những nội dung kê khai trên là đúng sự thật.",
            ),
        )
    for key, (title, lines) in wanted.items():
        path = _template_path(key)
        if not default_storage.exists(path):
            default_storage.save(path, ContentFile(_form_pdf(title, lines)))


def all_fields() -> list[FieldDef]:
    """FIELDS with the MORE families merged in, plus the extra fields."""
    out: list[FieldDef] = []
    for f in FIELDS:
        out.append(
            FieldDef(
                **{  # type: ignore[arg-type]
                    **f.__dict__,
                    "extra": f.extra
                    + MORE.get(f.code, ())
                    + MORE_FAMILIES.get(f.code, ())
                    + MORE_FAMILIES_2.get(f.code, ()),
                }
            )
        )
    for code, (name, departments, days, fee_share, legal, result) in EXTRA_FIELDS.items():
        out.append(
            FieldDef(
                code,
                name,
                departments,
                days,
                fee_share,
                (),
                MORE.get(code, ()),
                ("Bản thuyết minh, hồ sơ kỹ thuật kèm theo", "Giấy tờ chứng minh tư cách pháp lý"),
                legal,
                result,
            )
        )
    return out


def _candidates() -> tuple[
    list[tuple[FieldDef, str, str, str]], list[tuple[FieldDef, str, str, str]]
]:
    """(always included, drawn) entries: field, name, level, department key ("" = field's)."""
    seen: set[str] = set()
    always: list[tuple[FieldDef, str, str, str]] = []
    pool: list[tuple[FieldDef, str, str, str]] = []
    for f in all_fields():
        for name, level in f.names + tuple(x for x in f.extra if x[0] in KNOWN):
            if name not in seen:
                seen.add(name)
                always.append((f, name, level, ""))
        for name, level in f.extra:
            if name not in seen:
                seen.add(name)
                pool.append((f, name, level, ""))
        if f.code in ZONE_FIELDS + ZONE_FIELDS_MORE:
            for name, level in f.names + f.extra:
                zone_name = name + ZONE_SUFFIX
                if level != P or " tại " in name or " khu " in name or "tỉnh" in name:
                    continue
                if zone_name not in seen:
                    seen.add(zone_name)
                    pool.append((f, zone_name, level, "kkt"))
    return always, pool


def demo_specs() -> list[ProcedureSpec]:
    """The demo catalogue as plain data (deterministic: same list on every call)."""
    rng = random.Random(SEED)
    always, pool = _candidates()
    rng.shuffle(pool)
    chosen = always + pool[: TOTAL - len(always)]
    if len(chosen) != TOTAL:  # pragma: no cover - guarded by a test
        raise RuntimeError(f"demo procedure pool too small: {len(chosen)} < {TOTAL}")
    chosen.sort(key=lambda t: (t[0].code, t[1]))

    # Online levels: the known ones are fixed, the rest drawn to make 890 + 872 + 38.
    levels: dict[str, str] = {n: str(k["online"]) for n, k in KNOWN.items()}
    rest = [n for _f, n, _l, _d in chosen if n not in levels]
    rng.shuffle(rest)
    need_full = FULL_ONLINE - sum(1 for v in levels.values() if v == "full")
    need_partial = PARTIAL_ONLINE - sum(1 for v in levels.values() if v == "partial")
    for i, name in enumerate(rest):
        if i < need_full:
            levels[name] = "full"
        elif i < need_full + need_partial:
            levels[name] = "partial"
        else:
            levels[name] = "information"
    online = [n for _f, n, _l, _d in chosen if levels[n] != "information"]
    not_integrated = set(
        rng.sample(sorted(set(online) - set(KNOWN)), ONLINE_TOTAL - INTEGRATED_NATIONAL)
    )

    used_codes = {str(k["code"]) for k in KNOWN.values()}
    specs: list[ProcedureSpec] = []
    for f, name, level, department in chosen:
        known = KNOWN.get(name, {})
        code = str(known.get("code", ""))
        while not code or (code in used_codes and name not in KNOWN):
            code = f"{rng.choice((1, 1, 2, 2, 3))}.{rng.randint(100, 13999):06d}"
        used_codes.add(code)
        days = int(known.get("days", rng.randint(*f.days)))  # type: ignore[call-overload]
        if level == C:
            days = min(days, 15)
        fee = int(known["fee"]) if "fee" in known else 0  # type: ignore[call-overload]
        if "fee" not in known and rng.random() < f.fee_share:
            fee = rng.choice(FEES)
        timing = "none"
        if fee:
            timing = "before_receipt" if rng.random() < 0.7 else "before_result"
        agencies: list[str] = []
        if level == P and department:
            agencies = [department_code(department)]
        elif level == P:
            agencies = [department_code(f.departments[0])]
            if len(f.departments) > 1 and rng.random() < 0.3:
                agencies.append(department_code(f.departments[1]))
        form_key = _form_template_key(name, f.code)
        form_title = (
            "Tờ khai" if form_key == "khai-sinh" or "ly-lich" in form_key else "Đơn đề nghị"
        )
        documents = [
            DocumentSpec(
                f"{form_title} {name[0].lower()}{name[1:]} (theo mẫu)"[:1000],
                "01 bản chính",
                True,
                _template_path(form_key),
            )
        ]
        extra_docs = rng.sample(list(f.documents), k=min(len(f.documents), rng.randint(1, 3)))
        for doc in extra_docs:
            # The same draws as before, in the same order: the rest of the catalogue and
            # the procedures already loaded stay the same.
            copies = rng.choice(COPIES)
            required = rng.random() < 0.85
            documents.append(DocumentSpec(doc, copies, required and not states_a_condition(doc)))
        for doc, copies in rng.sample(list(GENERIC_DOCUMENTS), k=rng.randint(0, 2)):
            documents.append(DocumentSpec(doc, copies, doc.startswith("Bản sao Căn cước")))
        documents = documents[:6]
        if len(documents) < 2:
            documents.append(DocumentSpec(*GENERIC_DOCUMENTS[0], True))
        workflow = default_workflow(days)
        if level == P and days >= 10 and rng.random() < 0.15:
            # Some procedures consult another department before the decision.
            other = rng.choice(
                [k for k in ("tai-chinh", "xay-dung", "nong-nghiep") if k not in f.departments]
            )
            workflow[1].working_days -= 3
            workflow.insert(
                2,
                StepSpec(
                    "Lấy ý kiến cơ quan liên quan",
                    Role.SPECIALIST,
                    WorkflowStep.AgencyScope.SPECIFIC,
                    department_code(other),
                    Decimal(3),
                ),
            )
        where = (
            "Ủy ban nhân dân xã, phường nơi cư trú"
            if level == C
            else "Trung tâm Phục vụ hành chính công tỉnh"
        )
        specs.append(
            ProcedureSpec(
                code=code,
                name=name,
                field_code=f.code,
                field_name=f.name,
                level=level,
                agencies=sorted(agencies),
                online_level=levels[name],
                processing_days=days,
                fee_amount=Decimal(fee),
                fee_timing=timing,
                fee_description=(
                    f"Lệ phí: {fee:,} đồng/hồ sơ (theo Nghị quyết của Hội đồng nhân dân tỉnh)".replace(
                        ",", "."
                    )
                    if fee
                    else "Không thu phí, lệ phí"
                ),
                result_type=f.result,
                applicants="Công dân Việt Nam, người nước ngoài; tổ chức"
                if level == P
                else "Cá nhân, hộ gia đình",
                submission_methods=(
                    f"Nộp trực tiếp tại {where}; qua dịch vụ bưu chính công ích"
                    + (
                        "; trực tuyến trên Cổng Dịch vụ công"
                        if levels[name] != "information"
                        else ""
                    )
                ),
                conditions="",
                steps=(
                    "Bước 1: Tổ chức, cá nhân chuẩn bị hồ sơ theo quy định.\n"
                    f"Bước 2: Nộp hồ sơ tại {where} hoặc trực tuyến.\n"
                    "Bước 3: Cơ quan có thẩm quyền thẩm định, giải quyết hồ sơ.\n"
                    "Bước 4: Nhận kết quả tại nơi nộp hồ sơ hoặc qua bưu chính."
                ),
                legal_basis=f.legal_basis,
                national_portal_integrated=levels[name] != "information"
                and name not in not_integrated,
                is_active=True,
                documents=documents,
                workflow=workflow,
            )
        )
    return specs


@transaction.atomic
def build_procedures() -> dict[str, int]:
    """Load the demo catalogue once (bulk); later runs only add what is missing."""
    existing = set(Procedure.objects.values_list("code", flat=True))
    specs = demo_specs()
    missing = [s for s in specs if s.code not in existing]
    fields_needed = {s.field_code: s.field_name for s in specs}
    if missing:
        with audit_suppressed():
            _write_templates(fields_needed)
            _bulk_create(missing, fields_needed)
    made_optional = _conditional_documents_optional(specs)
    codes = [s.code for s in specs]
    counts = {
        level: Procedure.objects.filter(code__in=codes, online_level=level).count()
        for level in Procedure.OnlineLevel.values
    }
    return {
        "procedures": sum(counts.values()),
        "online": counts["partial"] + counts["full"],
        "partial_online": counts["partial"],
        "full_online": counts["full"],
        "information_only": counts["information"],
        "created": len(missing),
        "documents_made_optional": made_optional,
    }


def _conditional_documents_optional(specs: list[ProcedureSpec]) -> int:
    """Make optional the conditional documents that an earlier version of this builder
    loaded as required (same procedure, position and name as an optional one of the specs),
    recording a new version of each procedure changed. The number of documents changed."""
    from tinhso.procedures.services import procedure_record_version

    optional = {
        (s.code, position, d.name)
        for s in specs
        for position, d in enumerate(s.documents, start=1)
        if not d.is_required and states_a_condition(d.name)
    }
    codes = {code for code, _position, _name in optional}
    rows = RequiredDocument.objects.filter(is_required=True, procedure__code__in=codes).values_list(
        "pk", "procedure_id", "procedure__code", "position", "name"
    )
    stale = [(pk, procedure_id) for pk, procedure_id, *key in rows if tuple(key) in optional]
    if not stale:
        return 0
    RequiredDocument.objects.filter(pk__in=[pk for pk, _ in stale]).update(is_required=False)
    for procedure in Procedure.objects.filter(pk__in={procedure_id for _, procedure_id in stale}):
        procedure_record_version(procedure=procedure, note=CONDITIONAL_FIX_NOTE)
    return len(stale)


def _bulk_create(specs: list[ProcedureSpec], field_names: dict[str, str]) -> None:
    fields = {f.code: f for f in Field.objects.filter(code__in=field_names)}
    for code, name in field_names.items():
        if code not in fields:
            fields[code] = Field.objects.create(code=code, name=name)
    agency_codes = {a for s in specs for a in s.agencies} | {
        st.agency for s in specs for st in s.workflow if st.agency
    }
    agencies = {a.code: a for a in Agency.objects.filter(code__in=agency_codes)}
    unknown = agency_codes - set(agencies)
    if unknown:
        raise RuntimeError(f"demo agencies missing (run the core builder first): {sorted(unknown)}")
    now = timezone.now()
    procedures = [
        Procedure(
            code=s.code,
            name=s.name,
            field=fields[s.field_code],
            level=s.level,
            legal_basis=s.legal_basis,
            steps=s.steps,
            conditions=s.conditions,
            applicants=s.applicants,
            submission_methods=s.submission_methods,
            processing_days=s.processing_days,
            online_level=s.online_level,
            result_type=s.result_type,
            fee_amount=s.fee_amount,
            fee_description=s.fee_description,
            fee_timing=s.fee_timing,
            national_portal_integrated=s.national_portal_integrated,
            is_active=s.is_active,
            version=1,
            created_at=now,
            updated_at=now,
            search_key=procedure_search_key(
                code=s.code, name=s.name, field_name=fields[s.field_code].name
            ),
        )
        for s in specs
    ]
    Procedure.objects.bulk_create(procedures, batch_size=500)
    by_code = dict(
        Procedure.objects.filter(code__in=[s.code for s in specs]).values_list("code", "pk")
    )
    through = Procedure.agencies.through
    through.objects.bulk_create(
        [
            through(procedure_id=by_code[s.code], agency_id=agencies[a].pk)
            for s in specs
            for a in s.agencies
        ],
        batch_size=1000,
    )
    RequiredDocument.objects.bulk_create(
        [
            RequiredDocument(
                procedure_id=by_code[s.code],
                position=i,
                name=d.name,
                copies=d.copies,
                is_required=d.is_required,
                template=d.template,
            )
            for s in specs
            for i, d in enumerate(s.documents, start=1)
        ],
        batch_size=1000,
    )
    WorkflowStep.objects.bulk_create(
        [
            WorkflowStep(
                procedure_id=by_code[s.code],
                position=i,
                name=st.name,
                role=st.role,
                agency_scope=st.agency_scope,
                agency=agencies[st.agency] if st.agency else None,
                working_days=st.working_days,
            )
            for s in specs
            for i, st in enumerate(s.workflow, start=1)
        ],
        batch_size=1000,
    )
    ProcedureVersion.objects.bulk_create(
        [
            ProcedureVersion(
                procedure_id=by_code[s.code],
                version=1,
                snapshot={**s.as_dict(), "field_name": fields[s.field_code].name},
                created_at=now,
                note="Dữ liệu trình diễn",
            )
            for s in specs
        ],
        batch_size=500,
    )


# More procedures of the same fields (the national catalogue's usual families), kept apart
# from FIELDS for readability; merged into each field's draw pool by ``_extra_pool``.
MORE: dict[str, tuple[tuple[str, str], ...]] = {
    "y-te": grid(
        [
            "Cấp giấy phép hành nghề {}",
            "Cấp lại giấy phép hành nghề {}",
            "Điều chỉnh giấy phép hành nghề {}",
            "Gia hạn giấy phép hành nghề {}",
        ],
        [
            "đối với chức danh bác sỹ y học cổ truyền",
            "đối với chức danh bác sỹ y học dự phòng",
            "đối với chức danh bác sỹ răng hàm mặt",
            "đối với chức danh dinh dưỡng lâm sàng",
            "đối với chức danh kỹ thuật viên xét nghiệm",
            "đối với chức danh kỹ thuật viên chẩn đoán hình ảnh",
            "đối với chức danh kỹ thuật viên phục hồi chức năng",
            "đối với chức danh cấp cứu viên ngoại viện",
            "đối với chức danh tâm lý lâm sàng",
            "đối với người có bài thuốc gia truyền",
            "đối với chức danh y sỹ y học cổ truyền",
        ],
    )
    + grid(
        [
            "Cấp giấy phép hoạt động đối với {}",
            "Cấp lại giấy phép hoạt động đối với {}",
            "Điều chỉnh giấy phép hoạt động đối với {} khi thay đổi quy mô",
            "Điều chỉnh giấy phép hoạt động đối với {} khi thay đổi địa điểm",
        ],
        [
            "bệnh viện đa khoa",
            "bệnh viện chuyên khoa",
            "bệnh viện y học cổ truyền",
            "phòng khám răng hàm mặt",
            "phòng khám chẩn đoán hình ảnh",
            "phòng xét nghiệm",
            "phòng khám phục hồi chức năng",
            "cơ sở dịch vụ thẩm mỹ",
            "nhà hộ sinh",
            "phòng khám bác sỹ gia đình",
            "cơ sở dịch vụ điều dưỡng",
            "cơ sở dịch vụ chăm sóc sức khỏe tại nhà",
        ],
    )
    + grid(
        [
            "Cấp giấy chứng nhận đủ điều kiện kinh doanh dược cho {}",
            "Cấp lại giấy chứng nhận đủ điều kiện kinh doanh dược cho {}",
            "Điều chỉnh nội dung giấy chứng nhận đủ điều kiện kinh doanh dược của {}",
        ],
        [
            "cơ sở bán buôn thuốc",
            "cơ sở kinh doanh dịch vụ bảo quản thuốc",
            "cơ sở chuyên bán lẻ dược liệu, thuốc dược liệu, thuốc cổ truyền",
            "cơ sở kinh doanh thuốc phải kiểm soát đặc biệt",
        ],
    ),
    "dang-ky-kinh-doanh": grid(
        [
            "Thông báo thay đổi thông tin người quản lý của {}",
            "Thông báo thay đổi nội dung đăng ký thuế của {}",
            "Thông báo lập địa điểm kinh doanh của {}",
            "Chấm dứt hoạt động chi nhánh, văn phòng đại diện, địa điểm kinh doanh của {}",
            "Cấp đổi Giấy chứng nhận đăng ký doanh nghiệp cho {}",
            "Khôi phục tình trạng pháp lý của {}",
            "Cung cấp thông tin về nội dung đăng ký doanh nghiệp của {}",
            "Đăng ký thay đổi nội dung đăng ký hoạt động chi nhánh của {}",
        ],
        COMPANY_TYPES,
    )
    + grid(
        [
            "Đăng ký thay đổi tên, địa chỉ trụ sở chính của {}",
            "Đăng ký khi {} chia, tách",
            "Đăng ký khi {} hợp nhất, sáp nhập",
            "Giải thể tự nguyện {}",
            "Đăng ký thành lập chi nhánh, văn phòng đại diện, địa điểm kinh doanh của {}",
        ],
        ["hợp tác xã", "liên hiệp hợp tác xã"],
    ),
    "giao-duc": grid(
        [
            "Thành lập {}",
            "Cho phép {} hoạt động giáo dục",
            "Sáp nhập, chia, tách {}",
            "Giải thể {}",
            "Cho phép {} hoạt động giáo dục trở lại",
        ],
        [
            "trường trung học cơ sở tư thục",
            "trường tiểu học tư thục",
            "trường mầm non tư thục",
            "trường phổ thông có nhiều cấp học",
            "trường chuyên biệt",
            "trung tâm hỗ trợ phát triển giáo dục hòa nhập",
            "trường trung học phổ thông chuyên",
            "trung tâm kỹ thuật tổng hợp - hướng nghiệp",
        ],
    )
    + grid(
        ["Giải thể {}", "Cho phép {} hoạt động giáo dục trở lại"],
        ["trường mầm non", "trường tiểu học", "trường trung học cơ sở", "nhóm trẻ độc lập"],
        C,
    )
    + grid(
        ["Xét cấp hỗ trợ chi phí học tập cho {}", "Miễn, giảm học phí cho {}"],
        [
            "trẻ em mầm non",
            "học sinh tiểu học",
            "học sinh trung học cơ sở",
            "học sinh khuyết tật",
            "học sinh dân tộc thiểu số rất ít người",
        ],
        C,
    )
    + grid(
        ["Xét cấp hỗ trợ chi phí học tập cho {}", "Miễn, giảm học phí cho {}"],
        ["học sinh trung học phổ thông", "học viên giáo dục thường xuyên"],
    ),
    "giao-thong": grid(
        ["Cấp {}", "Cấp lại {}", "Gia hạn {}"],
        [
            "giấy phép liên vận Việt - Lào",
            "giấy phép liên vận Việt Nam - Campuchia",
            "giấy chứng nhận khả năng chuyên môn thuyền trưởng hạng ba",
            "giấy phép hoạt động bến thủy nội địa",
            "giấy phép đào tạo lái xe mô tô",
            "giấy phép hoạt động trung tâm sát hạch lái xe loại 3",
        ],
    )
    + each(
        [
            "Đăng ký xe máy chuyên dùng lần đầu",
            "Đăng ký tạm thời xe máy chuyên dùng",
            "Di chuyển đăng ký xe máy chuyên dùng",
            "Xóa sổ đăng ký xe máy chuyên dùng",
            "Cấp đổi giấy chứng nhận đăng ký, biển số xe máy chuyên dùng",
        ]
    ),
    "cong-thuong": grid(
        ["Cấp {}", "Cấp sửa đổi, bổ sung {}", "Cấp lại {}"],
        [
            "giấy phép sản xuất rượu công nghiệp quy mô dưới 3 triệu lít/năm",
            "giấy phép sử dụng vật liệu nổ công nghiệp",
            "giấy chứng nhận đủ điều kiện trạm nạp LPG vào chai",
            "giấy chứng nhận đủ điều kiện trạm nạp LNG vào phương tiện vận tải",
            "giấy phép mua bán nguyên liệu thuốc lá",
            "giấy xác nhận đủ điều kiện hoạt động huấn luyện an toàn hóa chất",
        ],
    )
    + grid(
        ["Cấp giấy phép kinh doanh cho tổ chức kinh tế có vốn đầu tư nước ngoài để thực hiện {}"],
        [
            "quyền phân phối bán lẻ hàng hóa",
            "quyền phân phối bán buôn hàng hóa",
            "dịch vụ logistics",
            "dịch vụ cho thuê hàng hóa",
            "dịch vụ trung gian thương mại",
            "dịch vụ thương mại điện tử",
        ],
    ),
    "nong-nghiep": grid(
        ["Cấp {}", "Cấp lại {}", "Gia hạn {}"],
        [
            "giấy chứng nhận đủ điều kiện sản xuất giống cây trồng",
            "giấy chứng nhận đủ điều kiện sản xuất con giống thủy sản",
            "giấy chứng nhận đủ điều kiện buôn bán thức ăn thủy sản",
            "giấy chứng nhận vùng an toàn dịch bệnh động vật",
            "giấy chứng nhận đăng ký mã số cơ sở nuôi trồng thủy sản",
            "giấy chứng nhận mã số vùng trồng",
            "giấy chứng nhận cơ sở sơ chế, chế biến đáp ứng VietGAP",
            "giấy phép hoạt động trong phạm vi bảo vệ đê điều",
        ],
    )
    + grid(
        ["Phê duyệt phương án khai thác {}"],
        [
            "gỗ rừng trồng thuộc sở hữu toàn dân",
            "tận dụng gỗ khi chuyển mục đích sử dụng rừng",
            "lâm sản ngoài gỗ trong rừng đặc dụng",
            "thực vật rừng thuộc loài nguy cấp, quý, hiếm",
        ],
    ),
    "khoang-san": grid(
        ["Cấp {}", "Gia hạn {}", "Điều chỉnh {}", "Trả lại {}"],
        [
            "giấy phép thăm dò khoáng sản",
            "giấy phép khai thác khoáng sản",
            "giấy phép khai thác khoáng sản ở khu vực có dự án đầu tư xây dựng công trình",
            "giấy phép khai thác tận thu khoáng sản",
            "giấy phép khai thác khoáng sản nhóm IV",
        ],
    )
    + each(
        [
            "Đóng cửa mỏ khoáng sản",
            "Phê duyệt trữ lượng khoáng sản",
            "Tính tiền cấp quyền khai thác khoáng sản",
            "Đấu giá quyền khai thác khoáng sản",
            "Chuyển nhượng quyền thăm dò khoáng sản",
            "Chuyển nhượng quyền khai thác khoáng sản",
            "Đăng ký khu vực, công suất, khối lượng, phương pháp, thiết bị và kế hoạch khai "
            "thác khoáng sản làm vật liệu xây dựng thông thường",
        ]
    ),
    "lao-dong": grid(
        [
            "Thành lập {} công lập",
            "Cho phép thành lập {} tư thục",
            "Sáp nhập, chia, tách {}",
            "Giải thể {}",
            "Đổi tên {}",
        ],
        ["trường trung cấp", "trường cao đẳng", "trung tâm giáo dục nghề nghiệp"],
    )
    + each(
        [
            "Cấp giấy chứng nhận đủ điều kiện hoạt động huấn luyện an toàn, vệ sinh lao động "
            "hạng A",
            "Cấp giấy chứng nhận đủ điều kiện hoạt động huấn luyện an toàn, vệ sinh lao động "
            "hạng B",
            "Khai báo sử dụng máy, thiết bị có yêu cầu nghiêm ngặt về an toàn lao động",
            "Đăng ký hợp đồng cá nhân đi làm việc ở nước ngoài",
            "Hỗ trợ người lao động thuộc đối tượng chính sách đi làm việc ở nước ngoài theo "
            "hợp đồng",
            "Xếp hạng công ty trách nhiệm hữu hạn một thành viên do Ủy ban nhân dân cấp tỉnh "
            "làm chủ sở hữu",
        ]
    ),
    "van-hoa": grid(
        ["Cấp {}", "Cấp lại {}"],
        [
            "giấy phép nhập khẩu văn hóa phẩm không nhằm mục đích kinh doanh",
            "giấy phép phổ biến phim",
            "giấy phép thăm dò, khai quật khảo cổ",
            "giấy phép tổ chức cuộc thi người đẹp, người mẫu",
            "giấy phép tổ chức triển lãm, hội chợ xuất bản phẩm",
            "giấy chứng nhận đủ điều kiện kinh doanh dịch vụ trò chơi điện tử công cộng",
            "giấy xác nhận đăng ký hoạt động phát hành xuất bản phẩm",
            "giấy phép xuất bản đặc san",
        ],
    )
    + each(
        [
            "Cho phép họp báo",
            "Đăng ký hoạt động cơ sở in",
            "Thay đổi thông tin đăng ký hoạt động cơ sở in",
            "Cấp đăng ký thu tín hiệu truyền hình nước ngoài trực tiếp từ vệ tinh",
        ]
    )
    + each(
        [
            "Cấp giấy chứng nhận đăng ký hoạt động của cơ sở hỗ trợ nạn nhân bạo lực gia đình",
            "Cấp giấy chứng nhận đăng ký hoạt động của cơ sở tư vấn về phòng, chống bạo lực "
            "gia đình",
            "Công nhận danh hiệu Thôn, Tổ dân phố văn hóa tiêu biểu",
        ],
        C,
    ),
    "the-thao": grid(
        [
            "Cấp giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao đối với môn {}",
        ],
        [
            "bơi, lặn",
            "võ thuật",
            "quần vợt",
            "thể dục thẩm mỹ",
            "bóng đá",
            "mô tô nước trên biển",
            "dù lượn và diều bay",
            "billiards và snooker",
            "khiêu vũ thể thao",
            "yoga",
            "golf",
            "patin",
            "thể dục thể hình và fitness",
            "leo núi thể thao",
            "bắn súng thể thao",
            "karate",
            "taekwondo",
            "lân sư rồng",
        ],
    )
    + each(
        [
            "Cấp lại giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao",
            "Cấp giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao của câu lạc bộ "
            "thể thao chuyên nghiệp",
            "Đăng cai tổ chức giải thi đấu vô địch từng môn thể thao cấp tỉnh",
            "Công nhận ban vận động thành lập hội thể thao cấp tỉnh",
            "Phong đẳng cấp vận động viên, huấn luyện viên",
        ]
    ),
    "quy-hoach-kien-truc": each(
        [
            "Thẩm định nhiệm vụ quy hoạch chung đô thị",
            "Thẩm định đồ án quy hoạch chung đô thị",
            "Thẩm định nhiệm vụ quy hoạch phân khu đô thị",
            "Thẩm định đồ án quy hoạch phân khu đô thị",
            "Thẩm định quy hoạch chi tiết dự án đầu tư xây dựng",
            "Điều chỉnh cục bộ quy hoạch chi tiết",
            "Cấp giấy phép quy hoạch dự án đầu tư xây dựng",
            "Cung cấp thông tin quy hoạch kiến trúc",
            "Cấp chứng chỉ hành nghề kiến trúc",
            "Cấp lại chứng chỉ hành nghề kiến trúc",
            "Gia hạn chứng chỉ hành nghề kiến trúc",
            "Công nhận chứng chỉ hành nghề kiến trúc của người nước ngoài",
            "Thẩm định quy chế quản lý kiến trúc",
        ]
    ),
    "xay-dung": each(
        [
            "Cho thuê nhà ở công vụ thuộc thẩm quyền cấp tỉnh",
            "Bán nhà ở cũ thuộc tài sản công",
            "Cho thuê nhà ở xã hội thuộc tài sản công",
            "Cấp chứng chỉ hành nghề môi giới bất động sản",
            "Cấp lại chứng chỉ hành nghề môi giới bất động sản",
            "Chấp thuận chuyển nhượng toàn bộ hoặc một phần dự án bất động sản",
            "Thẩm định đề án cải tạo, xây dựng lại nhà chung cư",
            "Phê duyệt phương án bồi thường, tái định cư khi cải tạo, xây dựng lại nhà chung cư",
            "Công bố hợp quy sản phẩm, hàng hóa vật liệu xây dựng",
            "Cấp giấy chứng nhận đủ điều kiện kinh doanh dịch vụ kiểm định xây dựng",
        ]
    ),
    "dat-dai": grid(
        [
            "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất của "
            "tổ chức trong trường hợp {}"
        ],
        LAND_CASES,
    ),
    "tu-phap": each(
        [
            "Bổ nhiệm thừa phát lại",
            "Miễn nhiệm thừa phát lại",
            "Thành lập văn phòng thừa phát lại",
            "Đăng ký hoạt động văn phòng thừa phát lại",
            "Chuyển nhượng văn phòng thừa phát lại",
            "Cấp lại Thẻ công chứng viên",
            "Xóa đăng ký hành nghề và thu hồi Thẻ công chứng viên",
            "Tạm đình chỉ hành nghề công chứng",
            "Chấm dứt hoạt động văn phòng công chứng",
            "Chuyển nhượng văn phòng công chứng",
            "Thay đổi nội dung đăng ký hoạt động văn phòng công chứng",
            "Thay đổi nội dung đăng ký hoạt động của công ty luật",
            "Hợp nhất công ty luật",
            "Sáp nhập công ty luật",
            "Chuyển đổi văn phòng luật sư thành công ty luật",
            "Đăng ký hoạt động của chi nhánh, công ty luật nước ngoài",
            "Thay đổi, bổ sung lĩnh vực giám định của văn phòng giám định tư pháp",
            "Chuyển đổi loại hình văn phòng giám định tư pháp",
            "Thu hồi Thẻ đấu giá viên",
            "Cấp lại Thẻ đấu giá viên",
            "Thay đổi nội dung đăng ký hoạt động của doanh nghiệp đấu giá tài sản",
            "Đăng ký hoạt động của chi nhánh doanh nghiệp đấu giá tài sản",
            "Thay đổi nội dung giấy đăng ký hoạt động của Trung tâm trọng tài",
            "Đăng ký hoạt động chi nhánh của Trung tâm trọng tài",
            "Chấm dứt hoạt động Trung tâm trọng tài",
            "Đăng ký hành nghề quản lý, thanh lý tài sản với tư cách cá nhân",
            "Đăng ký hành nghề quản lý, thanh lý tài sản đối với doanh nghiệp",
        ]
    ),
    "noi-vu": each(
        [
            "Thành lập thôn mới, tổ dân phố mới",
            "Ghép, sáp nhập thôn, tổ dân phố",
            "Xác nhận phiên hiệu thanh niên xung phong",
        ],
        C,
    )
    + each(
        [
            "Giải quyết chế độ đối với thanh niên xung phong",
            "Thẩm định đề án vị trí việc làm",
            "Thẩm định số lượng người làm việc trong đơn vị sự nghiệp công lập",
            "Thẩm định việc tổ chức lại, giải thể đơn vị sự nghiệp công lập",
            "Thành lập tổ chức hành chính thuộc Ủy ban nhân dân cấp tỉnh",
            "Cho phép hội đặt văn phòng đại diện",
            "Đổi tên quỹ",
            "Hợp nhất, sáp nhập, chia, tách quỹ",
            "Quỹ tự giải thể",
            "Cấp lại giấy phép thành lập và công nhận điều lệ quỹ",
        ]
    ),
    "khoa-hoc-cong-nghe": grid(
        ["Cấp {}", "Gia hạn {}"],
        [
            "giấy phép tiến hành công việc bức xạ sử dụng thiết bị xạ trị",
            "giấy phép vận chuyển chất phóng xạ",
            "giấy chứng nhận đăng ký hoạt động thử nghiệm",
            "giấy chứng nhận đăng ký hoạt động giám định",
            "giấy chứng nhận đăng ký hoạt động chứng nhận",
        ],
    ),
    "bao-tro-xa-hoi": each(
        [
            "Phê duyệt kế hoạch hỗ trợ, can thiệp đối với trẻ em bị xâm hại",
            "Chấm dứt việc chăm sóc thay thế cho trẻ em",
            "Chuyển trẻ em đang được chăm sóc thay thế tại cơ sở trợ giúp xã hội đến cá nhân, "
            "gia đình nhận chăm sóc thay thế",
            "Hỗ trợ chi phí khám, chữa bệnh cho người nghèo",
            "Cấp thẻ bảo hiểm y tế cho đối tượng bảo trợ xã hội",
        ],
        C,
    ),
}
EXTRA_FIELDS: dict[str, tuple[str, tuple[str, ...], tuple[int, int], float, str, str]] = {
    "khoang-san": (
        "Khoáng sản",
        ("nong-nghiep",),
        (15, 30),
        0.8,
        "Luật Địa chất và khoáng sản số 54/2024/QH15",
        "Giấy phép khoáng sản",
    ),
    "the-thao": (
        "Thể dục, thể thao",
        ("van-hoa",),
        (5, 10),
        0.5,
        "Luật Thể dục, thể thao số 77/2006/QH11, được sửa đổi, bổ sung năm 2018",
        "Giấy chứng nhận, quyết định",
    ),
    "quy-hoach-kien-truc": (
        "Quy hoạch xây dựng, kiến trúc",
        ("xay-dung",),
        (10, 30),
        0.3,
        "Luật Quy hoạch đô thị và nông thôn số 47/2024/QH15; Luật Kiến trúc số 40/2019/QH14",
        "Quyết định phê duyệt, chứng chỉ hành nghề",
    ),
}
# The economic zone's management board implements many province procedures for projects
# inside the zones; the catalogue lists them as their own procedures.
ZONE_SUFFIX = " tại khu kinh tế, khu công nghiệp"
ZONE_FIELDS = ("xay-dung", "lao-dong", "moi-truong", "cong-thuong", "tai-nguyen-nuoc")

FUNDING = [
    "sử dụng vốn đầu tư công",
    "sử dụng vốn nhà nước ngoài đầu tư công",
    "sử dụng vốn khác",
    "theo phương thức đối tác công tư",
]
MORE_FAMILIES: dict[str, tuple[tuple[str, str], ...]] = {
    "xay-dung": grid(
        [
            "Thẩm định Báo cáo nghiên cứu khả thi đầu tư xây dựng đối với dự án {}",
            "Thẩm định điều chỉnh Báo cáo nghiên cứu khả thi đầu tư xây dựng đối với dự án {}",
            "Thẩm định thiết kế xây dựng triển khai sau thiết kế cơ sở đối với dự án {}",
            "Thẩm định Báo cáo kinh tế - kỹ thuật đầu tư xây dựng đối với dự án {}",
        ],
        FUNDING,
    ),
    "ho-tich": grid(
        ["Cấp bản sao trích lục {}"],
        [
            "khai sinh",
            "kết hôn",
            "khai tử",
            "nhận cha, mẹ, con",
            "giám hộ",
            "thay đổi, cải chính hộ tịch",
        ],
        C,
    ),
    "giao-duc": grid(
        ["Công nhận {} đạt chuẩn quốc gia", "Công nhận {} đạt kiểm định chất lượng giáo dục"],
        ["trường mầm non", "trường tiểu học", "trường trung học cơ sở"],
        C,
    )
    + grid(
        ["Công nhận {} đạt chuẩn quốc gia", "Công nhận {} đạt kiểm định chất lượng giáo dục"],
        ["trường trung học phổ thông", "trường phổ thông có nhiều cấp học"],
    ),
    "nong-nghiep": grid(
        ["Hỗ trợ {}"],
        [
            "đầu tư cơ sở giết mổ gia súc, gia cầm tập trung",
            "phát triển sản xuất theo chuỗi giá trị",
            "liên kết sản xuất và tiêu thụ sản phẩm nông nghiệp",
            "bảo hiểm nông nghiệp",
            "áp dụng cơ giới hóa trong sản xuất nông nghiệp",
            "chuyển đổi cơ cấu cây trồng trên đất trồng lúa",
            "xây dựng cánh đồng lớn",
            "trồng rừng sản xuất",
            "khoanh nuôi tái sinh rừng",
            "giống cây trồng, vật nuôi khi bị thiệt hại do thiên tai",
        ],
        C,
    ),
    "y-te": grid(
        [
            "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với {}",
            "Cấp lại giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với {}",
        ],
        [
            "cơ sở sản xuất thực phẩm bảo vệ sức khỏe",
            "bếp ăn tập thể",
            "cơ sở kinh doanh dịch vụ ăn uống",
            "cơ sở sản xuất nước uống đóng chai",
            "cơ sở sản xuất nước đá dùng liền",
            "cơ sở sản xuất phụ gia thực phẩm",
            "cơ sở sản xuất dụng cụ, vật liệu bao gói thực phẩm",
        ],
    ),
    "moi-truong": grid(
        ["Cấp giấy phép môi trường đối với {}", "Điều chỉnh giấy phép môi trường đối với {}"],
        [
            "cơ sở sản xuất, kinh doanh, dịch vụ đang hoạt động",
            "dự án đầu tư nhóm II",
            "dự án đầu tư nhóm III",
            "cơ sở có phát sinh chất thải nguy hại",
            "khu sản xuất, kinh doanh, dịch vụ tập trung",
            "cụm công nghiệp",
        ],
    )
    + each(["Tham vấn ý kiến cộng đồng trong đánh giá tác động môi trường"], C),
    "lao-dong": grid(
        [
            "Cấp giấy phép lao động cho người lao động nước ngoài {}",
            "Gia hạn giấy phép lao động của người lao động nước ngoài {}",
        ],
        [
            "là nhà quản lý, giám đốc điều hành",
            "là chuyên gia",
            "là lao động kỹ thuật",
            "di chuyển trong nội bộ doanh nghiệp",
            "thực hiện các loại hợp đồng, thỏa thuận",
        ],
    ),
    "dat-dai": grid(
        ["Giao đất, cho thuê đất {}"],
        [
            "để thực hiện dự án đầu tư có sử dụng đất",
            "để xây dựng nhà ở xã hội",
            "để mở rộng cơ sở sản xuất, kinh doanh",
            "đối với đất có mặt nước ven biển",
            "đối với đất xây dựng công trình ngầm",
        ],
    ),
    "dang-ky-kinh-doanh": each(
        [
            "Đăng ký thay đổi chủ hộ kinh doanh",
            "Đăng ký thay đổi địa chỉ trụ sở hộ kinh doanh",
            "Đăng ký thay đổi ngành, nghề kinh doanh của hộ kinh doanh",
            "Tiếp tục kinh doanh trước thời hạn đã thông báo của hộ kinh doanh",
        ]
    ),
    "thi-dua-khen-thuong": grid(
        ["Tặng {}"],
        [
            "Kỷ niệm chương của tỉnh",
            "Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã về thành tích đối ngoại",
            "danh hiệu Chiến sĩ thi đua cơ sở",
            "danh hiệu Gia đình văn hóa tiêu biểu",
        ],
        C,
    ),
}
ZONE_FIELDS_MORE = ("dat-dai", "dau-tu", "quy-hoach-kien-truc")
MORE_FAMILIES_2: dict[str, tuple[tuple[str, str], ...]] = {
    "dat-dai": grid(
        [
            "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất của "
            "người gốc Việt Nam định cư ở nước ngoài trong trường hợp {}"
        ],
        LAND_CASES[:10],
    ),
    "dang-ky-kinh-doanh": each(
        [
            "Đăng ký thay đổi thành viên công ty trách nhiệm hữu hạn hai thành viên trở lên",
            "Đăng ký thay đổi chủ sở hữu công ty trách nhiệm hữu hạn một thành viên",
            "Thông báo thay đổi thông tin cổ đông sáng lập công ty cổ phần",
            "Thông báo thay đổi thông tin cổ đông là nhà đầu tư nước ngoài",
            "Đăng ký thay đổi thành viên hợp danh",
            "Thông báo chào bán cổ phần riêng lẻ của công ty cổ phần không phải là công ty "
            "đại chúng",
            "Đăng ký doanh nghiệp đối với các công ty được thành lập trên cơ sở chia doanh nghiệp",
        ]
    ),
    "y-te": grid(
        [
            "Cấp giấy phép hành nghề khám bệnh, chữa bệnh trong giai đoạn chuyển tiếp đối với {}",
            "Đăng ký hành nghề khám bệnh, chữa bệnh đối với {}",
        ],
        ["bác sỹ", "y sỹ", "điều dưỡng", "hộ sinh", "kỹ thuật y", "lương y"],
    ),
    "cong-thuong": grid(
        ["Cấp {}", "Cấp lại {}", "Cấp sửa đổi, bổ sung {}"],
        [
            "giấy chứng nhận đủ điều kiện đầu tư trồng cây thuốc lá",
            "giấy chứng nhận đủ điều kiện kinh doanh khí",
            "giấy phép vận chuyển hàng nguy hiểm là các chất ôxy hóa, hợp chất ô xít hữu cơ",
            "giấy chứng nhận đủ điều kiện sản xuất, kinh doanh hóa chất có điều kiện",
        ],
    ),
    "tai-chinh": grid(
        ["Quyết định {}"],
        [
            "mua sắm tài sản công phục vụ hoạt động của cơ quan, tổ chức, đơn vị",
            "thuê tài sản phục vụ hoạt động của cơ quan nhà nước",
            "chuyển đổi công năng sử dụng tài sản công",
            "sử dụng tài sản công để liên doanh, liên kết",
            "sử dụng tài sản công vào mục đích cho thuê",
            "khai thác tài sản kết cấu hạ tầng giao thông đường bộ",
            "xử lý tài sản phục vụ hoạt động của dự án sử dụng vốn nhà nước",
            "xác lập quyền sở hữu toàn dân đối với tài sản",
        ],
    ),
    "van-hoa": grid(
        ["Công nhận {}"],
        [
            "Khu dân cư văn hóa",
            "câu lạc bộ văn hóa, văn nghệ quần chúng",
            "Cơ quan đạt chuẩn văn hóa",
        ],
        C,
    ),
    "ton-giao": each(
        [
            "Đề nghị sinh hoạt tôn giáo tập trung của người nước ngoài cư trú hợp pháp",
            "Đăng ký người được bổ nhiệm, bầu cử, suy cử làm chức sắc",
            "Đề nghị thành lập, chia, tách, sáp nhập, hợp nhất tổ chức tôn giáo trực thuộc",
            "Đề nghị mở lớp bồi dưỡng về tôn giáo cho người chuyên hoạt động tôn giáo",
        ]
    )
    + each(
        [
            "Đăng ký người đại diện nhóm sinh hoạt tôn giáo tập trung",
            "Thông báo thay đổi người đại diện nhóm sinh hoạt tôn giáo tập trung",
            "Thông báo tổ chức hội nghị thường niên của tổ chức tôn giáo cơ sở",
        ],
        C,
    ),
    "nguoi-co-cong": grid(
        ["Giải quyết chế độ ưu đãi đối với {}"],
        [
            "Bà mẹ Việt Nam anh hùng",
            "Anh hùng lực lượng vũ trang nhân dân",
            "Anh hùng lao động trong thời kỳ kháng chiến",
            "người hoạt động cách mạng trước ngày 01 tháng 01 năm 1945",
            "con đẻ của người hoạt động kháng chiến bị nhiễm chất độc hóa học",
        ],
    )
    + each(["Hưởng trợ cấp khi người có công đang hưởng trợ cấp ưu đãi từ trần"], C),
    "khoa-hoc-cong-nghe": each(
        [
            "Cấp giấy xác nhận đăng ký lĩnh vực hoạt động xét tặng giải thưởng chất lượng sản "
            "phẩm, hàng hóa",
            "Kiểm tra nhà nước về đo lường đối với phương tiện đo nhóm 2",
            "Chứng nhận chuẩn đo lường để kiểm định phương tiện đo",
            "Miễn giảm kiểm tra chất lượng hàng hóa nhập khẩu",
            "Cấp giấy chứng nhận đăng ký cung cấp dịch vụ kiểm định, hiệu chuẩn, thử nghiệm "
            "phương tiện đo",
            "Đăng ký tham dự sơ tuyển, xét tặng Giải thưởng Chất lượng quốc gia",
        ]
    ),
    "giao-thong": grid(
        ["Cấp {}", "Cấp lại {}"],
        [
            "giấy phép vận tải đường bộ quốc tế ASEAN",
            "giấy phép vận tải đường bộ GMS",
            "giấy phép liên vận Việt Nam - Trung Quốc",
        ],
    ),
    "giao-duc": each(
        [
            "Xét đặc cách tốt nghiệp trung học phổ thông",
            "Đăng ký dự thi tốt nghiệp trung học phổ thông",
            "Cấp giấy chứng nhận hoàn thành chương trình giáo dục phổ thông",
            "Cấp giấy chứng nhận trung tâm ngoại ngữ, tin học đủ điều kiện liên kết tổ chức thi "
            "cấp chứng chỉ",
            "Tuyển sinh trung học phổ thông",
            "Cấp phép tổ chức hoạt động liên kết giáo dục với nước ngoài",
        ]
    )
    + each(
        [
            "Tuyển sinh trung học cơ sở",
            "Xét công nhận phổ cập giáo dục, xóa mù chữ",
            "Tuyển sinh vào lớp 1",
        ],
        C,
    ),
    "nong-nghiep": grid(
        ["Cấp giấy chứng nhận kiểm dịch {}"],
        [
            "động vật, sản phẩm động vật thủy sản vận chuyển ra khỏi địa bàn cấp tỉnh",
            "thực vật vận chuyển nội địa",
        ],
    ),
}

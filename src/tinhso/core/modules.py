"""The platform's modules, for navigation and the home page.

A module whose app is not installed yet shows an empty-state page instead of a
broken link; when its app is installed, ``url_name`` points to its real entry page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Module:
    slug: str
    title: Promise
    description: Promise
    app_label: str
    url_name: str

    @property
    def available(self) -> bool:
        return apps.is_installed(f"tinhso.{self.app_label}")

    @property
    def url(self) -> str:
        if self.available:
            try:
                return reverse(self.url_name)
            except NoReverseMatch:
                pass
        return reverse("core:module", kwargs={"slug": self.slug})


MODULES: tuple[Module, ...] = (
    Module(
        "du-lieu-mo",
        _("Dữ liệu mở"),
        _("Tìm, xem và tải dữ liệu mở của tỉnh."),
        "catalog",
        "catalog:search",
    ),
    Module(
        "thu-tuc",
        _("Thủ tục hành chính"),
        _("Tra cứu thủ tục, giấy tờ, phí và thời hạn."),
        "procedures",
        "procedures:search",
    ),
    Module(
        "ho-so",
        _("Hồ sơ một cửa"),
        _("Nộp, theo dõi và nhận kết quả hồ sơ trực tuyến."),
        "dossiers",
        "dossiers:home",
    ),
    Module(
        "van-ban",
        _("Văn bản điện tử"),
        _("Sổ văn bản đến, đi và ký số."),
        "documents",
        "documents:home",
    ),
    Module(
        "phan-anh",
        _("Phản ánh kiến nghị"),
        _("Gửi và theo dõi phản ánh của người dân."),
        "feedback",
        "feedback:home",
    ),
    Module(
        "truy-xuat",
        _("Truy xuất nguồn gốc"),
        _("Sản phẩm OCOP, tem truy xuất và nhật ký lô hàng."),
        "traceability",
        "traceability:home",
    ),
    Module(
        "danh-gia",
        _("Đánh giá chuyển đổi số"),
        _("Bộ tiêu chí, chấm điểm và xếp hạng."),
        "assessment",
        "assessment:home",
    ),
    Module(
        "chi-so",
        _("Chỉ số chuyển đổi số"),
        _("Các con số chuyển đổi số của tỉnh."),
        "indicators",
        "indicators:dashboard",
    ),
)


def module_by_slug(slug: str) -> Module | None:
    return next((m for m in MODULES if m.slug == slug), None)

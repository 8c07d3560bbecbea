"""The pages both accessibility checks visit, in Vietnamese and English."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from tinhso.core.modules import MODULES


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    lang: str = "vi"
    status: int = 200
    # "anonymous", or the AgencyTree attribute of the user to log in as.
    user: str = "anonymous"
    # A form to submit with these values (POST), to check the page in its error state.
    post: dict[str, str] = field(default_factory=dict)

    def url(self, code: str = "", **names: str) -> str:
        path = self.path.format(agency=code, **names)
        return f"/en{path}" if self.lang == "en" else path


def seed(tree: Any) -> dict[str, str]:
    """Records the module pages show: one public dataset (with its organization, group and
    a resource) and one procedure. Returns the names the page paths are formatted with."""
    from tests.catalog.factories import (
        DatasetFactory,
        GroupFactory,
        OrganizationFactory,
        ResourceFactory,
    )
    from tests.procedures.factories import make_procedure

    org = OrganizationFactory(
        agency=tree.dept_a, name="so-tu-phap", title="Sở Tư pháp tỉnh Thử Nghiệm"
    )
    group = GroupFactory(name="dan-cu", title="Dân cư")
    dataset = DatasetFactory(
        organization=org,
        name="dan-so-theo-xa",
        title="Dân số theo xã, phường",
        groups=[group.name],
        tags=["dân số"],
    )
    resource = ResourceFactory(dataset=dataset, name="Dân số năm 2025")
    procedure = make_procedure()
    return {
        "dataset": str(dataset.name),
        "resource": str(resource.pk),
        "procedure": str(procedure.code),
    }


def _empty_module_path() -> str | None:
    module = next((m for m in MODULES if not m.available), None)
    return reverse("core:module", kwargs={"slug": module.slug}) if module else None


def pages() -> list[Page]:
    login = reverse("login")
    reset = reverse("password_reset")
    directory = reverse("core:agencies")
    empty = _empty_module_path()
    found: list[Page] = []
    for lang in ("vi", "en"):
        found += [
            Page(f"home-{lang}", "/", lang),
            Page(f"agency-directory-{lang}", directory, lang),
            Page(f"login-{lang}", login, lang),
            Page(f"password-reset-{lang}", reset, lang),
            Page(f"not-found-{lang}", "/khong-co-trang-nay/", lang, status=404),
        ]
        if empty:  # once every module is built there is no empty state left to check
            found.append(Page(f"module-empty-{lang}", empty, lang))
    found += [
        Page("agency-directory-search", directory + "?q=hoa+an"),
        Page("login-errors", login, post={"username": "khong-ai", "password": "sai-mat-khau"}),
        Page("password-reset-errors", reset, post={"email": "khong-phai-thu"}),
        Page("accessibility-statement", reverse("core:accessibility")),
        Page("account", reverse("core:account"), user="officer_a"),
        Page("api-tokens", reverse("core:tokens"), user="officer_a"),
        Page("password-change", reverse("password_change"), user="officer_a"),
        Page("agency-workspace", "/co-quan/{agency}/", user="officer_a"),
        Page("agency-workspace-en", "/co-quan/{agency}/", "en", user="officer_a"),
    ]
    for lang in ("vi", "en"):
        found += [
            Page(f"catalog-search-{lang}", "/du-lieu/", lang),
            Page(f"dataset-{lang}", "/du-lieu/{dataset}/", lang),
            Page(f"procedure-search-{lang}", "/thu-tuc/", lang),
            Page(f"procedure-{lang}", "/thu-tuc/{procedure}/", lang),
            Page(f"indicators-{lang}", "/chi-so/", lang),
            Page(f"assessment-{lang}", "/danh-gia/", lang),
        ]
    found += [
        Page("catalog-search-query", "/du-lieu/?q=dan+so"),
        Page("catalog-search-no-result", "/du-lieu/?q=khong+co+gi+ca"),
        Page("organizations", "/to-chuc/"),
        Page("groups", "/linh-vuc/"),
        Page("organization", "/to-chuc/so-tu-phap/"),
        Page("group", "/linh-vuc/dan-cu/"),
        Page("resource", "/du-lieu/{dataset}/tai-nguyen/{resource}/"),
        Page("dataset-history", "/du-lieu/{dataset}/lich-su/"),
        Page("procedure-history", "/thu-tuc/{procedure}/lich-su/"),
        Page("procedure-search-query", "/thu-tuc/?q=khai+sinh"),
        Page("register", "/tai-khoan/dang-ky/"),
        Page("register-en", "/tai-khoan/dang-ky/", "en"),
        Page("citizen-id", "/tai-khoan/dinh-danh/", user="citizen"),
        Page("dossiers-home", "/ho-so/"),
        Page("dossier-track", "/ho-so/tra-cuu/"),
        Page("dossier-statistics", "/ho-so/thong-ke/"),
        Page("dossier-workspace", "/ho-so/xu-ly/", user="officer_a"),
        Page("dossier-intake", "/ho-so/xu-ly/tiep-nhan-truc-tiep/?q=khai+sinh", user="officer_a"),
        Page(
            "dossier-intake-form",
            "/ho-so/xu-ly/tiep-nhan-truc-tiep/?procedure={procedure}",
            user="officer_a",
        ),
        Page(
            "dossier-intake-form-en",
            "/ho-so/xu-ly/tiep-nhan-truc-tiep/?procedure={procedure}",
            "en",
            user="officer_a",
        ),
        Page("dossier-mine", "/ho-so/cua-toi/", user="citizen"),
        Page("procedure-search-near-matches", "/thu-tuc/?q=giay+khai+sinh"),
        Page("eid-simulator-consent", EID_CONSENT),
        Page("eid-refused", "/tai-khoan/vneid/ve/?state=khong-khop", status=400),
    ]
    return found


# The e-ID simulator's consent page as the sign-in button reaches it (tests run with the
# simulator: EID_PROVIDER=auto outside production).
EID_CONSENT = (
    "/dinh-danh/mo-phong-vneid/uy-quyen/?response_type=code&client_id=tinhso-cong-dich-vu-cong"
    "&redirect_uri=http%3A%2F%2Ftestserver%2Ftai-khoan%2Fvneid%2Fve%2F&scope=openid+profile"
    "&state=trang-thai&nonce=so-dung-mot-lan&code_challenge="
    + "A" * 43
    + "&code_challenge_method=S256"
)

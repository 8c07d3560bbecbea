from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class _DateInput(forms.DateInput):
    input_type = "date"


class CitizenIdLinkForm(forms.Form):
    citizen_id = forms.CharField(
        label=_("Số định danh cá nhân"),
        max_length=20,
        help_text=_("12 chữ số in trên thẻ căn cước (căn cước công dân)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    full_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=150,
        help_text=_("Đúng như trên thẻ căn cước, có dấu."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"),
        widget=_DateInput(format="%Y-%m-%d", attrs={"autocomplete": "bday"}),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Nhập ngày sinh dạng ngày/tháng/năm, ví dụ 12/05/1990.")},
    )


class CitizenRegistrationForm(CitizenIdLinkForm):
    field_order = ("username", "password", "citizen_id", "full_name", "date_of_birth")

    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=50,
        help_text=_("Chữ không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        help_text=_("Ít nhất 8 ký tự, không chỉ gồm chữ số, không quá dễ đoán."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.CharField(
        label=_("Thư điện tử"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

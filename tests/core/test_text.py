"""Vietnamese text helpers: NFC, folding for search keys, slugs."""

from __future__ import annotations

import unicodedata

import pytest

from tinhso.core.text import clean_text, fold, nfc, slugify_vi, sort_key_vi


def test_nfc_composes_decomposed_input() -> None:
    decomposed = unicodedata.normalize("NFD", "Thanh Hóa")
    assert decomposed != "Thanh Hóa"  # the input really is decomposed
    result = nfc(decomposed)
    assert result == "Thanh Hóa"
    assert unicodedata.is_normalized("NFC", result)


def test_clean_text_is_nfc_trimmed_and_collapses_whitespace() -> None:
    raw = "  " + unicodedata.normalize("NFD", "Sở  Tư\tpháp") + " \n"
    assert clean_text(raw) == "Sở Tư pháp"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Đà Nẵng", "da nang"),
        ("Thanh Hóa", "thanh hoa"),
        ("Thanh Hoá", "thanh hoa"),  # old-style tone placement folds the same
        ("DÂN SỐ", "dan so"),
        ("Hà Nội", "ha noi"),
        ("đường Lê Lợi", "duong le loi"),
        ("Nghĩa  Đàn\n", "nghia dan"),
        ("", ""),
    ],
)
def test_fold_lowercases_strips_diacritics_and_d_stroke(text: str, key: str) -> None:
    assert fold(text) == key


def test_fold_gives_same_key_for_nfc_and_nfd_input() -> None:
    text = "Ủy ban nhân dân xã Quảng Phú"
    assert fold(unicodedata.normalize("NFD", text)) == fold(text) == "uy ban nhan dan xa quang phu"


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Dân số Thanh Hóa", "dan-so-thanh-hoa"),
        ("Đà Nẵng — 2025!", "da-nang-2025"),
        ("  Sở Tài chính / Kế hoạch  ", "so-tai-chinh-ke-hoach"),
        ("Nhà ở & đất đai (2024)", "nha-o-dat-dai-2024"),
        ("!!!", ""),
    ],
)
def test_slugify_vi_makes_ascii_slugs(text: str, slug: str) -> None:
    assert slugify_vi(text) == slug


def test_slugify_vi_respects_max_length_without_trailing_dash() -> None:
    slug = slugify_vi("Thống kê dân số theo xã phường năm 2025", max_length=12)
    assert slug == "thong-ke-dan"
    assert len(slug) <= 12
    assert not slug.endswith("-")


def test_sort_key_vi_sorts_in_vietnamese_dictionary_order() -> None:
    # Code-point order puts "Hà" after "Hoằng" and "Đ…" after "T…"; the dictionary puts
    # a, ă, â and d, đ next to each other, then the tones (none, huyền, hỏi, ngã, sắc, nặng).
    expected = [
        "Phường Dương",
        "Phường Đào Duy Từ",
        "Phường Tĩnh Gia",
        "Xã An Nông",
        "Xã Ăn Ý",
        "Xã Ba",
        "Xã Bà",
        "Xã Bả",
        "Xã Bã",
        "Xã Bá",
        "Xã Bạ",
        "Xã Ba Đình",
        "Xã Bá Thước",
        "Xã Hà Long",
        "Xã Hoa Lộc",
        "Xã Hóa Quỳ",
        "Xã Hoằng Tiến",
        "Xã Ứng Hòa",
        "Xã Vân Du",
    ]
    assert sorted(reversed(expected), key=sort_key_vi) == expected
    decomposed = unicodedata.normalize("NFD", "Xã Hà Long")
    assert sort_key_vi(decomposed)[:2] == sort_key_vi("Xã Hà Long")[:2]

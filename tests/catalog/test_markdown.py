"""Markdown in descriptions is rendered to sanitised HTML."""

from __future__ import annotations

from tinhso.catalog.markdown import markdown_excerpt, render_markdown


def test_markdown_renders_emphasis_lists_and_tables() -> None:
    html = render_markdown(
        "**Dân số** theo xã\n\n- Hạc Thành\n- Sầm Sơn\n\n| xã | số |\n|---|---|\n| A | 1 |"
    )
    assert "<strong>Dân số</strong>" in html
    assert "<li>Hạc Thành</li>" in html
    assert "<table>" in html and "<td>A</td>" in html


def test_markdown_strips_script_tags_and_their_content() -> None:
    html = render_markdown("Trước <script>alert('x')</script> sau")
    assert "<script" not in html
    assert "alert" not in html
    assert "Trước" in html and "sau" in html


def test_markdown_strips_event_handler_attributes() -> None:
    html = render_markdown(
        '<img src="a.png" onerror="alert(1)"> <a href="https://x.vn" onclick="steal()">x</a>'
    )
    assert "onerror" not in html
    assert "onclick" not in html
    assert 'src="a.png"' in html


def test_markdown_strips_javascript_urls() -> None:
    html = render_markdown(
        "[bấm](javascript:alert(1)) <a href='JaVaScRiPt:alert(2)'>y</a> [d](data:text/html,x)"
    )
    assert "javascript" not in html.lower()
    assert "data:text" not in html


def test_markdown_links_get_nofollow_noopener() -> None:
    html = render_markdown("[Cổng](https://thanhhoa.gov.vn)")
    assert 'href="https://thanhhoa.gov.vn"' in html
    assert 'rel="nofollow noopener"' in html


def test_markdown_drops_style_iframe_and_inline_styles() -> None:
    html = render_markdown(
        '<style>body{}</style><iframe src="https://x"></iframe><p style="color:red">x</p>'
    )
    assert "<style" not in html and "<iframe" not in html and "style=" not in html


def test_markdown_demotes_h1_so_page_title_stays_the_only_h1() -> None:
    assert "<h1>" not in render_markdown("# Tiêu đề")
    assert "<h2>Tiêu đề</h2>" in render_markdown("# Tiêu đề")


def test_markdown_empty_text_renders_nothing() -> None:
    assert render_markdown("") == ""
    assert render_markdown("   \n") == ""


def test_markdown_excerpt_is_plain_text_and_shortened() -> None:
    text = "# Tiêu đề\n\n**Dân số** <script>x()</script> " + "rất dài " * 100
    excerpt = markdown_excerpt(text, length=50)
    assert "<" not in excerpt and "x()" not in excerpt
    assert excerpt.endswith("…")
    assert len(excerpt) <= 51

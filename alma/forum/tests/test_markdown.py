"""Hostile Markdown renders harmless: no script, handler, javascript: or data: link survives."""

from html.parser import HTMLParser

import pytest

from alma.forum.markdown import markdown_html


class _Elements(HTMLParser):
    """Every element and attribute the browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}))


def elements(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.found


HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![pixel](data:image/png;base64,iVBORw0KGgo=)",
    "![tracker](https://evil.example/t.gif)",
    '<a href="javascript:alert(1)">x</a>',
    '<div onmouseover="alert(1)">hover</div>',
    "<iframe src='https://evil.example'></iframe>",
    "[x](vbscript:msgbox(1))",
    '<svg onload="alert(1)"></svg>',
    "<style>body{display:none}</style>",
    '[a](https://ok.example "x\\" onmouseover=\\"alert(1)")',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_renders_harmless(text):
    html = markdown_html(text)
    for tag, attrs in elements(html):
        assert tag not in {"script", "img", "iframe", "svg", "style", "div", "object"}, html
        assert not [name for name in attrs if name.startswith("on")], html
        for name in ("href", "src"):
            if name in attrs:
                assert attrs[name].split(":")[0].lower() in {"http", "https", "mailto"}, html


def test_ordinary_markdown_keeps_its_shape():
    html = markdown_html("**bold** and *it*\n\n- one\n- two\n\n[site](https://example.edu)")
    assert "<strong>bold</strong>" in html and "<em>it</em>" in html
    assert "<li>one</li>" in html
    assert 'href="https://example.edu"' in html and 'rel="nofollow noopener noreferrer"' in html


def test_raw_html_is_shown_as_text_not_markup():
    html = markdown_html("I wrote <b>this</b>")
    assert "<b>" not in html and "&lt;b&gt;" in html

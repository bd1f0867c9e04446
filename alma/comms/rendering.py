"""Markdown to safe HTML (markdown-it-py, then nh3), and mail bodies made per recipient.

A mailing's text is rendered once per language into a template whose links and the
recipient's name are placeholders; each recipient's copy only fills them in (signed tracked
links, the escaped name), so rendering 100,000 copies does not parse Markdown 100,000 times.
"""

import html
import re
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "a", "p", "br", "hr", "h1", "h2", "h3", "h4", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}
NAME_PLACEHOLDERS = ("{{ name }}", "{{name}}")
# Placeholders that Markdown, nh3 and HTML escaping all leave as they are.
LINK = "almaLINKx{}x"
NAME = "almaNAMEx"
_HREF = re.compile(r'href="([^"]*)"')
_LINK_TAG = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.S)
_BLOCK_END = re.compile(r"</(p|h[1-4]|li|tr|blockquote|pre|table)>|<br ?/?>|<hr ?/?>")
_TAG = re.compile(r"<[^>]+>")


def markdown_to_html(text: str) -> str:
    """Markdown rendered and sanitised: only the tags above, links only to http(s) or mail."""
    return nh3.clean(
        _markdown.render(text or ""),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def html_to_text(fragment: str) -> str:
    """A plain-text part from the sanitised HTML: links written as "text (address)"."""
    text = _LINK_TAG.sub(lambda m: f"{m.group(2)} ({m.group(1)})", fragment)
    text = _BLOCK_END.sub("\n", text)
    text = html.unescape(_TAG.sub("", text))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


@dataclass(frozen=True)
class BodyTemplate:
    """A rendered body with placeholders: LINK.format(i) for the i-th link, NAME for the name."""

    html: str
    text: str
    links: tuple[str, ...]

    def fill(self, *, name: str, links: list[str]) -> tuple[str, str]:
        html_part, text_part = self.html, self.text
        for i, url in enumerate(links):
            html_part = html_part.replace(LINK.format(i), html.escape(url, quote=True))
            text_part = text_part.replace(LINK.format(i), url)
        return html_part.replace(NAME, html.escape(name)), text_part.replace(NAME, name)


def body_template(markdown: str) -> BodyTemplate:
    source = markdown or ""
    for placeholder in NAME_PLACEHOLDERS:
        source = source.replace(placeholder, NAME)
    rendered = markdown_to_html(source)
    links: list[str] = []

    def to_placeholder(match: re.Match[str]) -> str:
        url = html.unescape(match.group(1))
        if not url.startswith(("http://", "https://")):
            return match.group(0)  # mailto: and the like are left as they are
        links.append(url)
        return f'href="{LINK.format(len(links) - 1)}"'

    templated = _HREF.sub(to_placeholder, rendered)
    return BodyTemplate(html=templated, text=html_to_text(templated), links=tuple(links))

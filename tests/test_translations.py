"""Simplified Chinese ships complete: the catalog is translated, compiled, in step with the code.

When a test here fails after you added or changed a string, refresh and translate the catalog:

    make messages        # re-extracts alma/ into alma/locale/zh_Hans/LC_MESSAGES/django.po
    # translate every entry with an empty msgstr, and remove each "#, fuzzy" flag once checked
    make messages        # compiles django.mo, which is shipped in the repository
"""

import ast
import re
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django.utils import translation

import alma
from alma.testing.personas import PERSONAS

ALMA_DIR = Path(alma.__file__).resolve().parent
PO_PATH = ALMA_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
LANGUAGE = "zh-hans"
HOW_TO_FIX = (
    "Run `make messages`, translate the new or fuzzy entries in "
    "alma/locale/zh_Hans/LC_MESSAGES/django.po, then run `make messages` again to compile."
)
# Printf-style and str.format placeholders must survive translation unchanged.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())

    def __str__(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt else ""
        return context + repr(self.msgid)


def read_po(path: Path) -> tuple[str, list[Entry]]:
    """The header and the live entries of a .po file (obsolete "#~" entries are skipped)."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry, target, seen = Entry(), None, False
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#") or not line:
                continue
            elif line.startswith('"'):
                _append(entry, target, ast.literal_eval(line))
            else:
                keyword, _, literal = line.partition(" ")
                target = keyword
                seen = True
                _set(entry, keyword, ast.literal_eval(literal))
        if seen:
            entries.append(entry)
    header = next(e for e in entries if e.msgid == "" and e.msgctxt is None)
    return header.msgstr[0], [e for e in entries if e is not header]


def _set(entry: Entry, keyword: str, value: str) -> None:
    if keyword.startswith("msgstr"):
        index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
        entry.msgstr[index] = value
    else:
        setattr(entry, keyword, value)


def _append(entry: Entry, keyword: str | None, value: str) -> None:
    assert keyword is not None, "a continuation line before any keyword"
    if keyword.startswith("msgstr"):
        index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
        entry.msgstr[index] += value
    else:
        setattr(entry, keyword, getattr(entry, keyword) + value)


@pytest.fixture(scope="module")
def catalog() -> list[Entry]:
    assert PO_PATH.is_file(), f"{PO_PATH} is missing. {HOW_TO_FIX}"
    return read_po(PO_PATH)[1]


def test_header_declares_simplified_chinese_in_utf8():
    header = read_po(PO_PATH)[0]
    assert "Language: zh_Hans\n" in header
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header
    assert "Content-Type: text/plain; charset=UTF-8\n" in header


def test_every_entry_is_translated_and_none_is_fuzzy(catalog):
    untranslated = [str(e) for e in catalog if not e.translated]
    fuzzy = [str(e) for e in catalog if "fuzzy" in e.flags]
    assert not untranslated, f"Untranslated: {untranslated}. {HOW_TO_FIX}"
    assert not fuzzy, f"Fuzzy (check, then drop the flag): {fuzzy}. {HOW_TO_FIX}"


def test_translations_keep_placeholders_and_use_one_plural_form(catalog):
    wrong = []
    for entry in catalog:
        expected = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for msgstr in entry.msgstr.values():
            if msgstr and sorted(PLACEHOLDER.findall(msgstr)) != expected:
                wrong.append(f"{entry} -> {msgstr!r}")
        if entry.msgid_plural is not None and set(entry.msgstr) != {0}:
            wrong.append(f"{entry}: Chinese has one plural form, msgstr[0] only")
    assert not wrong, "\n".join(wrong)


def test_compiled_catalog_agrees_with_the_po(catalog):
    """A stale django.mo (the .po edited but not compiled) shows up here."""
    assert MO_PATH.is_file(), f"{MO_PATH} is missing. {HOW_TO_FIX}"
    stale = []
    with translation.override(LANGUAGE):
        for entry in catalog:
            expected = entry.msgstr.get(0, "")
            if entry.msgid_plural is not None:
                got = [
                    translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                    if entry.msgctxt is not None
                    else translation.ngettext(entry.msgid, entry.msgid_plural, n)
                    for n in (1, 2)
                ]
            elif entry.msgctxt is not None:
                got = [translation.pgettext(entry.msgctxt, entry.msgid)]
            else:
                got = [translation.gettext(entry.msgid)]
            if any(text != expected for text in got):
                stale.append(f"{entry}: .po says {expected!r}, django.mo gives {got[0]!r}")
    assert not stale, f"django.mo is stale. {HOW_TO_FIX}\n" + "\n".join(stale)


def test_catalog_has_every_string_in_the_code(tmp_path, settings, monkeypatch):
    """Extract alma/ afresh, as `make messages` does, into a copy; nothing may be missing."""
    missing_tools = [tool for tool in ("xgettext", "msguniq", "msgmerge") if not shutil.which(tool)]
    if missing_tools:
        pytest.fail(
            f"{', '.join(missing_tools)} not found: install gettext "
            "(Debian/Ubuntu: apt-get install gettext; macOS: brew install gettext)."
        )
    source = tmp_path / "alma"
    # The same files `make messages` reads: alma/ without tests, test helpers or built catalogs.
    shutil.copytree(
        ALMA_DIR,
        source,
        ignore=shutil.ignore_patterns(
            "locale", "tests", "testing", "migrations", "static", "__pycache__", "*.pyc"
        ),
    )
    (source / "locale").mkdir()
    settings.LOCALE_PATHS = [str(source / "locale")]
    monkeypatch.chdir(source)
    call_command(
        "makemessages",
        locale=["zh_Hans"],
        ignore_patterns=["tests", "testing"],
        no_obsolete=True,
        verbosity=0,
    )
    _header, extracted = read_po(source / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    assert extracted, "makemessages found no strings at all; is the copy of alma/ empty?"
    shipped = {e.key: e for e in read_po(PO_PATH)[1]}
    missing = [
        str(e)
        for e in extracted
        if e.key not in shipped or not shipped[e.key].translated or "fuzzy" in shipped[e.key].flags
    ]
    assert not missing, (
        f"{len(missing)} string(s) in the code lack a Chinese translation:\n"
        + "\n".join(missing)
        + f"\n{HOW_TO_FIX}"
    )


class _ChromeText(HTMLParser):
    """Visible text and labelling attributes of the page chrome: title, top bar, footer."""

    LABELS = ("aria-label", "placeholder", "title", "alt")
    VOID = {"meta", "link", "input", "br", "img", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []  # (tag, inside the chrome)
        self.parts: list[str] = []
        self.html_lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.html_lang = values.get("lang")
        inside = (bool(self.stack) and self.stack[-1][1]) or (
            tag in ("title", "footer")
            or (tag == "header" and "topbar" in (values.get("class") or ""))
        )
        if inside:
            self.parts += [values[a] or "" for a in self.LABELS if a in values]
        if tag not in self.VOID:
            self.stack.append((tag, inside))

    def handle_endtag(self, tag: str) -> None:
        if any(open_tag == tag for open_tag, _ in self.stack):
            while self.stack and self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][1] and self.stack[-1][0] not in ("script", "style"):
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


# Words that stay as they are in a Chinese page: the product's name, "API", and the language
# switcher's option for English, which is shown in English by design.
ALLOWED_LATIN_WORDS = {"Alma", "API", "English"}


def _chrome(response) -> _ChromeText:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    parser = _ChromeText()
    parser.feed(response.content.decode())
    return parser


def _english_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED_LATIN_WORDS


def test_anonymous_home_page_follows_the_browsers_chinese(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.8")
    chrome = _chrome(response)
    assert chrome.html_lang == LANGUAGE
    assert "登录" in chrome.text
    assert "校友服务学生" in response.content.decode()
    assert not _english_words(chrome.text), chrome.text


@pytest.mark.parametrize("persona", [name for name in PERSONAS if name != "anonymous"])
def test_signed_in_navigation_is_chinese_for_every_role(persona, request):
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = LANGUAGE
    chrome = _chrome(client.get("/"))
    assert chrome.html_lang == LANGUAGE
    for label in ("首页", "账户", "退出"):
        assert label in chrome.text
    for english in ("Home", "My profile", "Service log", "Records", "Sign out", "Sign in"):
        assert english not in chrome.text
    assert not _english_words(chrome.text), chrome.text


def test_staff_home_page_is_chinese(bob):
    client = Client()
    client.force_login(bob)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = LANGUAGE
    page = client.get("/").content.decode()
    for label in ("我的资料", "服务记录", "欢迎您", "教职工", "记录对学生的服务"):
        assert label in page
    for english in ("Welcome", "Services you gave", "Record a service to a student"):
        assert english not in page

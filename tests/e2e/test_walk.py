"""Each role walks its home and main journeys at 1280 px and 390 px, in English and in 中文: no
page scrolls sideways, the browser logs no error (a script failing, a resource or a style the
Content-Security-Policy refused), and no interface string is left in English on a Chinese page
(each piece of visible text, and each label a screen reader or a tooltip gives, is checked
against the English message ids of the catalogue in use).

With ALMA_SCREENSHOTS=/some/dir the walk keeps a picture of every role's home at both widths
in both languages, for reviewers.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real
from playwright.sync_api import Browser, Page

from alma.accounts.models import User
from alma.activity.services import staff_service_log
from alma.events.tests.world import events_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LANGUAGES = ("en", "zh-hans")
# Each role's home first, then the journeys it comes for.
JOURNEYS: dict[str, list[str]] = {
    "alice": [
        "/",
        "/office/",
        "/office/people/",
        "/directory/?q=Carol",
        "/imports/",
        "/events/lifecycle/gaps/",
        "/forum/moderation/",
        "/careers/review/",
    ],
    "bob": ["/", "/services/new/", "/directory/", "/events/"],
    "carol": ["/", "/services/received/", "/mentoring/", "/events/mine/", "/forum/", "/careers/"],
    "dave": ["/", "/mentoring/", "/forum/", "/giving/", "/people/me/"],
    "erin": ["/", "/events/chapters/", "/events/chapters/{erin_chapter}/"],
    "frank": ["/", "/careers/", "/directory/"],
    "gina": ["/", "/support/", "/inbox/"],
    "hank": ["/", "/events/"],
}

# Every text node and label of the page, as the reader gets it (not inside code or the
# language switcher's own names, which are in their own language by design).
VISIBLE_TEXT = """() => {
  const out = [];
  const skip = el => el.closest('script, style, noscript, [lang]:not(html), code, pre');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    if (text && node.parentElement && !skip(node.parentElement)
        && node.parentElement.getClientRects().length) out.push(text);
  }
  for (const el of document.querySelectorAll('[aria-label], [placeholder], [title], [alt]')) {
    if (skip(el)) continue;
    for (const name of ['aria-label', 'placeholder', 'title', 'alt']) {
      const value = (el.getAttribute(name) || '').trim();
      if (value) out.push(value);
    }
  }
  out.push(document.title.trim());
  return out;
}"""


def english_interface_strings() -> set[str]:
    """The catalogue's English message ids that read differently in Chinese: shown as they are
    on a Chinese page, they are an interface string that escaped translation."""
    with translation.override("zh-hans"):
        catalog = trans_real.translation("zh-hans")._catalog  # type: ignore[attr-defined]
        ids = {
            key
            for key, value in catalog.items()
            if isinstance(key, str) and key and value and value != key
        }
    return {
        msgid
        for msgid in ids
        if "%" not in msgid
        and "{" not in msgid
        and any(c.isalpha() for c in msgid)
        # one-letter and all-capital ids (units, "OK", "ID") read the same in both
        and len(msgid) > 2
        and not msgid.isupper()
    }


@pytest.fixture
def world(persona_users: dict[str, User | None]) -> dict[str, Any]:
    ids = events_world(persona_users)
    carol, bob = persona_users["carol"], persona_users["bob"]
    assert carol is not None and bob is not None
    staff_service_log(staff=bob, student=carol.person, aspect="study", note="Thesis advice")
    return ids


@pytest.fixture
def walker(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    context = browser.new_context(locale="en-US", viewport=WIDTHS["desktop"])
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(f"script: {error}"))
    yield page, errors
    context.close()


@pytest.mark.parametrize("persona", list(JOURNEYS))
def test_each_role_walks_its_journeys_at_both_widths_in_both_languages(
    live_server, walker, world, persona, sign_in, screenshot
):
    page, errors = walker
    sign_in(page, f"{persona}@example.edu")
    english = english_interface_strings()
    problems: list[str] = []
    for language in LANGUAGES:
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            for path in JOURNEYS[persona]:
                where = f"{language} {width} {path}"
                errors.clear()
                response = page.goto(live_server.url + path.format(**world))
                page.wait_for_load_state("load")
                if response is None or response.status != 200:
                    problems.append(f"{where}: status {response and response.status}")
                    continue
                lang = page.evaluate("document.documentElement.lang")
                if lang != language:
                    problems.append(f"{where}: the page says lang={lang}")
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                if overflow > 0:
                    problems.append(f"{where}: {overflow} px wider than the screen")
                problems += [f"{where}: {error}" for error in errors]
                if language != "en":
                    left = sorted({t for t in page.evaluate(VISIBLE_TEXT) if t in english})
                    if left:
                        problems.append(f"{where}: English interface strings {left}")
                if path == "/":
                    screenshot(page, f"home-{persona}-{language}-{width}")
    assert problems == [], "\n".join(problems)

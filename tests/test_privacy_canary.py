"""The privacy canary: nothing a person keeps to themselves shows anywhere, for anyone.

Two canaries (an alumna and an admitted student) hold a unique marker in every private field
(profile, education, employment: every attribute people.privacy.PRIVATE_FIELDS governs), each
set to "only me". They stand where leaks happened before: registered for an event, mentoring in
an open cycle, admitted from a chapter's region, in the duplicates queue. Then a crawler (Django's
test Client) signs in as every persona and

- follows every link of every page it reaches from the home page (other pages of lists too, up
  to PAGES_PER_PERSONA pages and VARIANTS_PER_PATH addresses per path), the admin included;
- submits every GET form and htmx lookup box with each marker and with each canary's name;
- reads every list of the API (`/api/openapi.json`'s GET operations without path parameters),
  searching with each marker where an operation takes `q`.

It fails if a marker appears in any answer (page, fragment, feed, CSV, JSON), if a canary is
found by a marker (its name is in the answer for the marker but not for a word that matches
nobody), or if an HTML page holds inline script, handlers or styles the CSP would block.

A new module needs no list of pages here: whatever its pages link to is crawled. It adds:
- a private field: a Person attribute in PRIVATE_FIELDS is marked by itself (a text field); a
  field on another model gets a line in `mark_canary` (and a marker in `markers`);
- a place where people appear (a list, a lookup, a page about a registration): a function in
  PLACES that puts the canaries there (given the world), so the crawler meets them.
Runs on SQLite and PostgreSQL like the rest of the suite.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.test import Client

from alma.events.models import Event, Registration
from alma.events.tests import world as ew
from alma.imports.models import DuplicateCandidate
from alma.lifecycle.selectors import intake_year
from alma.mentoring import services as mentoring
from alma.mentoring.models import Cycle
from alma.people.models import Audience, Education, Employment, Person, Stage
from alma.people.privacy import PRIVATE_FIELDS
from alma.testing import factories as f
from alma.testing.personas import client_for

pytestmark = pytest.mark.django_db

PAGES_PER_PERSONA = 150
VARIANTS_PER_PATH = 3
CONTROL = "zqnobodyzq"
SKIP_PREFIXES = ("/static/", "/media/", "/accounts/logout", "/admin/logout", "/i18n/")

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER_OR_STYLE = re.compile(r"""<[^>]*\s(on[a-z]+|style)\s*=\s*["'][^>]*>""", re.I)


# --- The canaries -------------------------------------------------------------------------


@dataclass
class Canary:
    person: Person
    markers: dict[str, str] = field(default_factory=dict)  # marker -> the field it is in

    @property
    def name(self) -> str:
        return self.person.full_name


def _text_attributes() -> list[str]:
    """Person attributes governed by privacy settings that hold text (each gets a marker)."""
    names = []
    for private in PRIVATE_FIELDS.values():
        for attribute in private.attributes:
            model_field = Person._meta.get_field(attribute)
            kind = model_field.get_internal_type()
            if kind in ("CharField", "TextField", "EmailField") and not model_field.choices:
                names.append(attribute)
    return names


def mark_canary(tag: str, stage: str, **fixed: Any) -> Canary:
    """A person with a marker in every private field, every field 'only me'. `fixed` values
    replace markers where a test needs a real value (a hometown city a chapter covers)."""
    markers: dict[str, str] = {}

    def marker(name: str) -> str:
        value = f"zq{tag}{name.replace('_', '')}zq"
        markers[value] = name
        return value

    values: dict[str, Any] = {name: marker(name) for name in _text_attributes()}
    values["email"] = marker("email") + "@canary.example"
    values.update(fixed)
    for name in fixed:
        markers.pop(next((m for m, n in markers.items() if n == name), ""), None)
    birthday = {"a": "1901-02-03", "s": "1902-03-04"}[tag]
    markers[birthday] = "date_of_birth"
    person = Person.objects.create(
        full_name=f"Quinn Canary{tag.upper()}",
        stage=stage,
        date_of_birth=birthday,
        privacy={key: Audience.ONLY_ME.value for key in PRIVATE_FIELDS},
        **values,
    )
    canary = Canary(person=person, markers=markers)
    Education.objects.create(
        person=person,
        degree_level="bachelor",
        school=marker("school"),
        major=marker("major"),
        student_number=marker("studentnumber"),
        entry_year=intake_year() if stage == Stage.PROSPECTIVE else 2010,
        graduation_year=None if stage == Stage.PROSPECTIVE else 2014,
    )
    Employment.objects.create(
        person=person,
        organization_name=marker("employer"),
        title=marker("jobtitle"),
        industry=marker("industry"),
        is_current=True,
    )
    canary.markers = markers
    return canary


# --- Where the canaries stand --------------------------------------------------------------


def _registered_for_events(world: dict[str, Any], alumna: Canary, student: Canary) -> None:
    for event in Event.objects.all():
        Registration.objects.create(event=event, person=alumna.person, status="confirmed")


def _mentoring(world: dict[str, Any], alumna: Canary, student: Canary) -> None:
    cycle = Cycle.objects.get(pk=world["m_cycle"])
    mentoring.mentor_sign_up(cycle=cycle, person=alumna.person, by=None, capacity=2)


def _in_the_duplicates_queue(world: dict[str, Any], alumna: Canary, student: Canary) -> None:
    twin = f.PersonFactory(full_name="Quinn Twin")
    DuplicateCandidate.objects.create(
        person_a=alumna.person,
        person_b=twin,
        probability=0.97,
        group=min(alumna.person.pk, twin.pk),
    )


def _giving(world: dict[str, Any], alumna: Canary, student: Canary) -> None:
    from alma.accounts.models import User
    from alma.giving.tests.world import canaries_give_and_receive

    office = User.objects.get(email="alice@example.edu")
    canaries_give_and_receive(office, alumna.person, student.person)


def _forum(world: dict[str, Any], alumna: Canary, student: Canary) -> None:
    from alma.forum.tests.world import canaries_ask_and_answer

    canaries_ask_and_answer(alumna.person, student.person)


def _careers(world: dict[str, Any], alumna: Canary, student: Canary) -> None:
    from alma.careers.tests.world import canaries_apply_and_visit

    canaries_apply_and_visit(student.person)


def _support(world: dict[str, Any], alumna: Canary, student: Canary) -> None:
    from alma.support.tests.world import canaries_in_a_case

    canaries_in_a_case(alumna.person, student.person)


def _photos(world: dict[str, Any], alumna: Canary, student: Canary) -> None:
    from alma.people.tests.world import canaries_with_photos

    canaries_with_photos(alumna, student)


PLACES: list[Callable[[dict[str, Any], Canary, Canary], None]] = [
    _photos,
    _registered_for_events,
    _mentoring,
    _in_the_duplicates_queue,
    _giving,
    _forum,
    _careers,
    _support,
    # The admitted student's hometown is the city of erin's chapter (see `canaries`).
]


@pytest.fixture
def canaries(persona_users) -> tuple[list[Canary], dict[str, Any]]:
    users = {k: v for k, v in persona_users.items() if v is not None}
    from alma.mentoring.tests import world as mw

    world = {**ew.events_world(users), **mw.mentoring_world(users)}
    chapter = users["erin"].person.chapter_memberships.get().chapter
    alumna = mark_canary("a", Stage.ALUMNUS)
    student = mark_canary("s", Stage.PROSPECTIVE, hometown_city=chapter.city)
    for place in PLACES:
        place(world, alumna, student)
    return [alumna, student], world


# --- The crawler ---------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    fields: dict[str, str]  # name -> default value
    typed: list[str]  # names of the boxes a person types in


class PageParser(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if "hx-get" in a:
            self.links.append(a["hx-get"])
            if tag == "input" and a.get("name"):
                # An htmx lookup box: it sends its own value to its address.
                self.forms.append(Form(a["hx-get"], {}, [a["name"]]))
        if tag == "form":
            method = a.get("method", "get").lower()
            self._form = Form(a.get("action") or self.url, {}, []) if method == "get" else None
        elif self._form is not None and tag in ("input", "select", "textarea") and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("text", "search", "email", "tel") or tag == "textarea":
                self._form.typed.append(a["name"])
            elif kind not in ("submit", "button", "checkbox", "radio", "file"):
                self._form.fields[a["name"]] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            if self._form.typed:
                self.forms.append(self._form)
            self._form = None


def _local(url: str, base: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    path = parts.path or urlsplit(base).path
    if not path.startswith("/"):
        path = urlsplit(base).path.rsplit("/", 1)[0] + "/" + path
    if path.startswith(SKIP_PREFIXES):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    pages: int = 0
    forms: int = 0


def _text(response: Any) -> str | None:
    kind = response.get("Content-Type", "")
    if not any(t in kind for t in ("text/", "json", "csv", "calendar", "xml")):
        return None
    return response.content.decode("utf-8", "replace")


def _check(
    text: str, where: str, canaries: list[Canary], findings: Findings, typed: str = ""
) -> None:
    # What the persona typed comes back in the search box: only the rest would be a leak.
    lowered = text.lower().replace(typed.lower(), "") if typed else text.lower()
    for canary in canaries:
        for marker, name in canary.markers.items():
            if marker.lower() in lowered:
                findings.problems.append(f"{where}: shows {canary.name}'s {name} ({marker})")


def _check_csp(text: str, where: str, findings: Findings) -> None:
    for pattern in (INLINE_SCRIPT, INLINE_HANDLER_OR_STYLE):
        match = pattern.search(text)
        if match:
            findings.problems.append(f"{where}: inline script or style {match.group(0)[:80]}")


def crawl(client: Client, persona: str, canaries: list[Canary]) -> Findings:
    findings = Findings()
    queue = ["/"]
    seen: set[str] = set()
    variants: dict[str, int] = {}
    forms_done: set[tuple[str, tuple[str, ...]]] = set()
    while queue and findings.pages < PAGES_PER_PERSONA:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        path = urlsplit(url).path
        variants[path] = variants.get(path, 0) + 1
        if variants[path] > VARIANTS_PER_PATH:
            continue
        response = client.get(url)
        findings.pages += 1
        text = _text(response)
        if response.status_code != 200 or text is None:
            continue
        where = f"{persona} GET {url}"
        _check(text, where, canaries, findings)
        if "html" not in response.get("Content-Type", ""):
            continue
        _check_csp(text, where, findings)
        parser = PageParser(url)
        parser.feed(text)
        for link in parser.links:
            local = _local(link, url)
            if local and local not in seen:
                queue.append(local)
        for form in parser.forms:
            action = _local(form.action, url)
            key = (urlsplit(action or "").path, tuple(sorted(form.typed)))
            if action is None or key in forms_done:
                continue
            forms_done.add(key)
            findings.forms += 1
            _fill_form(client, persona, action, form, canaries, findings)
    return findings


def _submit(client: Client, action: str, form: Form, box: str, value: str) -> str:
    base = urlsplit(action)
    params = dict(parse_qsl(base.query))
    params.update(form.fields)
    params.update({name: "" for name in form.typed})
    params[box] = value
    response = client.get(f"{base.path}?{urlencode(params)}", HTTP_HX_REQUEST="true")
    return _text(response) or ""


def _fill_form(
    client: Client,
    persona: str,
    action: str,
    form: Form,
    canaries: list[Canary],
    findings: Findings,
) -> None:
    for box in form.typed:
        control = _submit(client, action, form, box, CONTROL).lower()
        for canary in canaries:
            for value in [*canary.markers, canary.name]:
                text = _submit(client, action, form, box, value)
                where = f"{persona} GET {action} with {box}={value}"
                _check(text, where, canaries, findings, typed=value)
                found = canary.name.lower() in text.lower()
                if value != canary.name and found and canary.name.lower() not in control:
                    findings.problems.append(
                        f"{where}: finds {canary.name} by {canary.markers[value]}"
                    )


def read_api(client: Client, persona: str, canaries: list[Canary], findings: Findings) -> None:
    document = client.get("/api/openapi.json").json()
    for path, operations in document["paths"].items():
        if "{" in path or "get" not in operations:
            continue
        names = {p["name"] for p in operations["get"].get("parameters", [])}
        values = [""]
        if "q" in names:
            values += [m for c in canaries for m in [*c.markers, c.name]]
        for value in values:
            url = path + (f"?{urlencode({'q': value})}" if value else "")
            response = client.get(url)
            findings.pages += 1
            text = _text(response) or ""
            where = f"{persona} API GET {url}"
            _check(text, where, canaries, findings, typed=value)
            for canary in canaries:
                if value in canary.markers and canary.name.lower() in text.lower():
                    findings.problems.append(f"{where}: finds {canary.name} by {value}")


@pytest.mark.parametrize(
    "persona", ["anonymous", "alice", "bob", "carol", "dave", "erin", "frank", "gina", "hank"]
)
def test_no_persona_sees_or_finds_what_the_canaries_keep_to_themselves(
    persona, persona_users, canaries
):
    people, _world = canaries
    client = client_for(persona_users[persona])
    findings = crawl(client, persona, people)
    if persona != "anonymous":
        read_api(client, persona, people, findings)
    assert findings.problems == []
    # The crawl went somewhere: the home page at least, and far more when signed in.
    assert findings.pages >= (1 if persona == "anonymous" else 10)


@pytest.mark.parametrize("persona", ["anonymous", "alice", "bob", "dave", "frank", "hank"])
def test_no_persona_reaches_a_canarys_photo(persona, persona_users, canaries):
    """Their photos (kept to themselves) answer 404 at every size, like a person without one,
    though the files are there."""
    from alma.people.photos import photo_path

    people, _world = canaries
    client = client_for(persona_users[persona])
    for canary in people:
        for size in (64, 160, 400):
            path = photo_path(canary.person.pk, canary.person.photo_version, size)
            assert path is not None and path.is_file()
            address = f"/people/{canary.person.pk}/photo/{size}/"
            assert client.get(address).status_code == 404, (persona, address)


def test_the_check_sees_a_marker_once_the_canary_shares_it(canaries, dave):
    """The crawler's check can fail: with the alumna's fields opened to everyone signed in, her
    profile shows her markers to dave and the check reports each one."""
    people, _world = canaries
    alumna = people[0]
    alumna.person.privacy = {key: Audience.SIGNED_IN.value for key in PRIVATE_FIELDS}
    alumna.person.save()
    text = client_for(dave).get(f"/people/{alumna.person.pk}/").content.decode()
    findings = Findings()
    _check(text, "dave GET profile", [alumna], findings)
    reported = {problem.rsplit("(", 1)[1].rstrip(")") for problem in findings.problems}
    for name in ("headline", "email", "school", "major", "employer", "jobtitle", "currentcity"):
        assert f"zqa{name}zq" in reported

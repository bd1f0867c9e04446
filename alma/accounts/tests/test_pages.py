"""The home page by role, and switching the language."""

import pytest
from django.conf import settings
from django.test import Client

from alma.testing.personas import client_for


def test_visitors_see_the_welcome_and_a_sign_in_link(db):
    content = Client().get("/").content
    assert b'href="/accounts/login/"' in content
    assert b"Service log" not in content


OFFICE_LINK = 'href="/office/">Office</a>'


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("alice", [OFFICE_LINK, "Service log", "Record a service to a student"], []),
        ("bob", ["Service log", "Record a service to a student"], [OFFICE_LINK]),
        ("carol", ["Services received", "My profile"], ["Service log", OFFICE_LINK]),
        ("dave", ["My profile"], ["Service log", OFFICE_LINK, "Services received"]),
        ("hank", ["not linked to a person record"], ["My profile", "Service log", OFFICE_LINK]),
    ],
)
def test_the_home_page_offers_what_the_role_allows(persona_users, persona, shown, hidden):
    content = client_for(persona_users[persona]).get("/").content.decode()
    for text in shown:
        assert text in content, text
    for text in hidden:
        assert text not in content, text


def test_switching_to_chinese_sets_the_cookie_and_the_pages_follow(carol):
    client = client_for(carol)
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/people/me/"})
    assert response.status_code == 302 and response.headers["Location"] == "/people/me/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    page = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in page
    assert client.get("/api/me").json()["language"] == "zh-hans"


def test_switching_the_language_works_before_signing_in(db):
    client = Client()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans">' in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/accounts/login/").content.decode()


def test_an_unknown_language_changes_nothing(carol):
    client = client_for(carol)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies
    assert '<html lang="en">' in client.get("/").content.decode()


def test_the_language_switch_never_redirects_off_site(db):
    response = Client().post(
        "/i18n/setlang/", {"language": "zh-hans", "next": "https://evil.example/"}
    )
    assert response.headers["Location"] == "/"


def test_the_browser_s_language_is_honoured(db):
    content = Client().get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in content


def badges(client) -> list[str]:
    import re

    page = client.get("/").content.decode()
    roles = re.search(r'<p class="roles">(.*?)</p>', page, re.S)
    assert roles is not None
    return re.findall(r'<span class="badge">([^<]*)</span>', roles.group(1))


def test_an_admitted_student_s_badge_says_so_not_student(gina, carol):
    assert badges(client_for(gina)) == ["Prospective student"]
    assert badges(client_for(carol)) == ["Student"]


def test_staff_profiles_carry_no_lifecycle_badge(bob, carol):
    staff = client_for(carol).get(f"/people/{bob.person_id}/").content.decode()
    assert "No student lifecycle" not in staff and "Bob Teacher" in staff
    student = client_for(bob).get(f"/people/{carol.person_id}/").content.decode()
    assert '<span class="badge">Student</span>' in student

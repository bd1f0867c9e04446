"""Every URL, every role: what each persona gets, denials included.

EXPECTATIONS lists every route of the resolver (and static, media) with the requests to make and
the answer each persona must get. A route with no expectation fails
`test_every_url_pattern_has_an_expectation`: a new page or endpoint must say who may use it.

The admin is one entry, checked through a representative set of its pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from alma.accounts.models import ApiToken, SignUpInvitation, User
from alma.accounts.services import api_token_create, record_claim
from alma.activity.models import Activity
from alma.activity.services import staff_service_log
from alma.careers.tests.world import careers_world
from alma.comms.models import (
    MagazineIssue,
    Mailing,
    MailingRecipient,
    Notification,
    NotificationPreference,
)
from alma.comms.tests import world as cw
from alma.events.models import EventMessage, Registration
from alma.events.tests import world as ew
from alma.forum.tests import world as fw
from alma.forum.tests.world import forum_world
from alma.giving.models import (
    Application,
    Award,
    AwardRound,
    Donor,
    Fund,
    Gift,
    LedgerEntry,
    Pledge,
    ReceiptWording,
    RecurringGift,
    Score,
    ThankYouLetter,
)
from alma.giving.tests.world import giving_world
from alma.imports.models import ExportLog, Segment
from alma.insights.models import RollupState
from alma.mentoring.tests import world as mw
from alma.people.models import Audience, Chapter, Organization, Person
from alma.people.tests.world import photos_world
from alma.support.tests.world import support_world
from alma.testing import factories as f
from alma.testing.personas import PERSONAS, client_for
from alma.testing.sso import SAML_IDP_SSO_URL, sso_providers

SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]
# Personas with a person record (hank is a login without one).
WITH_PERSON = [p for p in SIGNED_IN if p != "hank"]
STAFF = ["alice", "bob"]
# Verified members of the university community: alumni office, staff, students, alumni.
MEMBERS = ["alice", "bob", "carol", "dave", "erin", "gina"]

# Outcomes other than a plain status code.
LOGIN = "302 to the sign-in page"
ADMIN_LOGIN = "302 to the admin sign-in page"
OWN_PROFILE = "302 to the persona's own profile"


@dataclass(frozen=True)
class Redirect:
    to: str


def outcomes(default: Any, **persona: Any) -> dict[str, Any]:
    """The outcome for each of the nine personas: `default`, except those named."""
    groups = {
        "signed_in": SIGNED_IN,
        "with_person": WITH_PERSON,
        "staff": STAFF,
        "members": MEMBERS,
    }
    result = {name: default for name in PERSONAS}
    for key, value in persona.items():
        if key in groups:
            for name in groups[key]:
                result[name] = value
    for key, value in persona.items():
        if key not in groups:
            assert key in PERSONAS, key
            result[key] = value
    return result


def page(signed_in: Any = 200, **persona: Any) -> dict[str, Any]:
    """A page: anonymous visitors are sent to sign in."""
    return outcomes(signed_in, anonymous=LOGIN, **persona)


def api(signed_in: Any = 200, **persona: Any) -> dict[str, Any]:
    """An API operation: anonymous callers get 401."""
    return outcomes(signed_in, anonymous=401, **persona)


@dataclass
class Request:
    method: str
    path: str  # formatted with the world's ids, e.g. "/people/{carol_person}/"
    expect: dict[str, Any]
    data: dict[str, Any] | None = None
    json: bool = False
    # A write check: the value before and after must differ exactly for `changed_for`.
    state: Callable[[dict[str, Any]], Any] | None = None
    changed_for: frozenset[str] = frozenset()


@dataclass
class Route:
    names: set[str]  # the resolver's pattern names at this route
    requests: list[Request]
    in_resolver: bool = True


def staff_service_payload(world: dict[str, Any]) -> dict[str, Any]:
    return {"student_id": world["carol_person"], "aspect": "study", "note": "Advice on a thesis"}


def activity_count(world: dict[str, Any]) -> int:
    return Activity.objects.count()


def carol_rating(world: dict[str, Any]) -> int | None:
    return Activity.objects.get(pk=world["activity"]).rating


def alice_token_exists(world: dict[str, Any]) -> bool:
    return ApiToken.objects.filter(pk=world["alice_token"]).exists()


def carol_record(world: dict[str, Any]) -> tuple[str, str]:
    person = Person.objects.get(pk=world["carol_person"])
    return person.full_name, person.stage


def alice_session_exists(world: dict[str, Any]) -> bool:
    return UserSession.objects.filter(pk=world["alice_session"]).exists()


def invitation_count(world: dict[str, Any]) -> int:
    return SignUpInvitation.objects.count()


def awaiting_claim_status(world: dict[str, Any]) -> str:
    return SignUpInvitation.objects.get(pk=world["awaiting_claim"]).status


def refusable_claim_status(world: dict[str, Any]) -> str:
    return SignUpInvitation.objects.get(pk=world["refusable_claim"]).status


def user_count(world: dict[str, Any]) -> int:
    return User.objects.count()


def password_hashes(world: dict[str, Any]) -> list[str]:
    return list(User.objects.order_by("pk").values_list("password", flat=True))


def token_count(world: dict[str, Any]) -> int:
    return ApiToken.objects.count()


def segment_names(world: dict[str, Any]) -> list[str]:
    return sorted(Segment.objects.values_list("name", flat=True))


def doomed_segment_exists(world: dict[str, Any]) -> bool:
    return Segment.objects.filter(pk=world["doomed_segment"]).exists()


def segment_export_count(world: dict[str, Any]) -> int:
    return ExportLog.objects.filter(segment_id=world["segment"]).count()


def fund_count(world: dict[str, Any]) -> int:
    return Fund.objects.count()


def entry_count(world: dict[str, Any]) -> int:
    return LedgerEntry.objects.count()


def gift_count(world: dict[str, Any]) -> int:
    return Gift.objects.count()


def recurring_count(world: dict[str, Any]) -> int:
    return RecurringGift.objects.count()


def round_count(world: dict[str, Any]) -> int:
    return AwardRound.objects.count()


def open_round_status(world: dict[str, Any]) -> str:
    return AwardRound.objects.get(pk=world["open_round"]).status


def round_status(world: dict[str, Any]) -> str:
    return AwardRound.objects.get(pk=world["round"]).status


def application_count(world: dict[str, Any]) -> int:
    return Application.objects.count()


def score_count(world: dict[str, Any]) -> int:
    return Score.objects.count()


def award_count(world: dict[str, Any]) -> int:
    return Award.objects.count()


def carol_named(world: dict[str, Any]) -> bool:
    return Application.objects.get(pk=world["carol_application"]).named_to_donors


def dave_anonymous(world: dict[str, Any]) -> bool:
    return Donor.objects.get(pk=world["dave_donor"]).anonymous


def pledge_count(world: dict[str, Any]) -> int:
    return Pledge.objects.count()


def letter_count(world: dict[str, Any]) -> int:
    return ThankYouLetter.objects.count()


def pending_letter_status(world: dict[str, Any]) -> str:
    return ThankYouLetter.objects.get(pk=world["pending_letter"]).status


def wording_count(world: dict[str, Any]) -> int:
    return ReceiptWording.objects.count()


def ceremony_guests(world: dict[str, Any]) -> int:
    return Registration.objects.filter(event_id=world["ceremony"]).count()


def carol_notification_read(world: dict[str, Any]) -> bool:
    return Notification.objects.get(pk=world["carol_notification"]).read_at is not None


def carol_unread(world: dict[str, Any]) -> int:
    return Notification.objects.filter(
        recipient_id=world["carol_person"], read_at__isnull=True
    ).count()


def mailing_status(key: str) -> Callable[[dict[str, Any]], str]:
    return lambda world: Mailing.objects.get(pk=world[key]).status


def mailing_count(world: dict[str, Any]) -> int:
    return Mailing.objects.count()


def draft_issue_published(world: dict[str, Any]) -> bool:
    return MagazineIssue.objects.get(pk=world["draft_issue"]).published_at is not None


def submitted_message_status(world: dict[str, Any]) -> str:
    return EventMessage.objects.get(pk=world["submitted_message"]).status


def message_texts(world: dict[str, Any]) -> list[str]:
    return sorted(EventMessage.objects.values_list("text", flat=True))


def recipient_unsubscribed(world: dict[str, Any]) -> bool:
    return MailingRecipient.objects.filter(unsubscribed_at__isnull=False).exists()


def notification_preferences(world: dict[str, Any]) -> list[tuple[int, str, str]]:
    return sorted(NotificationPreference.objects.values_list("person_id", "kind", "email"))


ADMIN_PAGE = outcomes(ADMIN_LOGIN, alice=200)
SAML_TO_IDP = "302 to the SAML identity provider"
INSIGHTS = page(403, alice=200, bob=200)
INSIGHTS_API = api(403, alice=200, bob=200)


def insights_refresh_requested(world: dict[str, Any]) -> Any:
    return list(RollupState.objects.values_list("requested_at", flat=True))


OFFICE_PAGE = page(403, alice=200)
OFFICE_POST = page(403, alice=302)
# Communications: the inbox (everyone with a person record), mail links (no sign-in),
# mailings and the magazine's desk (alumni office), the public web edition (everyone).
COMMS_EXPECTATIONS: dict[str, Route] = {
    "api/comms/notifications": Route(
        {"api:notifications"},
        [Request("get", "/api/comms/notifications", api(200, hank=404))],
    ),
    "api/comms/notifications/unread": Route(
        {"api:unread"}, [Request("get", "/api/comms/notifications/unread", api())]
    ),
    "api/comms/notifications/<notification_id>/read": Route(
        {"api:notification_read"},
        [
            Request(
                "post",
                "/api/comms/notifications/{carol_api_notification}/read",
                api(404, carol=200),
                json=True,
                state=carol_unread,
                changed_for=frozenset({"carol"}),
            )
        ],
    ),
    "api/comms/mailings/<mailing_id>/status": Route(
        {"api:mailing_status"},
        [
            Request("get", "/api/comms/mailings/{sent_mailing}/status", api(403, alice=200)),
            Request("get", "/api/comms/mailings/999999/status", api(403, alice=404)),
        ],
    ),
    "inbox/": Route({"inbox:index"}, [Request("get", "/inbox/", page(200, hank=404))]),
    "inbox/unread/": Route({"inbox:unread"}, [Request("get", "/inbox/unread/", page(200))]),
    "inbox/<int:pk>/open/": Route(
        {"inbox:open"},
        [
            Request("get", "/inbox/{carol_notification}/open/", page(405)),
            # Only carol's own notification opens (and is marked read); others get 404.
            Request(
                "post",
                "/inbox/{carol_notification}/open/",
                page(404, carol=Redirect("/mentoring/")),
                state=carol_notification_read,
                changed_for=frozenset({"carol"}),
            ),
        ],
    ),
    "inbox/read-all/": Route(
        {"inbox:read-all"},
        [
            Request("get", "/inbox/read-all/", page(405)),
            Request(
                "post",
                "/inbox/read-all/",
                page(Redirect("/inbox/"), hank=404),
                state=carol_unread,
                changed_for=frozenset({"carol"}),
            ),
        ],
    ),
    "inbox/conversations/": Route(
        {"inbox:conversations"}, [Request("get", "/inbox/conversations/", page(200, hank=404))]
    ),
    "inbox/conversations/<int:pk>/": Route(
        {"inbox:conversation"},
        [
            Request(
                "get", "/inbox/conversations/{m_conversation}/", page(404, carol=200, dave=200)
            ),
            Request(
                "post",
                "/inbox/conversations/{m_conversation}/",
                page(404, carol=302, dave=302),
                data={"text": "See you on Tuesday"},
                state=mw.conversation_messages,
                changed_for=frozenset({"carol", "dave"}),
            ),
            Request(
                "post",
                "/inbox/conversations/{m_conversation}/",
                page(404, carol=400, dave=400),
                data={"text": "   "},
                state=mw.conversation_messages,
            ),
        ],
    ),
    "inbox/preferences/": Route(
        {"inbox:preferences"},
        [
            Request("get", "/inbox/preferences/", page(200, hank=404)),
            Request(
                "post",
                "/inbox/preferences/",
                page(Redirect("/inbox/preferences/"), hank=404),
                data={"email:mentoring.reminder": "digest"},
                state=notification_preferences,
                changed_for=frozenset(WITH_PERSON),
            ),
        ],
    ),
    "comms/": Route({"comms:index"}, [Request("get", "/comms/", OFFICE_PAGE)]),
    "comms/mailings/new/": Route(
        {"comms:mailing-new"},
        [
            Request("get", "/comms/mailings/new/", OFFICE_PAGE),
            # Nothing to send: the form comes back with its errors, nothing is written.
            Request(
                "post",
                "/comms/mailings/new/",
                OFFICE_PAGE,
                data={"name": "x", "purpose": "newsletter", "rate_per_minute": "10"},
                state=mailing_count,
            ),
        ],
    ),
    "comms/mailings/<int:pk>/": Route(
        {"comms:mailing"}, [Request("get", "/comms/mailings/{draft_mailing}/", OFFICE_PAGE)]
    ),
    "comms/mailings/<int:pk>/edit/": Route(
        {"comms:mailing-edit"},
        [Request("get", "/comms/mailings/{draft_mailing}/edit/", OFFICE_PAGE)],
    ),
    "comms/mailings/<int:pk>/progress/": Route(
        {"comms:mailing-progress"},
        [Request("get", "/comms/mailings/{sent_mailing}/progress/", OFFICE_PAGE)],
    ),
    "comms/mailings/<int:pk>/preview/<str:language>/": Route(
        {"comms:mailing-preview"},
        [
            Request("get", "/comms/mailings/{draft_mailing}/preview/en/", OFFICE_PAGE),
            Request("get", "/comms/mailings/{draft_mailing}/preview/zh-hans/", OFFICE_PAGE),
            Request("get", "/comms/mailings/{draft_mailing}/preview/fr/", page(403, alice=404)),
        ],
    ),
    "comms/mailings/<int:pk>/test/": Route(
        {"comms:mailing-test"},
        [
            Request("get", "/comms/mailings/{draft_mailing}/test/", page(403, alice=405)),
            Request("post", "/comms/mailings/{draft_mailing}/test/", OFFICE_POST),
        ],
    ),
    "comms/mailings/<int:pk>/cancel/": Route(
        {"comms:mailing-cancel"},
        [
            Request(
                "post",
                "/comms/mailings/{doomed_mailing}/cancel/",
                OFFICE_POST,
                state=mailing_status("doomed_mailing"),
                changed_for=frozenset({"alice"}),
            )
        ],
    ),
    "comms/mailings/<int:pk>/send/": Route(
        {"comms:mailing-send"},
        [
            Request(
                "post",
                "/comms/mailings/{draft_mailing}/send/",
                OFFICE_POST,
                state=mailing_status("draft_mailing"),
                changed_for=frozenset({"alice"}),
            )
        ],
    ),
    "comms/mailings/<int:pk>/resume/": Route(
        {"comms:mailing-resume"},
        # A sent mailing has nothing to resume: a message, no change.
        [Request("post", "/comms/mailings/{sent_mailing}/resume/", OFFICE_POST)],
    ),
    "comms/mailings/<int:pk>/recipients/": Route(
        {"comms:mailing-recipients"},
        [Request("get", "/comms/mailings/{sent_mailing}/recipients/", OFFICE_PAGE)],
    ),
    "comms/c/<str:token>/": Route(
        {"comms:click"},
        [
            Request(
                "get", "/comms/c/{click_token}/", outcomes(Redirect("https://alumni.example.edu/"))
            ),
            Request("get", "/comms/c/forged/", outcomes(404)),
        ],
    ),
    "comms/magazine/": Route(
        {"comms:magazine"}, [Request("get", "/comms/magazine/", outcomes(200))]
    ),
    "comms/magazine/feed/": Route(
        {"comms:magazine-feed"}, [Request("get", "/comms/magazine/feed/", outcomes(200))]
    ),
    "comms/magazine/<int:number>/": Route(
        {"comms:magazine-issue"},
        [
            Request("get", "/comms/magazine/1/", outcomes(200)),
            # A draft issue: only the alumni office sees it before it is published.
            Request("get", "/comms/magazine/2/", outcomes(404, alice=200)),
            Request("get", "/comms/magazine/99/", outcomes(404)),
        ],
    ),
    "comms/magazine/<int:number>/<slug:slug>/": Route(
        {"comms:magazine-article"},
        [
            Request("get", "/comms/magazine/1/a-story/", outcomes(200)),
            Request("get", "/comms/magazine/2/news/", outcomes(404, alice=200)),
        ],
    ),
    "comms/magazine/manage/": Route(
        {"comms:magazine-manage"}, [Request("get", "/comms/magazine/manage/", OFFICE_PAGE)]
    ),
    "comms/magazine/manage/<int:pk>/": Route(
        {"comms:magazine-manage-issue"},
        [Request("get", "/comms/magazine/manage/{draft_issue}/", OFFICE_PAGE)],
    ),
    "comms/magazine/manage/<int:pk>/publish/": Route(
        {"comms:magazine-publish"},
        [
            Request(
                "post",
                "/comms/magazine/manage/{draft_issue}/publish/",
                OFFICE_POST,
                state=draft_issue_published,
                changed_for=frozenset({"alice"}),
            )
        ],
    ),
    "comms/magazine/manage/<int:pk>/digest/": Route(
        {"comms:magazine-digest"},
        [
            Request(
                "post",
                "/comms/magazine/manage/{published_issue}/digest/",
                OFFICE_POST,
                state=mailing_count,
                changed_for=frozenset({"alice"}),
            )
        ],
    ),
    "comms/magazine/articles/<int:pk>/wechat/": Route(
        {"comms:article-wechat"},
        # No official account is configured: a clear message, nothing published.
        [Request("post", "/comms/magazine/articles/{article}/wechat/", OFFICE_POST)],
    ),
    "comms/messages/": Route(
        {"comms:messages"},
        [
            Request("get", "/comms/messages/", OFFICE_PAGE),
            Request(
                "post",
                "/comms/messages/",
                OFFICE_PAGE,
                data={"author": "999999", "cohort": "graduates", "year": "{year}"},
                state=message_texts,
            ),
        ],
    ),
    "comms/messages/<int:pk>/review/": Route(
        {"comms:message-review"},
        [
            Request(
                "post",
                "/comms/messages/{submitted_message}/review/",
                OFFICE_POST,
                data={"decision": "approve"},
                state=submitted_message_status,
                changed_for=frozenset({"alice"}),
            )
        ],
    ),
    "comms/messages/write/<str:token>/": Route(
        {"comms:message-write"},
        [
            Request("get", "/comms/messages/write/{message_token}/", outcomes(200)),
            Request("get", "/comms/messages/write/forged/", outcomes(404)),
            # Whoever holds the invitation's link writes the message (no sign-in).
            Request(
                "post",
                "/comms/messages/write/{message_token}/",
                outcomes(302),
                data={"text": "Be curious."},
                state=message_texts,
                changed_for=frozenset(PERSONAS),
            ),
        ],
    ),
    "comms/cohorts/<str:cohort>/<int:year>/": Route(
        {"comms:cohort"},
        [
            Request("get", "/comms/cohorts/graduates/{year}/", page(200)),
            Request("get", "/comms/cohorts/wizards/{year}/", page(404)),
        ],
    ),
    "comms/cohorts/<str:cohort>/<int:year>/print/": Route(
        {"comms:cohort-print"},
        [Request("get", "/comms/cohorts/freshmen/{year}/print/", OFFICE_PAGE)],
    ),
    "comms/preferences/<str:token>/": Route(
        {"comms:preference-centre"},
        [
            Request("get", "/comms/preferences/{carol_preferences_token}/", outcomes(200)),
            Request("get", "/comms/preferences/not-a-token/", outcomes(404)),
        ],
    ),
    "comms/unsubscribe/<str:token>/": Route(
        {"comms:unsubscribe"},
        [
            Request("get", "/comms/unsubscribe/{carol_unsubscribe_token}/", outcomes(200)),
            Request("get", "/comms/unsubscribe/not-a-token/", outcomes(404)),
            # One click from the mail, whoever holds it (RFC 8058): no sign-in, no CSRF token.
            Request(
                "post",
                "/comms/unsubscribe/{carol_unsubscribe_token}/",
                outcomes(200),
                state=notification_preferences,
                changed_for=frozenset(PERSONAS),
            ),
            Request("get", "/comms/unsubscribe/{recipient_unsubscribe_token}/", outcomes(200)),
            Request(
                "post",
                "/comms/unsubscribe/{recipient_unsubscribe_token}/",
                outcomes(200),
                state=recipient_unsubscribed,
                changed_for=frozenset(PERSONAS),
            ),
        ],
    ),
}

EXPECTATIONS: dict[str, Route] = {
    "": Route({"home"}, [Request("get", "/", outcomes(200))]),
    # Health checks for load balancers: open to all, they reveal nothing.
    "healthz": Route({"healthz"}, [Request("get", "/healthz", outcomes(200))]),
    "readyz": Route({"readyz"}, [Request("get", "/readyz", outcomes(200))]),
    "accounts/login/": Route(
        {"accounts:login", "account_login"},
        [
            Request("get", "/accounts/login/", outcomes(Redirect("/"), anonymous=200)),
            # A wrong password re-shows the form, whoever asks.
            Request(
                "post",
                "/accounts/login/",
                outcomes(Redirect("/"), anonymous=200),
                data={"login": "nobody@example.edu", "password": "wrong"},
            ),
        ],
    ),
    "accounts/logout/": Route(
        {"accounts:logout", "account_logout"},
        [
            Request("get", "/accounts/logout/", outcomes(405)),
            Request("post", "/accounts/logout/", outcomes(Redirect("/accounts/login/"))),
        ],
    ),
    "accounts/tokens/": Route(
        {"accounts:tokens"},
        [
            Request("get", "/accounts/tokens/", page()),
            Request(
                "post",
                "/accounts/tokens/",
                page(),
                data={"name": "reporting script"},
                state=token_count,
                changed_for=frozenset(SIGNED_IN),
            ),
        ],
    ),
    "accounts/tokens/<int:pk>/revoke/": Route(
        {"accounts:token-revoke"},
        [
            Request("get", "/accounts/tokens/{alice_token}/revoke/", outcomes(405)),
            # Anyone may ask; only the owner's token goes.
            Request(
                "post",
                "/accounts/tokens/{alice_token}/revoke/",
                page(Redirect("/accounts/tokens/")),
                state=alice_token_exists,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "accounts/settings/": Route(
        {"accounts:settings"}, [Request("get", "/accounts/settings/", page())]
    ),
    "accounts/sessions/<int:pk>/end/": Route(
        {"accounts:session-end"},
        [
            Request("get", "/accounts/sessions/{alice_session}/end/", outcomes(405)),
            # Anyone may ask; only the owner's session ends.
            Request(
                "post",
                "/accounts/sessions/{alice_session}/end/",
                page(Redirect("/accounts/settings/")),
                state=alice_session_exists,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "accounts/claim/": Route(
        {"accounts:claim"},
        [
            Request("get", "/accounts/claim/", outcomes(Redirect("/"), anonymous=200)),
            # Only a visitor without a login claims a record (a link goes to the record's address).
            Request(
                "post",
                "/accounts/claim/",
                outcomes(Redirect("/"), anonymous=200),
                data={"identifier": "{unclaimed_email}"},
                state=invitation_count,
                changed_for=frozenset({"anonymous"}),
            ),
        ],
    ),
    "accounts/join/<str:token>/": Route(
        {"accounts:join"},
        [
            # A good link is followed in alma/accounts/tests/test_signup.py (it opens sign-up).
            Request("get", "/accounts/join/not-a-token/", outcomes(Redirect("/"), anonymous=404)),
        ],
    ),
    "accounts/invitations/": Route(
        {"accounts:invitations"},
        [
            Request("get", "/accounts/invitations/", page(403, alice=200)),
            Request(
                "post",
                "/accounts/invitations/",
                page(403, alice=Redirect("/accounts/invitations/")),
                data={"email": "new.friend@example.edu"},
                state=invitation_count,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "accounts/invitations/<int:pk>/approve/": Route(
        {"accounts:claim-approve"},
        [
            Request("get", "/accounts/invitations/{awaiting_claim}/approve/", outcomes(405)),
            Request(
                "post",
                "/accounts/invitations/{awaiting_claim}/approve/",
                page(403, alice=Redirect("/accounts/invitations/")),
                state=awaiting_claim_status,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "accounts/invitations/<int:pk>/refuse/": Route(
        {"accounts:claim-refuse"},
        [
            Request("get", "/accounts/invitations/{refusable_claim}/refuse/", outcomes(405)),
            Request(
                "post",
                "/accounts/invitations/{refusable_claim}/refuse/",
                page(403, alice=Redirect("/accounts/invitations/")),
                state=refusable_claim_status,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    # django-allauth's pages. Public: sign-up (closed without an invitation: a page that says
    # so, and nothing is written), password reset and its steps, e-mail confirmation, the inactive-account notice.
    "accounts/inactive/": Route(
        {"account_inactive"}, [Request("get", "/accounts/inactive/", outcomes(200))]
    ),
    "accounts/signup/": Route(
        {"account_signup"},
        [
            Request("get", "/accounts/signup/", outcomes(Redirect("/"), anonymous=200)),
            Request(
                "post",
                "/accounts/signup/",
                outcomes(Redirect("/"), anonymous=200),
                data={
                    "email": "x@example.edu",
                    "password1": "a-Long-pass-9",
                    "password2": "a-Long-pass-9",
                },
                state=user_count,
            ),
        ],
    ),
    "accounts/password/reset/": Route(
        {"account_reset_password"},
        [
            Request("get", "/accounts/password/reset/", outcomes(200)),
            Request(
                "post",
                "/accounts/password/reset/",
                outcomes(Redirect("/accounts/password/reset/done/")),
                data={"email": "carol@example.edu"},
            ),
        ],
    ),
    "accounts/password/reset/done/": Route(
        {"account_reset_password_done"},
        [Request("get", "/accounts/password/reset/done/", outcomes(200))],
    ),
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": Route(
        {"account_reset_password_from_key"},
        # A wrong key says the link is bad, to anyone.
        [Request("get", "/accounts/password/reset/key/1-wrong/", outcomes(200))],
    ),
    "accounts/password/reset/key/done/": Route(
        {"account_reset_password_from_key_done"},
        [Request("get", "/accounts/password/reset/key/done/", outcomes(200))],
    ),
    "accounts/confirm-email/": Route(
        {"account_email_verification_sent"},
        [Request("get", "/accounts/confirm-email/", outcomes(200))],
    ),
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": Route(
        {"account_confirm_email"}, [Request("get", "/accounts/confirm-email/wrong/", outcomes(200))]
    ),
    # Login by code is off: its confirmation step has nothing to confirm.
    "accounts/login/code/confirm/": Route(
        {"account_confirm_login_code"},
        [
            Request(
                "get",
                "/accounts/login/code/confirm/",
                outcomes(Redirect("/"), anonymous=Redirect("/accounts/login/")),
            )
        ],
    ),
    # Signed in: password change, e-mail addresses, asking for the password again.
    "accounts/password/change/": Route(
        {"account_change_password"},
        [
            Request("get", "/accounts/password/change/", page()),
            # The wrong current password changes nothing.
            Request(
                "post",
                "/accounts/password/change/",
                page(),
                data={
                    "oldpassword": "wrong",
                    "password1": "a-Long-pass-9",
                    "password2": "a-Long-pass-9",
                },
                state=password_hashes,
            ),
        ],
    ),
    # Every persona has a password: setting one sends them to change it.
    "accounts/password/set/": Route(
        {"account_set_password"},
        [Request("get", "/accounts/password/set/", page(Redirect("/accounts/password/change/")))],
    ),
    "accounts/email/": Route({"account_email"}, [Request("get", "/accounts/email/", page())]),
    "accounts/reauthenticate/": Route(
        {"account_reauthenticate"}, [Request("get", "/accounts/reauthenticate/", page())]
    ),
    # Reauthentication by code is off: back to the password.
    "accounts/reauthenticate/code/": Route(
        {"account_request_reauthentication_code"},
        [
            Request(
                "get",
                "/accounts/reauthenticate/code/",
                page(Redirect("/accounts/reauthenticate/")),
            )
        ],
    ),
    "accounts/reauthenticate/code/confirm/": Route(
        {"account_confirm_reauthentication_code"},
        [
            Request(
                "get",
                "/accounts/reauthenticate/code/confirm/",
                page(Redirect("/accounts/reauthenticate/code/")),
            )
        ],
    ),
    # Two-factor (allauth.mfa). Alice (office) has an authenticator app; the others have none.
    "accounts/2fa/": Route({"mfa_index"}, [Request("get", "/accounts/2fa/", page())]),
    # The code step of a sign-in: only in the middle of one.
    "accounts/2fa/authenticate/": Route(
        {"mfa_authenticate"},
        [
            Request(
                "get",
                "/accounts/2fa/authenticate/",
                outcomes(Redirect("/"), anonymous=Redirect("/accounts/login/")),
            )
        ],
    ),
    "accounts/2fa/reauthenticate/": Route(
        {"mfa_reauthenticate"},
        [
            Request(
                "get",
                "/accounts/2fa/reauthenticate/",
                page(Redirect("/accounts/reauthenticate/"), alice=200),
            )
        ],
    ),
    # Turning two-factor on or off first asks for the password again (a session that is not
    # fresh); only Alice has an app to turn off, the others get 404.
    "accounts/2fa/totp/activate/": Route(
        {"mfa_activate_totp"},
        [
            Request(
                "get",
                "/accounts/2fa/totp/activate/",
                page(
                    Redirect(
                        "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
                    )
                ),
            )
        ],
    ),
    "accounts/2fa/totp/deactivate/": Route(
        {"mfa_deactivate_totp"},
        [
            Request(
                "get",
                "/accounts/2fa/totp/deactivate/",
                page(
                    404,
                    alice=Redirect(
                        "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Fdeactivate%2F"
                    ),
                ),
            )
        ],
    ),
    "accounts/2fa/recovery-codes/": Route(
        {"mfa_view_recovery_codes"},
        [Request("get", "/accounts/2fa/recovery-codes/", page(404))],
    ),
    "accounts/2fa/recovery-codes/generate/": Route(
        {"mfa_generate_recovery_codes"},
        [
            Request(
                "get",
                "/accounts/2fa/recovery-codes/generate/",
                page(
                    Redirect(
                        "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Frecovery-codes%2Fgenerate%2F"
                    )
                ),
            )
        ],
    ),
    "accounts/2fa/recovery-codes/download/": Route(
        {"mfa_download_recovery_codes"},
        [Request("get", "/accounts/2fa/recovery-codes/download/", page(404))],
    ),
    "accounts/sessions/": Route(
        {"usersessions_list"}, [Request("get", "/accounts/sessions/", page())]
    ),
    # Single sign-on (allauth.socialaccount; the university's providers as in SSO_PROVIDERS).
    "accounts/3rdparty/": Route(
        {"socialaccount_connections"}, [Request("get", "/accounts/3rdparty/", page())]
    ),
    "accounts/3rdparty/login/cancelled/": Route(
        {"socialaccount_login_cancelled"},
        [Request("get", "/accounts/3rdparty/login/cancelled/", outcomes(200))],
    ),
    "accounts/3rdparty/login/error/": Route(
        {"socialaccount_login_error"},
        [Request("get", "/accounts/3rdparty/login/error/", outcomes(401))],
    ),
    # Only in the middle of a sign-on that needs more details.
    "accounts/3rdparty/signup/": Route(
        {"socialaccount_signup"},
        [Request("get", "/accounts/3rdparty/signup/", outcomes(Redirect("/accounts/login/")))],
    ),
    "accounts/oidc/^(?P<provider_id>[^/]+)/login/": Route(
        {"openid_connect_login"},
        [
            Request("get", "/accounts/oidc/university/login/", outcomes(200)),
            Request("get", "/accounts/oidc/unknown/login/", outcomes(404)),
        ],
    ),
    # A callback without the state of a sign-on started here is refused.
    "accounts/oidc/^(?P<provider_id>[^/]+)/login/callback/": Route(
        {"openid_connect_callback"},
        [Request("get", "/accounts/oidc/university/login/callback/?code=x&state=y", outcomes(401))],
    ),
    "accounts/^saml/(?P<organization_slug>[^/]+)/login/": Route(
        {"saml_login"},
        [
            # A page with a button (GET changes nothing); the button sends the browser on.
            Request("get", "/accounts/saml/university/login/", outcomes(200)),
            Request("post", "/accounts/saml/university/login/", outcomes(SAML_TO_IDP)),
            Request("get", "/accounts/saml/unknown/login/", outcomes(404)),
        ],
    ),
    "accounts/^saml/(?P<organization_slug>[^/]+)/metadata/": Route(
        {"saml_metadata"}, [Request("get", "/accounts/saml/university/metadata/", outcomes(200))]
    ),
    "accounts/^saml/(?P<organization_slug>[^/]+)/acs/": Route(
        {"saml_acs"},
        [
            Request(
                "post",
                "/accounts/saml/university/acs/",
                outcomes(Redirect("/accounts/saml/university/acs/finish/")),
            )
        ],
    ),
    # Without a response from the provider (kept by the step before), the sign-on fails.
    "accounts/^saml/(?P<organization_slug>[^/]+)/acs/finish/": Route(
        {"saml_finish_acs"},
        [Request("get", "/accounts/saml/university/acs/finish/", outcomes(401))],
    ),
    "accounts/^saml/(?P<organization_slug>[^/]+)/sls/": Route(
        {"saml_sls"}, [Request("get", "/accounts/saml/university/sls/", outcomes(400))]
    ),
    "people/me/": Route(
        {"people:me"}, [Request("get", "/people/me/", page(OWN_PROFILE, hank=404))]
    ),
    "people/me/edit/": Route(
        {"people:edit"}, [Request("get", "/people/me/edit/", page(200, hank=404))]
    ),
    "people/me/privacy/": Route(
        {"people:privacy"}, [Request("get", "/people/me/privacy/", page(200, hank=404))]
    ),
    "people/<int:pk>/": Route(
        {"people:detail"},
        [
            # Default profile audience: verified members.
            Request("get", "/people/{carol_person}/", page(404, members=200)),
            Request("get", "/people/{open_person}/", page(200)),
            Request("get", "/people/{office_person}/", page(404, alice=200)),
            Request("get", "/people/{hidden_person}/", page(404)),
            Request("get", "/people/999999/", page(404)),
        ],
    ),
    "services/": Route(
        {"activity:service-log"}, [Request("get", "/services/", page(403, staff=200))]
    ),
    "services/new/": Route(
        {"activity:service-new"},
        [
            Request("get", "/services/new/", page(403, staff=200)),
            Request(
                "post",
                "/services/new/",
                page(403, staff=Redirect("/services/")),
                data={
                    "student": "{carol_person}",
                    "aspect": "study",
                    "note": "Helped with course registration",
                    "occurred_on": "{today}",
                },
                state=activity_count,
                changed_for=frozenset(STAFF),
            ),
        ],
    ),
    "services/students/": Route(
        {"activity:student-lookup"},
        [Request("get", "/services/students/?q=Carol", page(403, staff=200))],
    ),
    "services/received/": Route(
        {"activity:received"}, [Request("get", "/services/received/", page(200))]
    ),
    "services/<int:pk>/rate/": Route(
        {"activity:rate"},
        [
            Request("get", "/services/{activity}/rate/", outcomes(405)),
            Request(
                "post",
                "/services/{activity}/rate/",
                page(404, carol=Redirect("/services/received/")),
                data={"rating": "4"},
                state=carol_rating,
                changed_for=frozenset({"carol"}),
            ),
        ],
    ),
    "directory/": Route(
        {"directory:index"},
        [
            Request("get", "/directory/", page()),
            Request("get", "/directory/?q=Carol&sort=name", page()),
        ],
    ),
    "api/people/search": Route(
        {"api:search"}, [Request("get", "/api/people/search?q=Carol", api())]
    ),
    "api/": Route({"api:api-root"}, [Request("get", "/api/", outcomes(404))]),
    "api/openapi.json": Route(
        {"api:openapi-json"}, [Request("get", "/api/openapi.json", outcomes(200))]
    ),
    "api/docs": Route({"api:openapi-view"}, [Request("get", "/api/docs", outcomes(200))]),
    "api/me": Route({"api:me"}, [Request("get", "/api/me", api())]),
    "api/people/me": Route(
        {"api:my_record", "api:update_my_record"},
        [
            Request("get", "/api/people/me", api(200, hank=404)),
            Request(
                "patch",
                "/api/people/me",
                api(200, hank=404),
                data={"headline": "Hello"},
                json=True,
            ),
            Request("post", "/api/people/me", outcomes(405), data={}, json=True),
        ],
    ),
    "api/people/me/privacy": Route(
        {"api:my_privacy", "api:set_my_privacy"},
        [
            Request("get", "/api/people/me/privacy", api(200, hank=404)),
            Request(
                "put",
                "/api/people/me/privacy",
                api(200, hank=404),
                data={"audiences": {"wechat": "only_me"}},
                json=True,
            ),
        ],
    ),
    "api/people/<int:person_id>": Route(
        {"api:person_detail"},
        [
            Request("get", "/api/people/{carol_person}", api(404, members=200)),
            Request("get", "/api/people/{open_person}", api(200)),
            Request("get", "/api/people/{office_person}", api(404, alice=200)),
            Request("get", "/api/people/{hidden_person}", api(404)),
            Request("get", "/api/people/999999", api(404)),
        ],
    ),
    "api/activities/kinds": Route({"api:kinds"}, [Request("get", "/api/activities/kinds", api())]),
    "api/activities/received": Route(
        {"api:received"}, [Request("get", "/api/activities/received", api())]
    ),
    "api/activities/staff-services": Route(
        {"api:record_staff_service"},
        [
            Request("get", "/api/activities/staff-services", outcomes(405)),
            Request(
                "post",
                "/api/activities/staff-services",
                api(422, staff=201),
                data=staff_service_payload,  # type: ignore[arg-type]
                json=True,
                state=activity_count,
                changed_for=frozenset(STAFF),
            ),
        ],
    ),
    "api/activities/<int:activity_id>/rating": Route(
        {"api:rate"},
        [
            Request("get", "/api/activities/{activity}/rating", outcomes(405)),
            Request(
                "post",
                "/api/activities/{activity}/rating",
                api(404, carol=200),
                data={"rating": 5},
                json=True,
                state=carol_rating,
                changed_for=frozenset({"carol"}),
            ),
        ],
    ),
    # Events and lifecycle programs (alma/events). The world: alice runs an open forum, a
    # career talk happening now (carol registered, gina volunteers, dave speaks) and a ceremony;
    # erin's chapter runs an alumni-only dinner. See alma/events/tests/world.py.
    "events/": Route({"events:list"}, [Request("get", "/events/", page())]),
    "events/new/": Route(
        {"events:new"},
        [
            Request("get", "/events/new/", page(403, alice=200, bob=200, erin=200)),
            # For erin's chapter: the office and its officer may; bob hosts for a unit only.
            Request(
                "post",
                "/events/new/",
                page(403, alice=302, bob=200, erin=302),
                data={
                    "program": "{program}",
                    "title": "Spring gathering",
                    "kind": "fellowship",
                    "starts_at": "{soon}",
                    "ends_at": "{soon_end}",
                    "venue": "Bund 18",
                    "host_chapter": "{erin_chapter}",
                    "guests_allowed": "0",
                    "open_to_alumni": "on",
                },
                state=ew.event_count,
                changed_for=frozenset({"alice", "erin"}),
            ),
        ],
    ),
    "events/mine/": Route({"events:mine"}, [Request("get", "/events/mine/", page(200, hank=404))]),
    "events/mine/calendar/reset/": Route(
        {"events:feed-reset"},
        [
            Request("get", "/events/mine/calendar/reset/", outcomes(405)),
            Request(
                "post", "/events/mine/calendar/reset/", page(Redirect("/events/mine/"), hank=404)
            ),
        ],
    ),
    # The secret address is the key: calendar apps cannot sign in.
    "events/feeds/<str:token>.ics": Route(
        {"events:feed-person"},
        [
            Request("get", "/events/feeds/{feed_token}.ics", outcomes(200)),
            Request("get", "/events/feeds/not-a-token.ics", outcomes(404)),
        ],
    ),
    "events/programs/": Route({"events:programs"}, [Request("get", "/events/programs/", page())]),
    "events/programs/new/": Route(
        {"events:program-new"},
        [
            Request("get", "/events/programs/new/", page(403, alice=200)),
            Request(
                "post",
                "/events/programs/new/",
                page(403, alice=302),
                data={
                    "name": "Career week",
                    "stage": "in_school",
                    "aspect": "work",
                    "cadence": "yearly",
                },
                state=ew.program_count,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "events/programs/<int:pk>/": Route(
        {"events:program"}, [Request("get", "/events/programs/{program}/", page())]
    ),
    "events/<int:pk>/": Route(
        {"events:detail"},
        [
            Request("get", "/events/{public_event}/", page()),
            # Alumni only: a hidden event looks missing.
            Request("get", "/events/{chapter_event}/", page(404, alice=200, dave=200, erin=200)),
            Request("get", "/events/999999/", page(404)),
        ],
    ),
    "events/<int:pk>/event.ics": Route(
        {"events:ics"},
        [
            Request("get", "/events/{public_event}/event.ics", page()),
            Request(
                "get", "/events/{chapter_event}/event.ics", page(404, alice=200, dave=200, erin=200)
            ),
        ],
    ),
    "events/<int:pk>/edit/": Route(
        {"events:edit"},
        [
            Request("get", "/events/{public_event}/edit/", page(403, alice=200)),
            Request("get", "/events/{chapter_event}/edit/", page(403, alice=200, erin=200)),
        ],
    ),
    "events/<int:pk>/cancel/": Route(
        {"events:cancel"},
        [
            Request("get", "/events/{chapter_party}/cancel/", outcomes(405)),
            Request(
                "post",
                "/events/{chapter_party}/cancel/",
                page(403, alice=302, erin=302),
                state=ew.event_states,
                changed_for=frozenset({"alice", "erin"}),
            ),
        ],
    ),
    "events/<int:pk>/register/": Route(
        {"events:register"},
        [
            Request("get", "/events/{public_event}/register/", outcomes(405)),
            Request(
                "post",
                "/events/{public_event}/register/",
                page(302, hank=404),
                state=ew.registration_state,
                changed_for=frozenset(WITH_PERSON),
            ),
            # The office sees every event but registers only where the audience admits it.
            Request(
                "post",
                "/events/{chapter_event}/register/",
                page(404, alice=400, dave=302, erin=302),
            ),
        ],
    ),
    "events/<int:pk>/unregister/": Route(
        {"events:unregister"},
        [
            Request("get", "/events/{today_event}/unregister/", outcomes(405)),
            Request(
                "post",
                "/events/{today_event}/unregister/",
                page(404, carol=302),
                state=ew.registration_state,
                changed_for=frozenset({"carol"}),
            ),
        ],
    ),
    # The attendee list: managers, and the event's hosts and volunteers (gina) at the door.
    "events/<int:pk>/manage/": Route(
        {"events:manage"},
        [
            Request("get", "/events/{public_event}/manage/", page(403, alice=200)),
            Request("get", "/events/{today_event}/manage/?q=carol", page(403, alice=200, gina=200)),
            Request("get", "/events/{chapter_event}/manage/", page(403, alice=200, erin=200)),
        ],
    ),
    "events/<int:pk>/questions/": Route(
        {"events:question-add"},
        [
            Request("get", "/events/{public_event}/questions/", outcomes(405)),
            Request(
                "post",
                "/events/{public_event}/questions/",
                page(403, alice=302),
                data={"prompt": "Any dietary needs?", "kind": "text"},
                state=ew.question_count,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "events/<int:pk>/questions/<int:qid>/delete/": Route(
        {"events:question-remove"},
        [
            Request("get", "/events/{public_event}/questions/{question}/delete/", outcomes(405)),
            Request(
                "post",
                "/events/{public_event}/questions/{question}/delete/",
                page(403, alice=302),
                state=ew.question_count,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "events/<int:pk>/roles/": Route(
        {"events:role-add"},
        [
            Request("get", "/events/{public_event}/roles/", outcomes(405)),
            Request(
                "post",
                "/events/{public_event}/roles/",
                page(403, alice=302),
                data={"person": "{dave_person}", "role": "volunteer"},
                state=ew.role_state,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "events/<int:pk>/roles/<int:rid>/served/": Route(
        {"events:role-served"},
        [
            Request("get", "/events/{today_event}/roles/{dave_role_today}/served/", outcomes(405)),
            Request(
                "post",
                "/events/{today_event}/roles/{dave_role_today}/served/",
                page(403, alice=302, gina=302),
                state=ew.role_state,
                changed_for=frozenset({"alice", "gina"}),
            ),
        ],
    ),
    "events/<int:pk>/roles/<int:rid>/delete/": Route(
        {"events:role-remove"},
        [
            Request(
                "get", "/events/{public_event}/roles/{dave_role_public}/delete/", outcomes(405)
            ),
            Request(
                "post",
                "/events/{public_event}/roles/{dave_role_public}/delete/",
                page(403, alice=302),
                state=ew.role_state,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "events/<int:pk>/messages/": Route(
        {"events:message-add"},
        [
            Request("get", "/events/{ceremony}/messages/", outcomes(405)),
            Request(
                "post",
                "/events/{ceremony}/messages/",
                page(403, alice=302),
                data={"author_name": "Wu Jie, class of 1988", "text": "Congratulations!"},
                state=ew.message_count,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "events/<int:pk>/people/": Route(
        {"events:person-lookup"},
        [
            Request("get", "/events/{public_event}/people/?q=Dave", page(403, alice=200)),
            Request("get", "/events/{today_event}/people/?q=Dave", page(403, alice=200, gina=200)),
        ],
    ),
    "events/<int:pk>/walk-in/": Route(
        {"events:walk-in"},
        [
            Request("get", "/events/{today_event}/walk-in/", outcomes(405)),
            Request(
                "post",
                "/events/{today_event}/walk-in/",
                page(403, alice=302, gina=302),
                data={"full_name": "Walk In", "email": "walk.in@example.com"},
                state=ew.registration_state,
                changed_for=frozenset({"alice", "gina"}),
            ),
        ],
    ),
    "events/<int:pk>/registrations/<int:rid>/check-in/": Route(
        {"events:registration-check-in"},
        [
            Request(
                "get",
                "/events/{today_event}/registrations/{button_registration}/check-in/",
                outcomes(405),
            ),
            Request(
                "post",
                "/events/{today_event}/registrations/{button_registration}/check-in/",
                page(403, alice=302, gina=302),
                state=ew.registration_state,
                changed_for=frozenset({"alice", "gina"}),
            ),
        ],
    ),
    "events/<int:pk>/registrations/<int:rid>/cancel/": Route(
        {"events:registration-cancel"},
        [
            Request(
                "get",
                "/events/{today_event}/registrations/{cancel_registration}/cancel/",
                outcomes(405),
            ),
            # Volunteers check people in; only the event's managers cancel a place.
            Request(
                "post",
                "/events/{today_event}/registrations/{cancel_registration}/cancel/",
                page(403, alice=302),
                state=ew.registration_state,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    # Where the QR code leads.
    "events/check-in/<str:token>/": Route(
        {"events:check-in"},
        [
            # Carol opening her own code is sent to her event (the code is shown at the door).
            Request(
                "get",
                "/events/check-in/{carol_checkin}/",
                page(403, alice=200, gina=200, carol=302),
            ),
            Request(
                "post",
                "/events/check-in/{carol_checkin}/",
                page(403, alice=200, gina=200, carol=302),
                state=ew.registration_state,
                changed_for=frozenset({"alice", "gina"}),
            ),
            Request("get", "/events/check-in/forged:token/", page(404)),
        ],
    ),
    "events/chapters/": Route(
        {"lifecycle:chapters"},
        [Request("get", "/events/chapters/", page(403, alice=200, erin=200))],
    ),
    "events/chapters/<int:pk>/": Route(
        {"lifecycle:chapter"},
        [
            Request("get", "/events/chapters/{erin_chapter}/", page(403, alice=200, erin=200)),
            Request("get", "/events/chapters/{other_chapter}/", page(403, alice=200)),
            Request("get", "/events/chapters/999999/", page(403, alice=404, erin=404)),
        ],
    ),
    "events/chapters/<int:pk>/calendar.ics": Route(
        {"events:feed-chapter"},
        [
            Request("get", "/events/chapters/{erin_chapter}/calendar.ics", outcomes(200)),
            Request("get", "/events/chapters/999999/calendar.ics", outcomes(404)),
        ],
    ),
    "events/chapters/<int:pk>/send-off/": Route(
        {"lifecycle:send-off"},
        [
            Request("get", "/events/chapters/{erin_chapter}/send-off/", outcomes(405)),
            Request(
                "post",
                "/events/chapters/{erin_chapter}/send-off/",
                page(403, alice=302, erin=302),
                data={
                    "sendoff-entry_year": "{intake_year}",
                    "sendoff-starts_at": "{soon}",
                    "sendoff-venue": "Riverside Hotel",
                },
                state=ew.event_count,
                changed_for=frozenset({"alice", "erin"}),
            ),
        ],
    ),
    "events/chapters/<int:pk>/welcome/": Route(
        {"lifecycle:welcome"},
        [
            Request("get", "/events/chapters/{erin_chapter}/welcome/", outcomes(405)),
            Request(
                "post",
                "/events/chapters/{erin_chapter}/welcome/",
                page(403, alice=302, erin=302),
                data={
                    "welcome-graduation_year": "{year}",
                    "welcome-starts_at": "{soon}",
                    "welcome-venue": "Alumni house",
                },
                state=ew.event_count,
                changed_for=frozenset({"alice", "erin"}),
            ),
        ],
    ),
    "events/lifecycle/admissions/": Route(
        {"lifecycle:admissions"},
        [Request("get", "/events/lifecycle/admissions/", page(403, alice=200))],
    ),
    "events/lifecycle/enrolment/": Route(
        {"lifecycle:enrolment"},
        [
            Request("get", "/events/lifecycle/enrolment/", page(403, alice=200)),
            Request(
                "post",
                "/events/lifecycle/enrolment/",
                page(403, alice=200),
                data={"entry_year": "{intake_year}", "emails": "{freshman_email}"},
                state=ew.stages,
            ),
            Request(
                "post",
                "/events/lifecycle/enrolment/",
                page(403, alice=200),
                data={
                    "entry_year": "{intake_year}",
                    "emails": "{freshman_email}",
                    "confirm": "1",
                },
                state=ew.stages,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "events/lifecycle/graduation/": Route(
        {"lifecycle:graduation"},
        [
            Request("get", "/events/lifecycle/graduation/", page(403, alice=200)),
            Request(
                "post",
                "/events/lifecycle/graduation/",
                page(403, alice=200),
                data={"graduation_year": "{year}", "student_numbers": "WORLD-1"},
                state=ew.stages,
            ),
            Request(
                "post",
                "/events/lifecycle/graduation/",
                page(403, alice=200),
                data={"graduation_year": "{year}", "student_numbers": "WORLD-1", "confirm": "1"},
                state=ew.stages,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "events/lifecycle/destinations/": Route(
        {"lifecycle:destinations"},
        [Request("get", "/events/lifecycle/destinations/?status=pending", page(403, alice=200))],
    ),
    "events/lifecycle/gaps/": Route(
        {"lifecycle:gaps"},
        [
            Request("get", "/events/lifecycle/gaps/", page(403, alice=200)),
            Request(
                "get",
                "/events/lifecycle/gaps/?section=alumni_without_chapter",
                page(403, alice=200),
            ),
        ],
    ),
    "events/lifecycle/gaps/assign-chapters/": Route(
        {"lifecycle:gaps-assign"},
        [
            Request("get", "/events/lifecycle/gaps/assign-chapters/", outcomes(405)),
            Request(
                "post",
                "/events/lifecycle/gaps/assign-chapters/",
                page(403, alice=Redirect("/events/lifecycle/gaps/?section=alumni_without_chapter")),
                state=ew.membership_count,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    # The graduate's destination form: the signed link from the email is the key.
    "events/destination/<str:token>/": Route(
        {"lifecycle:destination"},
        [
            Request("get", "/events/destination/{destination_token}/", outcomes(200)),
            Request("get", "/events/destination/not-a-token/", outcomes(404)),
            Request(
                "post",
                "/events/destination/{destination_token}/",
                outcomes(200),
                data={"city": "Beijing", "employer": "Alumni Robotics"},
                state=ew.destination_state,
                changed_for=frozenset(PERSONAS),
            ),
        ],
    ),
    "api/events/programs": Route({"api:programs"}, [Request("get", "/api/events/programs", api())]),
    "api/events/": Route({"api:events"}, [Request("get", "/api/events/", api())]),
    "api/events/mine": Route({"api:mine"}, [Request("get", "/api/events/mine", api())]),
    "api/events/<int:event_id>": Route(
        {"api:event_detail"},
        [
            Request("get", "/api/events/{public_event}", api()),
            Request("get", "/api/events/{chapter_event}", api(404, alice=200, dave=200, erin=200)),
        ],
    ),
    "api/events/<int:event_id>/registration": Route(
        {"api:register", "api:unregister"},
        [
            Request("get", "/api/events/{webinar}/registration", outcomes(405)),
            Request(
                "post",
                "/api/events/{webinar}/registration",
                api(201, hank=404),
                data={},
                json=True,
                state=ew.registration_state,
                changed_for=frozenset(WITH_PERSON),
            ),
            # Everyone's own place only: each persona cancels what they just took.
            Request(
                "delete",
                "/api/events/{webinar}/registration",
                api(200, hank=404),
                state=ew.registration_state,
                changed_for=frozenset(WITH_PERSON),
            ),
            Request("delete", "/api/events/{ceremony}/registration", api(404)),
        ],
    ),
    "api/events/check-ins": Route(
        {"api:check_in"},
        [
            Request("get", "/api/events/check-ins", outcomes(405)),
            Request(
                "post",
                "/api/events/check-ins",
                api(403, alice=200, gina=200),
                data={"token": "{api_checkin}"},
                json=True,
                state=ew.registration_state,
                changed_for=frozenset({"alice", "gina"}),
            ),
        ],
    ),
    # Mentoring (alma/mentoring). The world: dave and erin mentor in an open cycle where carol
    # and gina applied; in an active cycle dave mentors carol and a student asked bob; a third
    # cycle has a proposal for the office. See alma/mentoring/tests/world.py.
    "mentoring/": Route({"mentoring:index"}, [Request("get", "/mentoring/", page())]),
    "mentoring/programs/new/": Route(
        {"mentoring:program-new"},
        [
            Request("get", "/mentoring/programs/new/", page(403, alice=200)),
            Request(
                "post",
                "/mentoring/programs/new/",
                page(403, alice=302),
                data={"name": "Flash hour", "kind": "flash", "cycle_name": "Autumn"},
                state=mw.program_count,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "mentoring/programs/<int:pk>/cycles/new/": Route(
        {"mentoring:cycle-new"},
        [
            Request("get", "/mentoring/programs/{m_program}/cycles/new/", page(403, alice=200)),
            Request(
                "post",
                "/mentoring/programs/{m_program}/cycles/new/",
                page(403, alice=302),
                data={"name": "Autumn"},
                state=mw.cycle_count,
                changed_for=frozenset({"alice"}),
            ),
            Request("get", "/mentoring/programs/999999/cycles/new/", page(403, alice=404)),
        ],
    ),
    "mentoring/cycles/<int:pk>/": Route(
        {"mentoring:cycle"},
        [
            Request("get", "/mentoring/cycles/{m_cycle}/", page()),
            Request("get", "/mentoring/cycles/999999/", page(404)),
        ],
    ),
    "mentoring/cycles/<int:pk>/phase/": Route(
        {"mentoring:cycle-phase"},
        [
            Request("get", "/mentoring/cycles/{m_phase_cycle}/phase/", outcomes(405)),
            Request(
                "post",
                "/mentoring/cycles/{m_phase_cycle}/phase/",
                page(403, alice=302),
                data={"phase": "matching"},
                state=mw.phase_of,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    # Mentors are alumni and staff (alice holds an office post).
    "mentoring/cycles/<int:pk>/mentor/": Route(
        {"mentoring:mentor-sign-up"},
        [
            Request(
                "get",
                "/mentoring/cycles/{m_cycle}/mentor/",
                page(403, alice=200, bob=200, dave=200, erin=200),
            ),
            Request(
                "post",
                "/mentoring/cycles/{m_cycle}/mentor/",
                page(403, alice=302, bob=302, dave=302, erin=302),
                data={"capacity": "4", "topics": "careers"},
                state=mw.mentor_state,
                changed_for=frozenset({"alice", "bob", "dave", "erin"}),
            ),
        ],
    ),
    "mentoring/cycles/<int:pk>/apply/": Route(
        {"mentoring:apply"},
        [
            Request("get", "/mentoring/cycles/{m_cycle}/apply/", page(403, carol=200, gina=200)),
            Request(
                "post",
                "/mentoring/cycles/{m_cycle}/apply/",
                page(403, carol=302, gina=302),
                data={"goals": "A career in law"},
                state=mw.mentee_state,
                changed_for=frozenset({"carol", "gina"}),
            ),
        ],
    ),
    "mentoring/cycles/<int:pk>/mentors/": Route(
        {"mentoring:mentors"},
        [
            Request(
                "get",
                "/mentoring/cycles/{m_cycle}/mentors/",
                page(403, alice=200, carol=200, gina=200),
            )
        ],
    ),
    "mentoring/cycles/<int:pk>/mentors/<int:mentor_pk>/request/": Route(
        {"mentoring:mentor-request"},
        [
            Request(
                "get",
                "/mentoring/cycles/{m_cycle}/mentors/{m_erin_mentor}/request/",
                outcomes(405),
            ),
            Request(
                "post",
                "/mentoring/cycles/{m_cycle}/mentors/{m_erin_mentor}/request/",
                page(403, carol=302, gina=302),
                data={"message": "Hello"},
                state=mw.pair_state,
                changed_for=frozenset({"carol", "gina"}),
            ),
        ],
    ),
    # A pair is seen by its mentor, its mentee and the office; a proposal by the office only.
    "mentoring/pairs/<int:pk>/": Route(
        {"mentoring:mentorship"},
        [
            Request("get", "/mentoring/pairs/{m_pair}/", page(404, alice=200, carol=200, dave=200)),
            Request("get", "/mentoring/pairs/{m_proposal}/", page(404, alice=200)),
            Request("get", "/mentoring/pairs/999999/", page(404)),
        ],
    ),
    "mentoring/pairs/<int:pk>/respond/": Route(
        {"mentoring:respond"},
        [
            Request("get", "/mentoring/pairs/{m_request}/respond/", outcomes(405)),
            Request(
                "post",
                "/mentoring/pairs/{m_request}/respond/",
                page(404, alice=400, bob=302),
                data={"answer": "decline"},
                state=mw.pair_state,
                changed_for=frozenset({"bob"}),
            ),
        ],
    ),
    "mentoring/pairs/<int:pk>/messages/": Route(
        {"mentoring:messages"},
        [
            Request("get", "/mentoring/pairs/{m_pair}/messages/", outcomes(405)),
            # The mentor and the mentee only; the office reads the pair, not their messages.
            Request("post", "/mentoring/pairs/{m_pair}/messages/", page(404, carol=302, dave=302)),
        ],
    ),
    "mentoring/pairs/<int:pk>/edit/": Route(
        {"mentoring:edit"},
        [
            Request("get", "/mentoring/pairs/{m_proposal}/edit/", outcomes(405)),
            Request(
                "post",
                "/mentoring/pairs/{m_proposal}/edit/",
                page(403, alice=302),
                data={"mentor": "{m_other_mentor}"},
                state=mw.pair_state,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "mentoring/pairs/<int:pk>/meetings/": Route(
        {"mentoring:meeting-add"},
        [
            Request("get", "/mentoring/pairs/{m_pair}/meetings/", outcomes(405)),
            Request(
                "post",
                "/mentoring/pairs/{m_pair}/meetings/",
                page(404, alice=400, carol=302, dave=302),
                data={"occurred_at": "{today}T10:00", "topic": "work"},
                state=mw.pair_activity,
                changed_for=frozenset({"carol", "dave"}),
            ),
        ],
    ),
    "mentoring/pairs/<int:pk>/meetings/<int:meeting_pk>/rate/": Route(
        {"mentoring:meeting-rate"},
        [
            Request("get", "/mentoring/pairs/{m_pair}/meetings/{m_meeting}/rate/", outcomes(405)),
            # Only the mentee rates.
            Request(
                "post",
                "/mentoring/pairs/{m_pair}/meetings/{m_meeting}/rate/",
                page(404, alice=400, carol=302, dave=400),
                data={"rating": "4"},
                state=mw.pair_activity,
                changed_for=frozenset({"carol"}),
            ),
        ],
    ),
    "mentoring/pairs/<int:pk>/goals/": Route(
        {"mentoring:goals"},
        [
            Request("get", "/mentoring/pairs/{m_pair}/goals/", outcomes(405)),
            Request(
                "post",
                "/mentoring/pairs/{m_pair}/goals/",
                page(404, alice=400, carol=302, dave=302),
                data={"text": "Finish the CV"},
                state=mw.pair_activity,
                changed_for=frozenset({"carol", "dave"}),
            ),
        ],
    ),
    "mentoring/pairs/<int:pk>/survey/": Route(
        {"mentoring:survey"},
        [
            Request("get", "/mentoring/pairs/{m_pair}/survey/", outcomes(405)),
            Request(
                "post",
                "/mentoring/pairs/{m_pair}/survey/",
                page(404, alice=400, carol=302, dave=302),
                data={"satisfaction": "5"},
                state=mw.survey_count,
                changed_for=frozenset({"carol", "dave"}),
            ),
        ],
    ),
    "mentoring/cycles/<int:pk>/matching/": Route(
        {"mentoring:matching"},
        [
            Request("get", "/mentoring/cycles/{m_other_cycle}/matching/", page(403, alice=200)),
            Request(
                "post",
                "/mentoring/cycles/{m_other_cycle}/matching/",
                page(403, alice=302),
                data={"solver": "greedy"},
                state=mw.run_count,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "mentoring/cycles/<int:pk>/publish/": Route(
        {"mentoring:publish"},
        [
            Request("get", "/mentoring/cycles/{m_other_cycle}/publish/", outcomes(405)),
            Request(
                "post",
                "/mentoring/cycles/{m_other_cycle}/publish/",
                page(403, alice=302),
                state=mw.pair_state,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    # A mentor meets all their active mentees at once: dave has one in the active cycle.
    "mentoring/cycles/<int:pk>/group-meeting/": Route(
        {"mentoring:group-meeting"},
        [
            Request("get", "/mentoring/cycles/{m_active_cycle}/group-meeting/", outcomes(405)),
            Request(
                "post",
                "/mentoring/cycles/{m_active_cycle}/group-meeting/",
                page(403, alice=400, bob=400, dave=302, erin=400),
                data={"occurred_at": "{today}T09:00", "topic": "study"},
                state=mw.pair_activity,
                changed_for=frozenset({"dave"}),
            ),
        ],
    ),
    "mentoring/cycles/<int:pk>/dashboard/": Route(
        {"mentoring:dashboard"},
        [Request("get", "/mentoring/cycles/{m_active_cycle}/dashboard/", page(403, alice=200))],
    ),
    "api/mentoring/mine": Route(
        {"api:my_mentorships"}, [Request("get", "/api/mentoring/mine", api())]
    ),
    "api/mentoring/cycles/<cycle_id>/mentors": Route(
        {"api:cycle_mentors"},
        [
            Request(
                "get",
                "/api/mentoring/cycles/{m_cycle}/mentors",
                api(403, alice=200, carol=200, gina=200),
            )
        ],
    ),
    "i18n/setlang/": Route(
        {"set_language"},
        [
            Request("get", "/i18n/setlang/", outcomes(Redirect("/"))),
            Request(
                "post",
                "/i18n/setlang/",
                outcomes(Redirect("/people/")),
                data={"language": "zh-hans", "next": "/people/"},
            ),
        ],
    ),
    # The whole admin, through a representative set: only the alumni office gets in.
    "admin/": Route(
        set(),
        [
            Request("get", "/admin/", ADMIN_PAGE),
            Request("get", "/admin/people/person/", ADMIN_PAGE),
            Request("get", "/admin/people/person/{carol_person}/change/", ADMIN_PAGE),
            Request("get", "/admin/people/person/{carol_person}/history/", ADMIN_PAGE),
            # Without the inline forms' data the office's form is refused; others never get in.
            Request(
                "post",
                "/admin/people/person/{carol_person}/change/",
                ADMIN_PAGE,
                data={"full_name": "Renamed", "stage": "alumnus"},
                state=carol_record,
            ),
            Request("get", "/admin/accounts/user/{carol_user}/change/", ADMIN_PAGE),
            Request("get", "/admin/activity/activity/", ADMIN_PAGE),
            Request("get", "/admin/login/", outcomes(200, alice=Redirect("/admin/"))),
        ],
    ),
    # Imports, duplicates and exports (alma/imports): the alumni office only; exports for staff.
    "imports/": Route({"imports:list"}, [Request("get", "/imports/", page(403, alice=200))]),
    "imports/<int:pk>/": Route(
        {"imports:detail"}, [Request("get", "/imports/999999/", page(403, alice=404))]
    ),
    "imports/<int:pk>/errors.csv": Route(
        {"imports:errors-csv"}, [Request("get", "/imports/999999/errors.csv", page(403, alice=404))]
    ),
    "imports/<int:pk>/commit/": Route(
        {"imports:commit"},
        [
            Request("get", "/imports/999999/commit/", outcomes(405)),
            Request("post", "/imports/999999/commit/", page(403, alice=404)),
        ],
    ),
    "imports/<int:pk>/progress/": Route(
        {"imports:progress"}, [Request("get", "/imports/999999/progress/", page(403, alice=404))]
    ),
    "imports/export/": Route(
        {"imports:export"}, [Request("get", "/imports/export/?q=Carol", page(403, staff=200))]
    ),
    "imports/duplicates/": Route(
        {"imports:duplicates"}, [Request("get", "/imports/duplicates/", page(403, alice=200))]
    ),
    "imports/duplicates/<int:pk>/merge/": Route(
        {"imports:merge"},
        [
            Request("get", "/imports/duplicates/999999/merge/", outcomes(405)),
            Request("post", "/imports/duplicates/999999/merge/", page(403, alice=404)),
        ],
    ),
    "imports/duplicates/<int:pk>/dismiss/": Route(
        {"imports:dismiss"},
        [
            Request("get", "/imports/duplicates/999999/dismiss/", outcomes(405)),
            Request("post", "/imports/duplicates/999999/dismiss/", page(403, alice=404)),
        ],
    ),
    "imports/duplicates/groups/<int:group>/merge/": Route(
        {"imports:group-merge"},
        [
            Request("get", "/imports/duplicates/groups/999999/merge/", outcomes(405)),
            # an unknown group: a clear message, nothing merged
            Request(
                "post",
                "/imports/duplicates/groups/999999/merge/",
                page(403, alice=400),
                data={"person": ["999999", "999998"]},
            ),
        ],
    ),
    "imports/duplicates/groups/<int:group>/dismiss/": Route(
        {"imports:group-dismiss"},
        [
            Request("get", "/imports/duplicates/groups/999999/dismiss/", outcomes(405)),
            Request("post", "/imports/duplicates/groups/999999/dismiss/", page(403, alice=400)),
        ],
    ),
    "imports/duplicates/merge-above/": Route(
        {"imports:merge-above"},
        [
            Request("get", "/imports/duplicates/merge-above/", outcomes(405)),
            Request(
                "post",
                "/imports/duplicates/merge-above/",
                page(403, alice=Redirect("/imports/duplicates/")),
                data={"threshold": "0.99"},
            ),
        ],
    ),
    "imports/merges/<int:pk>/undo/": Route(
        {"imports:undo"},
        [
            Request("get", "/imports/merges/999999/undo/", outcomes(405)),
            Request("post", "/imports/merges/999999/undo/", page(403, alice=404)),
        ],
    ),
    # Segments (saved directory searches): the alumni office only.
    "imports/segments/": Route(
        {"imports:segments"}, [Request("get", "/imports/segments/", page(403, alice=200))]
    ),
    "imports/segments/new/": Route(
        {"imports:segment-new"},
        [
            Request("get", "/imports/segments/new/?q=Carol&year=2010", page(403, alice=200)),
            Request(
                "post",
                "/imports/segments/new/?q=Carol",
                page(403, alice=Redirect("/imports/segments/")),
                data={"name": "Carol and friends", "description": ""},
                state=segment_names,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "imports/segments/<int:pk>/": Route(
        {"imports:segment"},
        [
            Request("get", "/imports/segments/{segment}/", page(403, alice=200)),
            Request("get", "/imports/segments/999999/", page(403, alice=404)),
            Request(
                "post",
                "/imports/segments/{segment}/",
                page(403, alice=Redirect("/imports/segments/")),
                data={"name": "Renamed", "description": "Renamed by the office"},
                state=segment_names,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "imports/segments/<int:pk>/delete/": Route(
        {"imports:segment-delete"},
        [
            Request("get", "/imports/segments/{doomed_segment}/delete/", page(403, alice=200)),
            Request(
                "post",
                "/imports/segments/{doomed_segment}/delete/",
                page(403, alice=Redirect("/imports/segments/")),
                state=doomed_segment_exists,
                changed_for=frozenset({"alice"}),
            ),
            Request("post", "/imports/segments/999999/delete/", page(403, alice=404)),
        ],
    ),
    "imports/segments/<int:pk>/open/": Route(
        {"imports:segment-open"},
        [
            Request(
                "get",
                "/imports/segments/{segment}/open/",
                page(403, alice=Redirect("/directory/?q=Carol")),
            ),
            Request("get", "/imports/segments/999999/open/", page(403, alice=404)),
        ],
    ),
    "imports/segments/<int:pk>/export/": Route(
        {"imports:segment-export"},
        [
            Request(
                "get",
                "/imports/segments/{segment}/export/?format=csv",
                page(403, alice=200),
                state=segment_export_count,
                changed_for=frozenset({"alice"}),
            ),
            Request("get", "/imports/segments/{segment}/export/?format=xlsx", page(403, alice=200)),
            Request("get", "/imports/segments/999999/export/", page(403, alice=404)),
        ],
    ),
    # Giving (alma/giving). The world: dave gave to the Li Family Scholarship, frank's company
    # to the hardship fund; carol holds a paid award and wrote two letters (one approved); gina
    # applied without letting donors see her name. See alma/giving/tests/world.py.
    "giving/": Route({"giving:funds"}, [Request("get", "/giving/", page())]),
    "giving/funds/new/": Route(
        {"giving:fund-new"},
        [
            Request("get", "/giving/funds/new/", page(403, alice=200)),
            Request(
                "post",
                "/giving/funds/new/",
                page(403, alice=302),
                data={
                    "name": "Wang Exchange Fund",
                    "code": "wang-exchange",
                    "purpose": "study_abroad",
                },
                state=fund_count,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "giving/funds/<int:pk>/": Route(
        {"giving:fund"},
        [
            Request("get", "/giving/funds/{fund}/", page()),
            Request("get", "/giving/funds/999999/", page(404)),
        ],
    ),
    "giving/funds/<int:pk>/statement/": Route(
        {"giving:statement"},
        [
            Request("get", "/giving/funds/{fund}/statement/", page(403, alice=200)),
            Request(
                "get",
                "/giving/funds/{fund}/statement/?start=2020-01-01&end={today}&format=csv",
                page(403, alice=200),
            ),
            Request(
                "get",
                "/giving/funds/{fund}/statement/?start={today}&end=2020-01-01",
                page(403, alice=400),
            ),
        ],
    ),
    "giving/funds/<int:pk>/transfer/": Route(
        {"giving:transfer"},
        [
            Request("get", "/giving/funds/{fund}/transfer/", outcomes(405)),
            Request(
                "post",
                "/giving/funds/{fund}/transfer/",
                page(403, alice=302),
                data={"to_fund": "{other_fund}", "amount": "100.00", "reason": "Rebalance"},
                state=entry_count,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "giving/funds/<int:pk>/rounds/new/": Route(
        {"giving:round-new"},
        [
            Request("get", "/giving/funds/{fund}/rounds/new/", outcomes(405)),
            Request(
                "post",
                "/giving/funds/{fund}/rounds/new/",
                page(403, alice=302),
                data={
                    "name": "Autumn round",
                    "criteria": "Excellent grades",
                    "amount": "2000",
                    "places": "2",
                    "opens_on": "{today}",
                    "closes_on": "{today}",
                },
                state=round_count,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "giving/gifts/": Route(
        {"giving:gifts"}, [Request("get", "/giving/gifts/", page(403, alice=200))]
    ),
    "giving/gifts/new/": Route(
        {"giving:gift-new"},
        [
            Request("get", "/giving/gifts/new/?q=Dave", page(403, alice=200)),
            Request("get", "/giving/gifts/new/?person={dave_person}", page(403, alice=200)),
            Request(
                "post",
                "/giving/gifts/new/",
                page(403, alice=302),
                data={
                    "person": "{dave_person}",
                    "fund": "{fund}",
                    "kind": "money",
                    "amount": "88.80",
                    "currency": "CNY",
                    "received_on": "{today}",
                },
                state=gift_count,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "giving/gifts/<int:pk>/reverse/": Route(
        {"giving:gift-reverse"},
        [
            Request("get", "/giving/gifts/{company_gift}/reverse/", outcomes(405)),
            Request(
                "post",
                "/giving/gifts/{company_gift}/reverse/",
                page(403, alice=302),
                data={"reason": "Returned to the donor"},
                state=entry_count,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "giving/gifts/<int:pk>/match/": Route(
        {"giving:gift-match"},
        [
            Request("get", "/giving/gifts/{matched_gift}/match/", outcomes(405)),
            Request(
                "post",
                "/giving/gifts/{matched_gift}/match/",
                page(403, alice=302),
                data={"offer": "{offer}"},
                state=gift_count,
                changed_for=frozenset({"alice"}),
            ),
            Request("post", "/giving/gifts/{matched_gift}/match/", page(403, alice=404), data={}),
        ],
    ),
    "giving/donors/<int:pk>/recurring/": Route(
        {"giving:recurring-new"},
        [
            Request("get", "/giving/donors/{dave_donor}/recurring/", outcomes(405)),
            Request(
                "post",
                "/giving/donors/{dave_donor}/recurring/",
                page(403, alice=302),
                data={
                    "fund": "{fund}",
                    "amount": "50",
                    "interval": "quarterly",
                    "starts_on": "{today}",
                },
                state=recurring_count,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "giving/recurring/<int:pk>/collect/": Route(
        {"giving:recurring-collect"},
        [
            Request("get", "/giving/recurring/{plan}/collect/", outcomes(405)),
            Request(
                "post",
                "/giving/recurring/{plan}/collect/",
                page(403, alice=302),
                state=gift_count,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    # A receipt is the donor's (an organisation's: its representatives') and the office's.
    "giving/receipts/<int:pk>.pdf": Route(
        {"giving:receipt"},
        [
            Request("get", "/giving/receipts/{dave_receipt}.pdf", page(404, alice=200, dave=200)),
            Request(
                "get", "/giving/receipts/{company_receipt}.pdf", page(404, alice=200, frank=200)
            ),
            Request("get", "/giving/receipts/999999.pdf", page(404)),
        ],
    ),
    "giving/receipts/wording/": Route(
        {"giving:wording"},
        [
            Request("get", "/giving/receipts/wording/", page(403, alice=200)),
            Request(
                "post",
                "/giving/receipts/wording/",
                page(403, alice=Redirect("/giving/receipts/wording/")),
                data={
                    "organisation": "Education Foundation",
                    "title": "Thank you",
                    "body": "Thank you, {{donor}}, for {{amount}}.",
                    "footer": "Not a donation invoice.",
                },
                state=wording_count,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "giving/donors/<int:pk>/": Route(
        {"giving:donor"},
        [
            Request("get", "/giving/donors/{dave_donor}/", page(403, alice=200)),
            Request("get", "/giving/donors/{company_donor}/?format=xlsx", page(403, alice=200)),
        ],
    ),
    "giving/donors/<int:pk>/summary/<int:year>.pdf": Route(
        {"giving:summary"},
        [
            Request(
                "get",
                "/giving/donors/{dave_donor}/summary/{year}.pdf",
                page(404, alice=200, dave=200),
            ),
            Request(
                "get",
                "/giving/donors/{company_donor}/summary/{year}.pdf",
                page(404, alice=200, frank=200),
            ),
        ],
    ),
    "giving/donors/<int:pk>/anonymity/": Route(
        {"giving:anonymity"},
        [
            Request("get", "/giving/donors/{dave_donor}/anonymity/", outcomes(405)),
            Request(
                "post",
                "/giving/donors/{dave_donor}/anonymity/",
                page(404, alice=Redirect("/giving/impact/"), dave=Redirect("/giving/impact/")),
                data={"anonymous": "1"},
                state=dave_anonymous,
                changed_for=frozenset({"alice", "dave"}),
            ),
        ],
    ),
    "giving/reports/": Route(
        {"giving:reports"},
        [
            Request("get", "/giving/reports/", page(403, alice=200)),
            Request("get", "/giving/reports/?year={year}&format=pdf", page(403, alice=200)),
        ],
    ),
    "giving/impact/": Route({"giving:impact"}, [Request("get", "/giving/impact/", page())]),
    "giving/give/": Route(
        {"giving:give"},
        [
            Request("get", "/giving/give/", page(200, hank=404)),
            Request(
                "post",
                "/giving/give/",
                page(Redirect("/giving/impact/"), hank=404),
                data={
                    "fund": "{fund}",
                    "total": "1200",
                    "instalments": "12",
                    "months_between": "1",
                    "first_due_on": "{today}",
                },
                state=pledge_count,
                changed_for=frozenset(WITH_PERSON),
            ),
        ],
    ),
    "giving/rounds/<int:pk>/": Route(
        {"giving:round"},
        [
            Request("get", "/giving/rounds/{round}/", page()),
            Request("get", "/giving/rounds/{open_round}/", page()),
            Request("get", "/giving/rounds/999999/", page(404)),
        ],
    ),
    "giving/rounds/<int:pk>/apply/": Route(
        {"giving:apply"},
        [
            Request("get", "/giving/rounds/{open_round}/apply/", outcomes(405)),
            Request(
                "post",
                "/giving/rounds/{open_round}/apply/",
                page(403, carol=302, gina=302),
                data={"statement": "I would use it well."},
                state=application_count,
                changed_for=frozenset({"carol", "gina"}),
            ),
        ],
    ),
    "giving/rounds/<int:pk>/close/": Route(
        {"giving:round-close"},
        [
            Request("get", "/giving/rounds/{open_round}/close/", outcomes(405)),
            Request(
                "post",
                "/giving/rounds/{open_round}/close/",
                page(403, alice=302),
                state=open_round_status,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    # The committee (here the office) scores and decides gina's application, then finishes.
    "giving/applications/<int:pk>/score/": Route(
        {"giving:score"},
        [
            Request("get", "/giving/applications/{gina_application}/score/", outcomes(405)),
            Request(
                "post",
                "/giving/applications/{gina_application}/score/",
                page(403, alice=302),
                data={"score": "8", "comment": "Promising"},
                state=score_count,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "giving/applications/<int:pk>/decide/": Route(
        {"giving:decide"},
        [
            Request("get", "/giving/applications/{gina_application}/decide/", outcomes(405)),
            Request(
                "post",
                "/giving/applications/{gina_application}/decide/",
                page(403, alice=302),
                data={"decision": "award"},
                state=award_count,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "giving/rounds/<int:pk>/finish/": Route(
        {"giving:round-finish"},
        [
            Request("get", "/giving/rounds/{round}/finish/", outcomes(405)),
            Request(
                "post",
                "/giving/rounds/{round}/finish/",
                page(403, alice=302),
                state=round_status,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "giving/rounds/<int:pk>/ceremony/": Route(
        {"giving:ceremony"},
        [
            Request("get", "/giving/rounds/{round}/ceremony/", outcomes(405)),
            Request(
                "post",
                "/giving/rounds/{round}/ceremony/",
                page(403, alice=302),
                data={"event": "{ceremony}"},
                state=ceremony_guests,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "giving/applications/<int:pk>/named/": Route(
        {"giving:named"},
        [
            Request("get", "/giving/applications/{carol_application}/named/", outcomes(405)),
            Request(
                "post",
                "/giving/applications/{carol_application}/named/",
                page(404, carol=Redirect("/giving/awards/")),
                data={"named": "0"},
                state=carol_named,
                changed_for=frozenset({"carol"}),
            ),
        ],
    ),
    # Private uploads: the applicant, the office and the committee; a 404 for everyone else.
    "giving/documents/<int:pk>/": Route(
        {"giving:document"},
        [
            Request("get", "/giving/documents/{carol_document}/", page(404, alice=200, carol=200)),
            Request("get", "/giving/documents/999999/", page(404)),
        ],
    ),
    "giving/awards/": Route(
        {"giving:my-awards"}, [Request("get", "/giving/awards/", page(200, hank=404))]
    ),
    "giving/awards/<int:pk>/pay/": Route(
        {"giving:pay"},
        [
            Request("get", "/giving/awards/{award}/pay/", outcomes(405)),
            # Paid in full already: the office is told so and nothing is written.
            Request(
                "post",
                "/giving/awards/{award}/pay/",
                page(403, alice=302),
                state=entry_count,
            ),
        ],
    ),
    "giving/awards/<int:pk>/letters/": Route(
        {"giving:letter-new"},
        [
            Request("get", "/giving/awards/{award}/letters/", outcomes(405)),
            Request(
                "post",
                "/giving/awards/{award}/letters/",
                page(404, carol=Redirect("/giving/awards/")),
                data={"text": "Thank you for believing in me."},
                state=letter_count,
                changed_for=frozenset({"carol"}),
            ),
        ],
    ),
    "giving/letters/": Route(
        {"giving:letters"}, [Request("get", "/giving/letters/", page(403, alice=200))]
    ),
    "giving/letters/<int:pk>/review/": Route(
        {"giving:letter-review"},
        [
            Request("get", "/giving/letters/{pending_letter}/review/", outcomes(405)),
            Request(
                "post",
                "/giving/letters/{pending_letter}/review/",
                page(403, alice=Redirect("/giving/letters/")),
                data={"decision": "approve"},
                state=pending_letter_status,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "api/giving/funds": Route({"api:funds"}, [Request("get", "/api/giving/funds", api())]),
    "api/giving/impact": Route({"api:my_impact"}, [Request("get", "/api/giving/impact", api())]),
    "api/giving/gifts": Route(
        {"api:record_gift"},
        [
            Request("get", "/api/giving/gifts", outcomes(405)),
            Request(
                "post",
                "/api/giving/gifts",
                api(403, alice=201),
                data={"fund_id": "{fund}", "person_id": "{dave_person}", "amount": "500.00"},
                json=True,
                state=gift_count,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "api/giving/awards/<award_id>/payments": Route(
        {"api:pay_award"},
        [
            # Paid in full: the office gets the reason as a 422.
            Request(
                "post",
                "/api/giving/awards/{award}/payments",
                api(403, alice=422),
                data={},
                json=True,
                state=entry_count,
            ),
        ],
    ),
    # Insights (alma/insights): the alumni office and staff; the office alone sees a person's
    # engagement and refreshes the figures. Exports and the PDF answer like their pages.
    "insights/": Route(
        {"insights:dashboard"},
        [
            Request("get", "/insights/", INSIGHTS),
            Request("get", "/insights/?entry_year=2020&fiscal_year=all", INSIGHTS),
            Request("get", "/insights/?entry_year=someday", page(403, alice=400, bob=400)),
        ],
    ),
    "insights/coverage/export/": Route(
        {"insights:coverage-export"},
        [
            Request("get", "/insights/coverage/export/?format=csv", INSIGHTS),
            Request("get", "/insights/coverage/export/?format=xlsx", INSIGHTS),
            Request("get", "/insights/coverage/export/?format=doc", page(403, alice=400, bob=400)),
        ],
    ),
    "insights/students/": Route(
        {"insights:students"},
        [
            Request(
                "get",
                "/insights/students/?stage=in_school&aspect=study&provider=teaching&served=1",
                INSIGHTS,
            ),
            Request("get", "/insights/students/?served=0&stage=leaving", INSIGHTS),
            Request("get", "/insights/students/?served=all", INSIGHTS),
            Request("get", "/insights/students/?provider=robots", page(403, alice=400, bob=400)),
        ],
    ),
    "insights/engagement/": Route(
        {"insights:aem"},
        [
            Request("get", "/insights/engagement/", INSIGHTS),
            Request("get", "/insights/engagement/?fiscal_year=2024", INSIGHTS),
        ],
    ),
    "insights/engagement/export/": Route(
        {"insights:aem-export"},
        [Request("get", "/insights/engagement/export/?format=xlsx", INSIGHTS)],
    ),
    "insights/engagement/alumni/": Route(
        {"insights:engaged"},
        [
            Request("get", "/insights/engagement/alumni/?mode=volunteer", INSIGHTS),
            Request(
                "get", "/insights/engagement/alumni/?breakdown=chapter&value=Chengdu", INSIGHTS
            ),
            Request("get", "/insights/engagement/alumni/?mode=x", page(403, alice=400, bob=400)),
        ],
    ),
    "insights/belonging/": Route(
        {"insights:belonging"}, [Request("get", "/insights/belonging/", INSIGHTS)]
    ),
    "insights/belonging/export/": Route(
        {"insights:belonging-export"},
        [Request("get", "/insights/belonging/export/?format=csv", INSIGHTS)],
    ),
    "insights/report.pdf": Route(
        {"insights:report"},
        [
            Request("get", "/insights/report.pdf?language=zh-hans", INSIGHTS),
            Request("get", "/insights/report.pdf?language=fr", page(403, alice=400, bob=400)),
        ],
    ),
    "insights/people/<int:pk>/engagement/": Route(
        {"insights:person-engagement"},
        [
            Request("get", "/insights/people/{dave_person}/engagement/", page(403, alice=200)),
            Request("get", "/insights/people/999999/engagement/", page(403, alice=404)),
        ],
    ),
    "insights/refresh/": Route(
        {"insights:refresh"},
        [
            Request("get", "/insights/refresh/", outcomes(405)),
            Request(
                "post",
                "/insights/refresh/",
                page(403, alice=Redirect("/insights/")),
                state=insights_refresh_requested,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "api/insights/coverage": Route(
        {"api:coverage"},
        [
            Request("get", "/api/insights/coverage?entry_year=2020", INSIGHTS_API),
            Request("get", "/api/insights/coverage?entry_year=x", api(403, alice=422, bob=422)),
        ],
    ),
    "api/insights/aem": Route(
        {"api:aem"}, [Request("get", "/api/insights/aem?fiscal_year=2024", INSIGHTS_API)]
    ),
    "api/insights/belonging": Route(
        {"api:belonging"}, [Request("get", "/api/insights/belonging", INSIGHTS_API)]
    ),
    # Not in the resolver: WhiteNoise serves static files; nothing serves media yet.
    "static": Route(
        set(),
        [
            Request("get", "/static/alma/alma.css", outcomes(200)),
            Request("get", "/static/django_htmx/htmx-2.min.js", outcomes(200)),
            Request("get", "/static/ninja/swagger-ui-bundle.js", outcomes(200)),
            Request("get", "/static/no-such-file.css", outcomes(404)),
        ],
        in_resolver=False,
    ),
    "media": Route(set(), [Request("get", "/media/photo.jpg", outcomes(404))], in_resolver=False),
}
EXPECTATIONS.update(COMMS_EXPECTATIONS)


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    """(route, namespaced name) for every pattern, through every include."""
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry.url_patterns, route, ns)
        else:
            assert isinstance(entry, URLPattern)
            name = entry.name or "<unnamed>"
            yield route, f"{namespace}:{name}" if namespace else name


def route_key(route: str) -> str:
    return "admin/" if route.startswith("admin/") else route


def test_every_url_pattern_has_an_expectation():
    missing = []
    for route, name in walk(get_resolver().url_patterns):
        key = route_key(route)
        if key not in EXPECTATIONS or (key != "admin/" and name not in EXPECTATIONS[key].names):
            missing.append(f"{route} ({name})")
    assert not missing, "Add these to EXPECTATIONS in tests/test_url_roles.py: " + ", ".join(
        missing
    )


def test_every_expectation_names_a_real_pattern():
    present: dict[str, set[str]] = {}
    for route, name in walk(get_resolver().url_patterns):
        present.setdefault(route_key(route), set()).add(name)
    stale = [
        key
        for key, route in EXPECTATIONS.items()
        if route.in_resolver and (key not in present or not route.names <= present[key])
    ]
    assert not stale


def test_the_walk_sees_the_api_and_the_admin():
    found = {route for route, _name in walk(get_resolver().url_patterns)}
    assert "api/people/<int:person_id>" in found
    assert "admin/people/person/<path:object_id>/history/" in found


@pytest.fixture
def world(persona_users) -> dict[str, Any]:
    users: dict[str, User] = {k: v for k, v in persona_users.items() if v is not None}
    carol = users["carol"]
    activity = staff_service_log(
        staff=users["bob"], student=carol.person, aspect="study", note="Office hours"
    )
    token, _secret = api_token_create(user=users["alice"], name="alice's script")
    # Alice is also signed in on her phone.
    phone = SessionStore()
    phone[SESSION_KEY] = str(users["alice"].pk)
    phone[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    phone[HASH_SESSION_KEY] = users["alice"].get_session_auth_hash()
    phone.create()
    alice_session = UserSession.objects.create(
        user=users["alice"], session_key=phone.session_key, ip="127.0.0.1", user_agent="Phone"
    )
    f.PersonFactory(email="unclaimed@example.edu")
    # A record without an address: its claim waits for the office.
    f.EducationFactory(person=f.PersonFactory(email=""), student_number="S-CLAIM-1")
    awaiting_claim = record_claim(identifier="S-CLAIM-1", contact_email="claimant@example.edu")
    f.EducationFactory(person=f.PersonFactory(email=""), student_number="S-CLAIM-2")
    refusable_claim = record_claim(identifier="S-CLAIM-2", contact_email="other@example.edu")
    open_person = f.PersonFactory(privacy={"profile": Audience.SIGNED_IN})
    office_person = f.PersonFactory(privacy={"profile": Audience.ALUMNI_OFFICE})
    hidden_person = f.PersonFactory(privacy={"profile": Audience.ONLY_ME})
    segment = Segment.objects.create(name="Carol's search", query={"q": "Carol"})
    doomed_segment = Segment.objects.create(name="To delete", query={"year": ["2010"]})
    return {
        **ew.events_world(users),
        **mw.mentoring_world(users),
        **giving_world(users),
        **cw.comms_world(users),
        **forum_world(users),
        **careers_world(users),
        **support_world(users),
        **photos_world(users),
        "users": persona_users,
        "carol_person": carol.person_id,
        "dave_person": users["dave"].person_id,
        "carol_user": carol.pk,
        "activity": activity.pk,
        "alice_token": token.pk,
        "alice_session": alice_session.pk,
        "unclaimed_email": "unclaimed@example.edu",
        "awaiting_claim": awaiting_claim.pk if awaiting_claim else None,
        "refusable_claim": refusable_claim.pk if refusable_claim else None,
        "open_person": open_person.pk,
        "office_person": office_person.pk,
        "hidden_person": hidden_person.pk,
        "segment": segment.pk,
        "doomed_segment": doomed_segment.pk,
        "today": timezone.localdate().isoformat(),
    }


def _fill(value: Any, world: dict[str, Any]) -> Any:
    if callable(value):
        return value(world)
    if isinstance(value, str):
        return value.format(**world)
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    return value


def _describe(response: Any) -> str:
    location = response.headers.get("Location")
    return f"{response.status_code}" + (f" -> {location}" if location else "")


def _check(expected: Any, response: Any, persona: str, user: User | None) -> str | None:
    """None when the response is the expected outcome, else what went wrong."""
    status = response.status_code
    location = response.headers.get("Location", "")
    if expected == LOGIN:
        ok = status == 302 and location.startswith("/accounts/login/?next=")
    elif expected == SAML_TO_IDP:
        ok = status == 302 and location.startswith(SAML_IDP_SSO_URL)
    elif expected == ADMIN_LOGIN:
        ok = status == 302 and location.startswith("/admin/login/?next=/admin/")
    elif expected == OWN_PROFILE:
        assert user is not None
        ok = status == 302 and location == f"/people/{user.person_id}/"
    elif isinstance(expected, Redirect):
        ok = status == 302 and location == expected.to
    else:
        ok = status == expected
    if ok and status == 401 and response.request["PATH_INFO"].startswith("/api/"):
        # The API says why, as JSON, not a sign-in page.
        ok = response.headers["Content-Type"].startswith("application/json")
    if ok:
        return None
    return f"expected {expected}, got {_describe(response)}"


@pytest.mark.parametrize("persona", PERSONAS)
@override_settings(
    WHITENOISE_USE_FINDERS=True,
    WHITENOISE_AUTOREFRESH=True,
    SOCIALACCOUNT_PROVIDERS=sso_providers(),
)
def test_each_route_answers_each_persona_as_expected(persona, world):
    user = world["users"][persona]
    failures = []
    # One client (building a request handler is the slow part), signed in again whenever a
    # request (signing out) ended the session; no language choice carries over.
    # A browser always names the host (the SAML steps read it from the request they keep).
    client = Client(HTTP_HOST="testserver")
    for key, route in EXPECTATIONS.items():
        for request in route.requests:
            client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
            if user is not None and not client.session.get("_auth_user_id"):
                client.force_login(user)
            path = _fill(request.path, world)
            data = _fill(request.data, world)
            before = request.state(world) if request.state else None
            send = getattr(client, request.method)
            if request.json:
                response = send(path, data=data, content_type="application/json")
            elif request.method == "get":
                response = send(path)
            else:
                response = send(path, data=data or {})
            problem = _check(request.expect[persona], response, persona, user)
            if problem is None and request.state is not None:
                changed = request.state(world) != before
                if changed != (persona in request.changed_for):
                    problem = "wrote" if changed else "did not write"
            if problem:
                failures.append(f"{request.method.upper()} {path} [{key}]: {problem}")
    assert not failures, f"{persona}:\n" + "\n".join(failures)


def test_students_are_refused_the_staff_service_log_with_403_not_a_sign_in_page(carol):
    response = client_for(carol).get("/services/")
    assert response.status_code == 403
    assert b"Not allowed" in response.content


def test_an_unknown_person_gets_the_same_answer_as_a_hidden_one(bob):
    hidden = f.PersonFactory(privacy={"profile": Audience.ONLY_ME})
    client = client_for(bob)
    missing = client.get("/people/999999/")
    concealed = client.get(f"/people/{hidden.pk}/")
    assert missing.status_code == concealed.status_code == 404
    assert Person.objects.filter(pk=hidden.pk).exists()


# ---- forum ----
# carol asked a public question dave answered (reported by carol), and a one-to-one question
# to dave that he answered; bob's question is hidden; alice asked another (alma/forum/tests/world.py).
FORUM_MEMBERS_WRITE = {"alice", "bob", "carol", "dave", "erin", "gina"}
FORUM_EXPECTATIONS: dict[str, Route] = {
    "forum/": Route(
        {"forum:index"},
        [
            Request("get", "/forum/", page()),
            Request("get", "/forum/?q=postgraduate&topic=postgraduate&page=2", page()),
            Request("get", "/forum/?event={public_event}", page()),
        ],
    ),
    "forum/ask/": Route(
        {"forum:ask"},
        [
            Request("get", "/forum/ask/", page(403, members=200)),
            Request("get", "/forum/ask/?to={dave_person}", page(403, members=200, dave=404)),
            Request(
                "post",
                "/forum/ask/",
                page(403, members=302),
                data={"title": "New question", "topic": "career", "body": "x", "tags": ""},
                state=fw.forum_question_count,
                changed_for=frozenset(FORUM_MEMBERS_WRITE),
            ),
        ],
    ),
    "forum/questions/<int:pk>/": Route(
        {"forum:question"},
        [
            Request("get", "/forum/questions/{forum_question}/", page()),
            Request("get", "/forum/questions/{forum_private}/", page(404, carol=200, dave=200)),
            Request("get", "/forum/questions/{forum_hidden}/", page(404, alice=200)),
        ],
    ),
    "forum/questions/<int:pk>/edit/": Route(
        {"forum:question-edit"},
        [
            Request("get", "/forum/questions/{forum_question}/edit/", page(403, carol=200)),
            Request(
                "post",
                "/forum/questions/{forum_question}/edit/",
                page(403, carol=302),
                data={"title": "Edited", "body": "b", "tags": ""},
                state=fw.forum_question_state,
                changed_for=frozenset({"carol"}),
            ),
        ],
    ),
    "forum/questions/<int:pk>/answer/": Route(
        {"forum:answer"},
        [
            Request(
                "post",
                "/forum/questions/{forum_question}/answer/",
                page(403, members=302),
                data={"body": "An answer"},
                state=fw.forum_answer_count,
                changed_for=frozenset(FORUM_MEMBERS_WRITE),
            ),
            Request(
                "post",
                "/forum/questions/{forum_hidden}/answer/",
                page(403, members=404, alice=400),
                data={"body": "An answer"},
                state=fw.forum_answer_count,
            ),
        ],
    ),
    "forum/questions/<int:pk>/comment/": Route(
        {"forum:comment"},
        [
            Request(
                "post",
                "/forum/questions/{forum_question}/comment/",
                page(403, members=302),
                data={"body": "A comment", "answer": "{forum_answer}"},
                state=fw.forum_comment_count,
                changed_for=frozenset(FORUM_MEMBERS_WRITE),
            ),
            Request(
                "post",
                "/forum/questions/{forum_private}/comment/",
                page(403, members=404, carol=302, dave=302),
                data={"body": "A comment"},
                state=fw.forum_comment_count,
                changed_for=frozenset({"carol", "dave"}),
            ),
        ],
    ),
    "forum/questions/<int:pk>/report/": Route(
        {"forum:report"},
        [
            Request(
                "post",
                "/forum/questions/{forum_question}/report/",
                page(302, hank=403),
                data={"reason": "off topic"},
                state=fw.forum_report_state,
                changed_for=frozenset(set(WITH_PERSON)),
            )
        ],
    ),
    "forum/questions/<int:pk>/moderate/": Route(
        {"forum:moderate"},
        [
            Request(
                "post",
                "/forum/questions/{forum_other}/moderate/",
                page(403, alice=302),
                data={"action": "lock"},
                state=fw.forum_other_state,
                changed_for=frozenset({"alice"}),
            )
        ],
    ),
    "forum/questions/<int:pk>/publish/": Route(
        {"forum:publish"},
        [
            Request(
                "post",
                "/forum/questions/{forum_private}/publish/",
                page(403, members=404, carol=400, dave=302),
                state=fw.forum_private_state,
                changed_for=frozenset({"dave"}),
            )
        ],
    ),
    "forum/answers/<int:pk>/vote/": Route(
        {"forum:vote"},
        [
            Request(
                "post",
                "/forum/answers/{forum_answer}/vote/",
                page(403, members=302, dave=400),
                data={"value": "1"},
                state=fw.forum_answer_state,
                changed_for=frozenset(FORUM_MEMBERS_WRITE - {"dave"}),
            )
        ],
    ),
    "forum/answers/<int:pk>/accept/": Route(
        {"forum:accept"},
        [
            Request(
                "post",
                "/forum/answers/{forum_answer}/accept/",
                page(403, members=400, carol=302),
                state=fw.forum_question_state,
                changed_for=frozenset({"carol"}),
            )
        ],
    ),
    "forum/answers/<int:pk>/edit/": Route(
        {"forum:answer-edit"},
        [
            Request("get", "/forum/answers/{forum_answer}/edit/", page(403, dave=200)),
            Request(
                "post",
                "/forum/answers/{forum_answer}/edit/",
                page(403, dave=302),
                data={"body": "Edited answer"},
                state=fw.forum_answer_state,
                changed_for=frozenset({"dave"}),
            ),
        ],
    ),
    "forum/answers/<int:pk>/moderate/": Route(
        {"forum:answer-moderate"},
        [
            Request(
                "post",
                "/forum/answers/{forum_answer}/moderate/",
                page(403, alice=302),
                data={"action": "hide"},
                state=fw.forum_answer_state,
                changed_for=frozenset({"alice"}),
            )
        ],
    ),
    "forum/invitations/": Route(
        {"forum:invitations"},
        [Request("get", "/forum/invitations/", page(403, dave=200, erin=200))],
    ),
    "forum/preferences/": Route(
        {"forum:preferences"},
        [
            Request("get", "/forum/preferences/", page(403, dave=200, erin=200)),
            Request(
                "post",
                "/forum/preferences/",
                page(403, dave=302, erin=302),
                data={"accepts_questions": "on", "invitations_per_week": "5"},
                state=fw.forum_preference_state,
                changed_for=frozenset({"dave", "erin"}),
            ),
        ],
    ),
    "forum/moderation/": Route(
        {"forum:moderation"}, [Request("get", "/forum/moderation/", page(403, alice=200))]
    ),
    "forum/reports/<int:pk>/": Route(
        {"forum:report-resolve"},
        [
            Request(
                "post",
                "/forum/reports/{forum_report}/",
                page(403, alice=302),
                data={"action": "dismiss"},
                state=fw.forum_report_state,
                changed_for=frozenset({"alice"}),
            )
        ],
    ),
}
EXPECTATIONS.update(FORUM_EXPECTATIONS)


# ---- careers ----
from alma.careers.models import (  # noqa: E402
    AllianceMembership as CareersMembership,
)
from alma.careers.models import (  # noqa: E402
    BoothSignIn,
    CareerProfile,
    EnterpriseVisit,
    JobApplication,
    Posting,
)

CAREER_STUDENTS = {"carol", "gina"}


def posting_count(world: dict[str, Any]) -> int:
    return Posting.objects.count()


def job_application_count(world: dict[str, Any]) -> int:
    return JobApplication.objects.count()


def returnable_status(world: dict[str, Any]) -> str:
    return Posting.objects.get(pk=world["c_returnable"]).status


def carol_internship_step(world: dict[str, Any]) -> str:
    return JobApplication.objects.get(pk=world["c_carol_application"]).status


def career_profile_count(world: dict[str, Any]) -> int:
    return CareerProfile.objects.count()


def membership_count(world: dict[str, Any]) -> int:
    return CareersMembership.objects.count()


def join_status(world: dict[str, Any]) -> str:
    return CareersMembership.objects.get(organization_id=world["c_join_org"]).status


def partner_description(world: dict[str, Any]) -> str:
    from alma.people.models import Organization

    return Organization.objects.get(pk=world["c_partner"]).description


def booth_sign_in_count(world: dict[str, Any]) -> int:
    return BoothSignIn.objects.count()


def visit_count(world: dict[str, Any]) -> int:
    return EnterpriseVisit.objects.count()


def carol_visit(world: dict[str, Any]) -> tuple[str, str]:
    visit = EnterpriseVisit.objects.get(pk=world["c_visit"])
    return visit.status, visit.report


NEW_POSTING = {
    "organization": "{c_partner}",
    "kind": "internship",
    "title": "Quant intern",
    "description": "Models.",
    "deadline": "{c_deadline}",
    "openings": "2",
}
CAREER_OFFICE = page(403, alice=200)
REPS_OF_PARTNER = page(404, alice=200, frank=200)

CAREERS_EXPECTATIONS: dict[str, Route] = {
    "careers/": Route(
        {"careers:postings"},
        [
            Request("get", "/careers/", page()),
            Request("get", "/careers/?q=data&kind=internship&city=Shanghai&major=Finance", page()),
            Request("get", "/careers/?kind=nonsense&page=99", page()),
        ],
    ),
    "careers/postings/new/": Route(
        {"careers:posting-new"},
        [
            Request("get", "/careers/postings/new/", page(403, alice=200, frank=200)),
            Request(
                "post",
                "/careers/postings/new/",
                page(403, alice=302, frank=302),
                data=NEW_POSTING,
                state=posting_count,
                changed_for=frozenset({"alice", "frank"}),
            ),
        ],
    ),
    "careers/postings/<int:pk>/": Route(
        {"careers:posting"},
        [
            Request("get", "/careers/postings/{c_internship}/", page()),
            Request("get", "/careers/postings/{c_pending}/", REPS_OF_PARTNER),
            Request("get", "/careers/postings/999999/", page(404)),
        ],
    ),
    "careers/postings/<int:pk>/apply/": Route(
        {"careers:apply"},
        [
            Request(
                "get", "/careers/postings/{c_internship}/apply/", page(403, carol=200, gina=200)
            ),
            Request("get", "/careers/postings/{c_pending}/apply/", page(404, alice=403, frank=403)),
            Request(
                "post",
                "/careers/postings/{c_internship}/apply/",
                page(403, carol=200, gina=Redirect("/careers/applications/")),
                data={"note": "Keen"},
                state=job_application_count,
                changed_for=frozenset({"gina"}),
            ),
        ],
    ),
    "careers/postings/<int:pk>/review/": Route(
        {"careers:posting-review"},
        [
            Request("get", "/careers/postings/{c_returnable}/review/", page(405)),
            Request(
                "post",
                "/careers/postings/{c_returnable}/review/",
                page(403, alice=Redirect("/careers/review/")),
                data={"decision": "return", "note": "Add a salary band"},
                state=returnable_status,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "careers/postings/<int:pk>/applicants/": Route(
        {"careers:applicants"},
        [
            Request("get", "/careers/postings/{c_internship}/applicants/", REPS_OF_PARTNER),
            # frank represents Partner Co: Other Bank's applicants do not exist for him.
            Request("get", "/careers/postings/{c_bank_job}/applicants/", page(404, alice=200)),
            Request(
                "post",
                "/careers/postings/{c_internship}/applicants/",
                page(404, alice=302, frank=302),
                data={"status": "screening", "application": "{c_carol_application}"},
                state=carol_internship_step,
                changed_for=frozenset({"alice", "frank"}),
            ),
        ],
    ),
    "careers/postings/<int:pk>/candidates/": Route(
        {"careers:candidates"},
        [
            Request("get", "/careers/postings/{c_internship}/candidates/", REPS_OF_PARTNER),
            Request("get", "/careers/postings/{c_bank_job}/candidates/", page(404, alice=200)),
        ],
    ),
    "careers/review/": Route(
        {"careers:review"}, [Request("get", "/careers/review/", CAREER_OFFICE)]
    ),
    "careers/recommended/": Route(
        {"careers:recommended"},
        [Request("get", "/careers/recommended/", page(403, carol=200, gina=200))],
    ),
    "careers/profile/": Route(
        {"careers:profile"},
        [
            Request("get", "/careers/profile/", page(403, carol=200, gina=200)),
            Request(
                "post",
                "/careers/profile/",
                page(
                    403,
                    carol=Redirect("/careers/recommended/"),
                    gina=Redirect("/careers/recommended/"),
                ),
                data={"skills": "Python", "open_to_employers": "on"},
                state=career_profile_count,
                changed_for=frozenset(CAREER_STUDENTS),
            ),
        ],
    ),
    "careers/applications/": Route(
        {"careers:my-applications"},
        [Request("get", "/careers/applications/", page(200, hank=404))],
    ),
    "careers/applications/<int:pk>/cv/": Route(
        {"careers:cv"},
        [
            Request(
                "get",
                "/careers/applications/{c_carol_application}/cv/",
                page(404, alice=200, carol=200, frank=200),
            ),
            Request(
                "get",
                "/careers/applications/{c_carol_bank_application}/cv/",
                page(404, alice=200, carol=200),
            ),
        ],
    ),
    "careers/applications/<int:pk>/withdraw/": Route(
        {"careers:withdraw"},
        [
            Request("get", "/careers/applications/{c_carol_application}/withdraw/", page(405)),
            Request(
                "post",
                "/careers/applications/{c_carol_application}/withdraw/",
                page(404, carol=Redirect("/careers/applications/")),
                state=carol_internship_step,
                changed_for=frozenset({"carol"}),
            ),
        ],
    ),
    "careers/organisations/": Route(
        {"careers:organizations"}, [Request("get", "/careers/organisations/", page())]
    ),
    "careers/organisations/join/": Route(
        {"careers:join"},
        [
            Request("get", "/careers/organisations/join/", page(200, hank=403)),
            Request(
                "post",
                "/careers/organisations/join/",
                page(Redirect("/careers/organisations/"), hank=403),
                data={"name": "New Alumni Co", "kind": "alumni_enterprise"},
                state=membership_count,
                changed_for=frozenset(WITH_PERSON),
            ),
        ],
    ),
    "careers/organisations/<int:pk>/": Route(
        {"careers:organization"},
        [
            Request("get", "/careers/organisations/{c_partner}/", page()),
            Request("get", "/careers/organisations/{c_join_org}/", page(404, alice=200)),
            Request("get", "/careers/organisations/999999/", page(404)),
        ],
    ),
    "careers/organisations/<int:pk>/edit/": Route(
        {"careers:organization-edit"},
        [
            Request("get", "/careers/organisations/{c_partner}/edit/", REPS_OF_PARTNER),
            Request("get", "/careers/organisations/{c_bank}/edit/", page(404, alice=200)),
            Request(
                "post",
                "/careers/organisations/{c_partner}/edit/",
                page(404, alice=302, frank=302),
                data={"industry": "Fintech", "description": "We hire alumni.", "size": "small"},
                state=partner_description,
                changed_for=frozenset({"alice", "frank"}),
            ),
        ],
    ),
    "careers/organisations/<int:pk>/decide/": Route(
        {"careers:decide"},
        [
            Request("get", "/careers/organisations/{c_join_org}/decide/", page(405)),
            Request(
                "post",
                "/careers/organisations/{c_join_org}/decide/",
                page(403, alice=Redirect("/careers/review/")),
                data={"decision": "approve"},
                state=join_status,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "careers/fairs/": Route({"careers:fairs"}, [Request("get", "/careers/fairs/", page())]),
    "careers/fairs/<int:pk>/": Route(
        {"careers:fair"},
        [
            Request("get", "/careers/fairs/{c_fair}/", page()),
            Request("get", "/careers/fairs/999999/", page(404)),
        ],
    ),
    "careers/fairs/<int:pk>/report/": Route(
        {"careers:fair-report"}, [Request("get", "/careers/fairs/{c_fair}/report/", CAREER_OFFICE)]
    ),
    "careers/booths/<int:pk>/qr.svg": Route(
        {"careers:booth-qr"},
        [
            Request("get", "/careers/booths/{c_booth}/qr.svg", REPS_OF_PARTNER),
            Request("get", "/careers/booths/{c_bank_booth}/qr.svg", page(404, alice=200)),
        ],
    ),
    "careers/booths/sign-in/<str:token>/": Route(
        {"careers:booth-sign-in"},
        [
            Request("get", "/careers/booths/sign-in/{c_booth_token}/", page()),
            Request("get", "/careers/booths/sign-in/no-such-booth/", page(404)),
            Request(
                "post",
                "/careers/booths/sign-in/{c_booth_token}/",
                page(400, carol=302, gina=302),
                state=booth_sign_in_count,
                changed_for=frozenset(CAREER_STUDENTS),
            ),
        ],
    ),
    "careers/visits/": Route(
        {"careers:visits"},
        [
            Request("get", "/careers/visits/", page()),
            Request(
                "post",
                "/careers/visits/",
                page(403, carol=Redirect("/careers/visits/"), gina=Redirect("/careers/visits/")),
                data={"organization": "{c_partner}", "visit_on": "{c_tomorrow}"},
                state=visit_count,
                changed_for=frozenset(CAREER_STUDENTS),
            ),
        ],
    ),
    "careers/visits/<int:pk>/report/": Route(
        {"careers:visit-report"},
        [
            Request("get", "/careers/visits/{c_visit}/report/", page(404, carol=200)),
            Request(
                "post",
                "/careers/visits/{c_visit}/report/",
                page(404, carol=Redirect("/careers/visits/")),
                data={"report": "We also met the founders."},
                state=carol_visit,
                changed_for=frozenset({"carol"}),
            ),
        ],
    ),
    "careers/visits/<int:pk>/publish/": Route(
        {"careers:visit-publish"},
        [
            Request("get", "/careers/visits/{c_visit}/publish/", page(405)),
            Request(
                "post",
                "/careers/visits/{c_visit}/publish/",
                page(403, alice=Redirect("/careers/visits/")),
                state=carol_visit,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
}
EXPECTATIONS.update(CAREERS_EXPECTATIONS)


# ---- support ----
# Support cases (alma/support). The world: bob leads carol's case (hometown: erin's chapter),
# carol consented, erin's chapter and dave were asked, erin offered a room; alice (the alumni
# office and the site's admin) leads gina's case only. A case, its files and requests answer
# 404 to everyone else, alice included. See alma/support/tests/world.py.


def support_count(model_name: str) -> Callable[[dict[str, Any]], int]:
    def count(world: dict[str, Any]) -> int:
        from django.apps import apps

        return apps.get_model("support", model_name).objects.count()

    return count


def support_field(model_name: str, key: str, field: str) -> Callable[[dict[str, Any]], Any]:
    def value(world: dict[str, Any]) -> Any:
        from django.apps import apps

        model = apps.get_model("support", model_name)
        return model.objects.filter(pk=world[key]).values_list(field, flat=True).first()

    return value


def support_preferences(world: dict[str, Any]) -> list[tuple[int, bool]]:
    from alma.support.models import SupportPreference

    return sorted(SupportPreference.objects.values_list("person_id", "accepts_help_requests"))


def support_pdf(world: dict[str, Any]) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from alma.support.tests.world import PDF

    return SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")


SUPPORT_CASE_ONLY = page(404, bob=200)
SUPPORT_CASE_POST = page(404, bob=302)
SUPPORT_EXPECTATIONS: dict[str, Route] = {
    "support/": Route({"support:index"}, [Request("get", "/support/", page())]),
    "support/preference/": Route(
        {"support:preference"},
        [
            Request("get", "/support/preference/", outcomes(405)),
            Request(
                "post",
                "/support/preference/",
                page(404, dave=302, erin=302),
                data={},
                state=support_preferences,
                changed_for=frozenset({"dave", "erin"}),
            ),
        ],
    ),
    "support/cases/new/": Route(
        {"support:case-new"},
        [
            Request("get", "/support/cases/new/?q=Carol", page(403, alice=200, bob=200)),
            Request(
                "post",
                "/support/cases/new/",
                page(403, alice=302, bob=302),
                data={
                    "student": "{carol_person}",
                    "category": "medical",
                    "urgency": "high",
                    "narrative": "A new emergency.",
                },
                state=support_count("Case"),
                changed_for=frozenset({"alice", "bob"}),
            ),
        ],
    ),
    "support/cases/<int:pk>/": Route(
        {"support:case"},
        [
            Request("get", "/support/cases/{support_case}/", SUPPORT_CASE_ONLY),
            Request("get", "/support/cases/{support_office_case}/", page(404, alice=200)),
            Request("get", "/support/cases/999999/", page(404)),
        ],
    ),
    "support/cases/<int:pk>/team/": Route(
        {"support:team-add"},
        [
            Request("get", "/support/cases/{support_case}/team/", outcomes(405)),
            Request(
                "post",
                "/support/cases/{support_case}/team/",
                SUPPORT_CASE_POST,
                data={"email": "alice@example.edu"},
                state=support_count("CaseTeamMember"),
                changed_for=frozenset({"bob"}),
            ),
        ],
    ),
    "support/cases/<int:pk>/notes/": Route(
        {"support:note-add"},
        [
            Request(
                "post",
                "/support/cases/{support_case}/notes/",
                SUPPORT_CASE_POST,
                data={"body": "Visited her."},
                state=support_count("CaseNote"),
                changed_for=frozenset({"bob"}),
            )
        ],
    ),
    "support/cases/<int:pk>/files/": Route(
        {"support:file-add"},
        [
            Request(
                "post",
                "/support/cases/{support_case}/files/",
                SUPPORT_CASE_POST,
                data={"title": "Scan", "upload": support_pdf},
                state=support_count("CaseFile"),
                changed_for=frozenset({"bob"}),
            )
        ],
    ),
    "support/cases/<int:pk>/tasks/": Route(
        {"support:task-add"},
        [
            Request(
                "post",
                "/support/cases/{support_case}/tasks/",
                SUPPORT_CASE_POST,
                data={"title": "Visit", "owner": "{support_bob_person}", "due_on": "{today}"},
                state=support_count("CaseTask"),
                changed_for=frozenset({"bob"}),
            )
        ],
    ),
    "support/cases/<int:pk>/consent/": Route(
        {"support:consent"},
        [
            Request(
                "post",
                "/support/cases/{support_office_case}/consent/",
                page(404, alice=302),
                data={
                    "given_by": "contact",
                    "contact_name": "Her father",
                    "summary": "A student's family lost its income.",
                    "to_alumni": "on",
                },
                state=support_count("Consent"),
                changed_for=frozenset({"alice"}),
            )
        ],
    ),
    "support/cases/<int:pk>/mobilise/": Route(
        {"support:mobilise"},
        [
            Request("get", "/support/cases/{support_case}/mobilise/", SUPPORT_CASE_ONLY),
            Request(
                "post",
                "/support/cases/{support_case}/mobilise/",
                # The chapter was asked already: nothing new is sent, to anyone.
                page(404, bob=302),
                data={"chapter": "on"},
                state=support_count("HelpRequest"),
            ),
        ],
    ),
    "support/cases/<int:pk>/grant/": Route(
        {"support:grant"},
        [
            Request(
                "post",
                "/support/cases/{support_office_case}/grant/",
                page(404, alice=302),
                data={"fund": "{support_fund}", "amount": "800"},
                state=support_count("Grant"),
                changed_for=frozenset({"alice"}),
            )
        ],
    ),
    "support/cases/<int:pk>/close/": Route(
        {"support:close"},
        [
            Request(
                "post",
                "/support/cases/{support_case}/close/",
                SUPPORT_CASE_POST,
                data={"outcome": "resolved"},
                state=support_field("Case", "support_case", "status"),
                changed_for=frozenset({"bob"}),
            )
        ],
    ),
    "support/files/<int:pk>/": Route(
        {"support:file"},
        [Request("get", "/support/files/{support_file}/", SUPPORT_CASE_ONLY)],
    ),
    "support/tasks/<int:pk>/done/": Route(
        {"support:task-done"},
        [
            Request(
                "post",
                "/support/tasks/{support_task}/done/",
                SUPPORT_CASE_POST,
                state=support_field("CaseTask", "support_task", "done_at"),
                changed_for=frozenset({"bob"}),
            )
        ],
    ),
    "support/consents/<int:pk>/withdraw/": Route(
        {"support:consent-withdraw"},
        [
            Request(
                "post",
                "/support/consents/{support_consent}/withdraw/",
                page(404, bob=302, carol=302),
                state=support_field("Consent", "support_consent", "withdrawn_at"),
                changed_for=frozenset({"bob", "carol"}),
            )
        ],
    ),
    "support/requests/<int:pk>/": Route(
        {"support:request"},
        [
            Request(
                "get", "/support/requests/{support_chapter_request}/", page(404, bob=200, erin=200)
            ),
            Request(
                "get", "/support/requests/{support_dave_request}/", page(404, bob=200, dave=200)
            ),
        ],
    ),
    "support/requests/<int:pk>/offer/": Route(
        {"support:offer"},
        [
            Request(
                "post",
                "/support/requests/{support_chapter_request}/offer/",
                page(404, erin=302),
                data={"kind": "contacts", "details": "A surgeon I know."},
                state=support_count("Offer"),
                changed_for=frozenset({"erin"}),
            )
        ],
    ),
    "support/offers/<int:pk>/status/": Route(
        {"support:offer-status"},
        [
            Request(
                "post",
                "/support/offers/{support_offer}/status/",
                SUPPORT_CASE_POST,
                data={"status": "accepted"},
                state=support_field("Offer", "support_offer", "status"),
                changed_for=frozenset({"bob"}),
            )
        ],
    ),
    "support/mine/<int:pk>/": Route(
        {"support:mine"},
        [
            Request("get", "/support/mine/{support_case}/", page(404, carol=200)),
            Request(
                "post",
                "/support/mine/{support_office_case}/",
                page(404, gina=302),
                data={"summary": "I need help with fees.", "to_alumni": "on"},
                state=support_count("Consent"),
                changed_for=frozenset({"gina"}),
            ),
        ],
    ),
}
EXPECTATIONS.update(SUPPORT_EXPECTATIONS)

# ---- office console ----


def person_headline(key: str) -> Callable[[dict[str, Any]], str]:
    return lambda world: Person.objects.get(pk=world[key]).headline


def office_org_names(world: dict[str, Any]) -> list[str]:
    return sorted(Organization.objects.values_list("name", flat=True))


def office_chapter_names(world: dict[str, Any]) -> list[str]:
    return sorted(Chapter.objects.values_list("name", flat=True))


OFFICE_RECORD = {
    "full_name": "Opal Office-Edit",
    "stage": "alumnus",
    "headline": "Edited by the office",
    "deceased": "",
}
OFFICE_EXPECTATIONS = {
    "office/": Route({"office:console"}, [Request("get", "/office/", page(403, alice=200))]),
    "office/people/": Route(
        {"office:people"},
        [
            Request("get", "/office/people/", page(403, alice=200)),
            Request("get", "/office/people/?q=Carol&stage=student", page(403, alice=200)),
        ],
    ),
    "office/people/new/": Route(
        {"office:person-new"},
        [
            Request("get", "/office/people/new/", page(403, alice=200)),
            Request(
                "post",
                "/office/people/new/",
                page(403, alice=302),
                data={"full_name": "Nova New", "stage": "none"},
                state=lambda world: Person.objects.filter(full_name="Nova New").count(),
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "office/people/<int:pk>/": Route(
        {"office:person"},
        [
            Request("get", "/office/people/{open_person}/", page(403, alice=200)),
            Request("get", "/office/people/999999/", page(403, alice=404)),
            Request(
                "post",
                "/office/people/{open_person}/",
                page(403, alice=302),
                data=OFFICE_RECORD,
                state=person_headline("open_person"),
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "office/organisations/": Route(
        {"office:organizations"},
        [Request("get", "/office/organisations/?q=co", page(403, alice=200))],
    ),
    "office/organisations/new/": Route(
        {"office:organization-new"},
        [
            Request("get", "/office/organisations/new/", page(403, alice=200)),
            Request(
                "post",
                "/office/organisations/new/",
                page(403, alice=302),
                data={"name": "Newco Office Test", "kind": "partner"},
                state=office_org_names,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "office/organisations/<int:pk>/": Route(
        {"office:organization"},
        [Request("get", "/office/organisations/999999/", page(403, alice=404))],
    ),
    "office/chapters/": Route(
        {"office:chapters"}, [Request("get", "/office/chapters/", page(403, alice=200))]
    ),
    "office/chapters/new/": Route(
        {"office:chapter-new"},
        [
            Request("get", "/office/chapters/new/", page(403, alice=200)),
            Request(
                "post",
                "/office/chapters/new/",
                page(403, alice=302),
                data={"name": "Office Test Chapter", "kind": "regional", "city": "Xi'an"},
                state=office_chapter_names,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "office/chapters/<int:pk>/": Route(
        {"office:chapter"},
        [Request("get", "/office/chapters/999999/", page(403, alice=404))],
    ),
}
EXPECTATIONS.update(OFFICE_EXPECTATIONS)

# ---- photos ----
# Profile photos (alma/people/photos.py). dave's photo has the default audience (verified
# members), erin's is the alumni office's, gina's her own; carol has none
# (alma/people/tests/world.py). A photo its viewer may not see answers 404, as no photo does.


def photo_version(key: str) -> Callable[[dict[str, Any]], str]:
    def value(world: dict[str, Any]) -> str:
        return Person.objects.get(pk=world[key]).photo_version

    return value


def photo_upload_data(world: dict[str, Any]) -> Any:
    from alma.people.tests.world import picture, upload

    return upload(picture())


PHOTO_EXPECTATIONS: dict[str, Route] = {
    "people/me/photo/": Route(
        {"people:photo-upload"},
        [
            Request("get", "/people/me/photo/", outcomes(405)),
            Request(
                "post",
                "/people/me/photo/",
                page(302, hank=404),
                data={"photo": photo_upload_data},
            ),
        ],
    ),
    "people/me/photo/crop/": Route(
        {"people:photo-crop"},
        [
            # Each persona uploaded a picture just before (the row above): the crop is offered.
            Request("get", "/people/me/photo/crop/", page(200, hank=404)),
            Request(
                "post",
                "/people/me/photo/crop/",
                page(302, hank=404),
                data={"x": 0, "y": 0, "size": 100},
                state=photo_version("photo_none"),
                changed_for=frozenset({"carol"}),
            ),
            # Nothing waits any more: back to the profile form.
            Request("get", "/people/me/photo/crop/", page(302, hank=404)),
        ],
    ),
    "people/me/photo/pending/": Route(
        {"people:photo-pending"},
        [Request("get", "/people/me/photo/pending/", page(404))],
    ),
    "people/<int:pk>/photo/<int:size>/": Route(
        {"people:photo"},
        [
            Request("get", "/people/{photo_member}/photo/64/", outcomes(404, members=200)),
            Request("get", "/people/{photo_office}/photo/160/", outcomes(404, alice=200, erin=200)),
            Request("get", "/people/{photo_only_me}/photo/400/", outcomes(404, gina=200)),
            Request("get", "/people/{photo_member}/photo/65/", outcomes(404)),
            Request("get", "/people/999999/photo/64/", outcomes(404)),
        ],
    ),
    "people/<int:pk>/photo/remove/": Route(
        {"people:photo-office-remove"},
        [
            Request("get", "/people/{photo_member}/photo/remove/", outcomes(405)),
            Request(
                "post",
                "/people/{photo_only_me}/photo/remove/",
                page(403, alice=404),  # the office may not see gina's photo: nothing to remove
                data={"reason": "Not a photo of a person"},
                state=photo_version("photo_only_me"),
            ),
            Request(
                "post",
                "/people/{photo_member}/photo/remove/",
                page(403, alice=302),
                data={"reason": "Not a photo of a person"},
                state=photo_version("photo_member"),
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "people/me/photo/remove/": Route(
        {"people:photo-remove"},
        [
            Request("get", "/people/me/photo/remove/", outcomes(405)),
            Request(
                "post",
                "/people/me/photo/remove/",
                page(302, hank=404),
                state=photo_version("photo_office"),
                changed_for=frozenset({"erin"}),
            ),
        ],
    ),
}
EXPECTATIONS.update(PHOTO_EXPECTATIONS)

# ---- forum api ----
# The forum's JSON API (alma/forum/api.py), on the forum world above: the pages' answers as
# JSON (401 for anonymous callers, 403 where a role is missing, 404 for what may not be seen).
# erin's answer to carol's question is the one voted on and accepted here.
FORUM_API_EXPECTATIONS: dict[str, Route] = {
    "api/forum/questions": Route(
        {"api:forum_questions", "api:forum_ask"},
        [
            Request("get", "/api/forum/questions", api()),
            Request(
                "get", "/api/forum/questions?q=postgraduate&topic=postgraduate&tag=x&page=2", api()
            ),
            Request("get", "/api/forum/questions?event_id={public_event}", api()),
            Request("get", "/api/forum/questions?topic=nonsense", api(422)),
            Request(
                "post",
                "/api/forum/questions",
                api(403, members=201),
                data={"title": "New question", "topic": "career", "body": "x"},
                json=True,
                state=fw.forum_question_count,
                changed_for=frozenset(FORUM_MEMBERS_WRITE),
            ),
            Request(
                "post",
                "/api/forum/questions",
                api(403, members=201, dave=404),
                data={"title": "Just you", "topic": "life", "to": "{dave_person}"},
                json=True,
                state=fw.forum_question_count,
                changed_for=frozenset(FORUM_MEMBERS_WRITE - {"dave"}),
            ),
        ],
    ),
    "api/forum/questions/<int:question_id>": Route(
        {"api:forum_question"},
        [
            Request("get", "/api/forum/questions/{forum_question}", api()),
            Request("get", "/api/forum/questions/{forum_private}", api(404, carol=200, dave=200)),
            Request("get", "/api/forum/questions/{forum_hidden}", api(404, alice=200)),
            Request("get", "/api/forum/questions/999999", api(404)),
        ],
    ),
    "api/forum/questions/<int:question_id>/answers": Route(
        {"api:forum_answer"},
        [
            Request(
                "post",
                "/api/forum/questions/{forum_question}/answers",
                api(403, members=201),
                data={"body": "An answer"},
                json=True,
                state=fw.forum_answer_count,
                changed_for=frozenset(FORUM_MEMBERS_WRITE),
            ),
            Request(
                "post",
                "/api/forum/questions/{forum_hidden}/answers",
                api(403, members=404, alice=422),
                data={"body": "An answer"},
                json=True,
                state=fw.forum_answer_count,
            ),
            # Only the alumnus asked answers a one-to-one question (dave published it above).
            Request(
                "post",
                "/api/forum/questions/{forum_private}/answers",
                api(403, members=404, carol=422, dave=201),
                data={"body": "An answer"},
                json=True,
                state=fw.forum_answer_count,
                changed_for=frozenset({"dave"}),
            ),
        ],
    ),
    "api/forum/questions/<int:question_id>/comments": Route(
        {"api:forum_comment"},
        [
            Request(
                "post",
                "/api/forum/questions/{forum_question}/comments",
                api(403, members=201),
                data={"body": "A comment", "answer_id": "{forum_answer}"},
                json=True,
                state=fw.forum_comment_count,
                changed_for=frozenset(FORUM_MEMBERS_WRITE),
            ),
            Request(
                "post",
                "/api/forum/questions/{forum_private}/comments",
                api(403, members=404, carol=201, dave=201),
                data={"body": "A comment"},
                json=True,
                state=fw.forum_comment_count,
                changed_for=frozenset({"carol", "dave"}),
            ),
        ],
    ),
    "api/forum/questions/<int:question_id>/reports": Route(
        {"api:forum_report"},
        [
            Request(
                "post",
                "/api/forum/questions/{forum_question}/reports",
                api(201, hank=403),
                data={"reason": "off topic"},
                json=True,
                state=fw.forum_report_state,
                changed_for=frozenset(WITH_PERSON),
            ),
            Request(
                "post",
                "/api/forum/questions/{forum_hidden}/reports",
                api(404, alice=201),
                data={"reason": "still there"},
                json=True,
                state=fw.forum_report_state,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "api/forum/answers/<int:answer_id>/vote": Route(
        {"api:forum_vote"},
        [
            Request("get", "/api/forum/answers/{forum_api_answer}/vote", outcomes(405)),
            Request(
                "post",
                "/api/forum/answers/{forum_api_answer}/vote",
                api(403, members=200, erin=422),
                data={"value": 1},
                json=True,
                state=fw.forum_api_answer_state,
                changed_for=frozenset(FORUM_MEMBERS_WRITE - {"erin"}),
            ),
        ],
    ),
    "api/forum/answers/<int:answer_id>/accept": Route(
        {"api:forum_accept"},
        [
            Request(
                "post",
                "/api/forum/answers/{forum_api_answer}/accept",
                api(403, members=422, carol=200),
                json=True,
                state=fw.forum_question_state,
                changed_for=frozenset({"carol"}),
            ),
            Request("post", "/api/forum/answers/999999/accept", api(403, members=404), json=True),
        ],
    ),
    "api/forum/invitations": Route(
        {"api:forum_invitations"},
        [Request("get", "/api/forum/invitations", api(403, dave=200, erin=200))],
    ),
}
EXPECTATIONS.update(FORUM_API_EXPECTATIONS)

# ---- careers, second round ----
# The careers JSON API (alma/careers/api.py), fair creation, the office's queue of uncertain
# employer links and visit photos, over the careers world (alma/careers/tests/world.py): frank
# represents Partner Co only, so Other Bank's applicants are 404 to him; carol's applications
# are 404 to every other student.


def carol_bank_step(world: dict[str, Any]) -> str:
    return JobApplication.objects.get(pk=world["c_carol_bank_application"]).status


def job_fair_count(world: dict[str, Any]) -> int:
    from alma.careers.models import JobFair

    return JobFair.objects.count()


def uncertain_link_count(world: dict[str, Any]) -> int:
    from alma.careers.models import EmployerLink

    return EmployerLink.objects.filter(employment_id=world["c_uncertain_employment"]).count()


def visit_photo_count(world: dict[str, Any]) -> int:
    from alma.careers.models import VisitPhoto

    return VisitPhoto.objects.count()


def visit_photo_upload(world: dict[str, Any]) -> dict[str, Any]:
    from alma.careers.tests.world import photo

    return {"photo": photo()}


CAREERS2_EXPECTATIONS: dict[str, Route] = {
    "careers/visits/<int:pk>/photos/": Route(
        {"careers:visit-photo-add"},
        [
            Request("get", "/careers/visits/{c_visit}/photos/", page(405)),
            Request(
                "post",
                "/careers/visits/{c_visit}/photos/",
                page(404, carol=302),
                data=visit_photo_upload,
                state=visit_photo_count,
                changed_for=frozenset({"carol"}),
            ),
        ],
    ),
    # Carol's report is filed, not published: the visitor, the host (frank) and the office.
    "careers/visit-photos/<int:pk>/": Route(
        {"careers:visit-photo"},
        [
            Request(
                "get",
                "/careers/visit-photos/{c_photo}/",
                page(404, alice=200, carol=200, frank=200),
            ),
            Request("get", "/careers/visit-photos/999999/", page(404)),
        ],
    ),
    "careers/visit-photos/<int:pk>/remove/": Route(
        {"careers:visit-photo-remove"},
        [
            Request("get", "/careers/visit-photos/{c_photo}/remove/", page(405)),
            Request(
                "post",
                "/careers/visit-photos/{c_photo}/remove/",
                page(404, carol=302),
                state=visit_photo_count,
                changed_for=frozenset({"carol"}),
            ),
        ],
    ),
    "careers/employer-links/": Route(
        {"careers:employer-links"},
        [
            Request("get", "/careers/employer-links/", CAREER_OFFICE),
            Request(
                "post",
                "/careers/employer-links/",
                page(403, alice=Redirect("/careers/employer-links/")),
                data={
                    "employment": "{c_uncertain_employment}",
                    "organization": "{c_bank}",
                    "decision": "confirm",
                },
                state=uncertain_link_count,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "careers/fairs/new/": Route(
        {"careers:fair-new"},
        [
            Request("get", "/careers/fairs/new/", CAREER_OFFICE),
            Request(
                "post",
                "/careers/fairs/new/",
                page(403, alice=302),
                data={"name": "Summer fair", "date": "{c_deadline}", "venue": "Library hall"},
                state=job_fair_count,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "api/careers/postings": Route(
        {"api:careers_postings"},
        [
            Request("get", "/api/careers/postings", api()),
            Request("get", "/api/careers/postings?q=data&kind=internship&city=Shanghai", api()),
            Request("get", "/api/careers/postings?limit=1&offset=99&kind=nonsense", api()),
        ],
    ),
    "api/careers/postings/<int:posting_id>": Route(
        {"api:careers_posting"},
        [
            Request("get", "/api/careers/postings/{c_internship}", api()),
            Request("get", "/api/careers/postings/{c_pending}", api(404, alice=200, frank=200)),
            Request("get", "/api/careers/postings/999999", api(404)),
        ],
    ),
    "api/careers/postings/<int:posting_id>/applications": Route(
        {"api:careers_apply"},
        [
            Request("get", "/api/careers/postings/{c_internship}/applications", outcomes(405)),
            Request(
                "post",
                "/api/careers/postings/{c_bank_job}/applications",
                # carol applied already (422, the reason given); only students apply.
                api(403, carol=422, gina=201),
                data={"note": "Keen"},
                json=True,
                state=job_application_count,
                changed_for=frozenset({"gina"}),
            ),
            Request(
                "post",
                "/api/careers/postings/{c_pending}/applications",
                api(404, alice=403, frank=403),
                data={},
                json=True,
                state=job_application_count,
            ),
        ],
    ),
    "api/careers/applications": Route(
        {"api:careers_my_applications"},
        [Request("get", "/api/careers/applications", api(200, hank=404))],
    ),
    "api/careers/applications/<int:application_id>": Route(
        {"api:careers_application"},
        [
            Request(
                "get",
                "/api/careers/applications/{c_carol_application}",
                api(404, alice=200, carol=200, frank=200),
            ),
            Request(
                "get",
                "/api/careers/applications/{c_carol_bank_application}",
                api(404, alice=200, carol=200),
            ),
        ],
    ),
    "api/careers/postings/<int:posting_id>/applicants": Route(
        {"api:careers_applicants"},
        [
            Request(
                "get",
                "/api/careers/postings/{c_internship}/applicants",
                api(404, alice=200, frank=200),
            ),
            Request("get", "/api/careers/postings/{c_bank_job}/applicants", api(404, alice=200)),
        ],
    ),
    "api/careers/postings/<int:posting_id>/applicants/moves": Route(
        {"api:careers_applicants_move"},
        [
            Request("get", "/api/careers/postings/{c_internship}/applicants/moves", outcomes(405)),
            Request(
                "post",
                "/api/careers/postings/{c_internship}/applicants/moves",
                api(404, alice=200, frank=200),
                data=lambda w: {
                    "application_ids": [w["c_carol_application"]],
                    "status": "interview",
                },
                json=True,
                state=carol_internship_step,
                changed_for=frozenset({"alice", "frank"}),
            ),
            # Other Bank's applicant: frank gets 404 and nothing moves.
            Request(
                "post",
                "/api/careers/postings/{c_bank_job}/applicants/moves",
                api(404, alice=200),
                data=lambda w: {
                    "application_ids": [w["c_carol_bank_application"]],
                    "status": "screening",
                },
                json=True,
                state=carol_bank_step,
                changed_for=frozenset({"alice"}),
            ),
        ],
    ),
    "api/careers/fairs": Route(
        {"api:careers_fairs"}, [Request("get", "/api/careers/fairs", api())]
    ),
    "api/careers/fairs/<int:fair_id>/report": Route(
        {"api:careers_fair_report"},
        [
            Request("get", "/api/careers/fairs/{c_fair}/report", api(403, alice=200)),
            Request("get", "/api/careers/fairs/999999/report", api(403, alice=404)),
        ],
    ),
    "api/careers/recommendations": Route(
        {"api:careers_recommendations"},
        [Request("get", "/api/careers/recommendations", api(403, carol=200, gina=200))],
    ),
}
EXPECTATIONS.update(CAREERS2_EXPECTATIONS)

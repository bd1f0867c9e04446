"""The magazine: public web edition, Atom feed, consent of people named, the digest mailing,
publishing to the official account (against a fake WeChat API on loopback)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.urls import reverse

from alma.comms import magazine
from alma.comms.models import ArticleKind, MailingPurpose
from alma.lib.errors import ApplicationError
from alma.people.services import consent_record
from alma.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(alice):
    issue = magazine.issue_create(by=alice, number=7, title="Homecoming")
    magazine.article_add(
        issue=issue,
        by=alice,
        kind=ArticleKind.ALUMNI_STORY,
        title="From the lab to a start-up",
        body="She **built** it. <script>alert(1)</script>",
        summary="A founder's story",
    )
    return issue


def test_a_published_issue_is_readable_without_signing_in_and_in_the_feed(issue, alice):
    anonymous = Client()
    assert anonymous.get(reverse("comms:magazine-issue", args=[7])).status_code == 404
    magazine.issue_publish(issue=issue, by=alice)
    page = anonymous.get(reverse("comms:magazine-issue", args=[7]))
    assert page.status_code == 200 and b"From the lab to a start-up" in page.content
    article = anonymous.get(
        reverse("comms:magazine-article", args=[7, "from-the-lab-to-a-start-up"])
    )
    assert b"<strong>built</strong>" in article.content and b"<script>alert" not in article.content
    feed = anonymous.get(reverse("comms:magazine-feed"))
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert b"<feed" in feed.content and b"From the lab to a start-up" in feed.content


def test_an_article_naming_someone_waits_for_their_consent(issue, alice):
    named = f.AlumnusFactory(full_name="Wang Fang")
    article = issue.articles.get()
    article.people_named.add(named)
    with pytest.raises(ApplicationError, match="Wang Fang"):
        magazine.issue_publish(issue=issue, by=alice)
    consent_record(person=named, by=None, decisions={"publicity": False})
    with pytest.raises(ApplicationError):
        magazine.issue_publish(issue=issue, by=alice)
    consent_record(person=named, by=None, decisions={"publicity": True})
    assert magazine.issue_publish(issue=issue, by=alice).is_published


def test_the_digest_mailing_lists_the_issue_with_links_to_the_web_edition(issue, alice):
    with pytest.raises(ApplicationError):
        magazine.issue_digest_mailing(issue=issue, by=alice)  # not published yet
    magazine.issue_publish(issue=issue, by=alice)
    mailing = magazine.issue_digest_mailing(issue=issue, by=alice)
    assert mailing.status == "draft" and mailing.purpose == MailingPurpose.NEWSLETTER
    assert "/comms/magazine/7/from-the-lab-to-a-start-up/" in mailing.body_en
    assert mailing.issue == issue


class FakeWeChat(BaseHTTPRequestHandler):
    calls: list[tuple[str, dict, dict]] = []
    refuse = False

    def _reply(self, data: dict) -> None:
        body = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.calls.append((url.path, query, {}))
        if query.get("secret") != "s3cret":
            self._reply({"errcode": 40001, "errmsg": "invalid credential"})
        else:
            self._reply({"access_token": "TOKEN", "expires_in": 7200})

    def do_POST(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))
        self.calls.append((url.path, query, payload))
        if self.refuse:
            self._reply({"errcode": 45009, "errmsg": "reach max api daily quota limit"})
        elif url.path == "/cgi-bin/draft/add":
            self._reply({"media_id": "MEDIA-1"})
        else:
            self._reply({"errcode": 0, "errmsg": "ok", "publish_id": "PUB-1"})

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def wechat(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeWeChat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeWeChat.calls, FakeWeChat.refuse = [], False
    settings.WECHAT_APP_ID = "wx-app"
    settings.WECHAT_APP_SECRET = "s3cret"
    settings.WECHAT_THUMB_MEDIA_ID = "THUMB"
    settings.WECHAT_API = f"http://127.0.0.1:{server.server_address[1]}"
    yield FakeWeChat
    server.shutdown()
    server.server_close()


def test_an_article_is_published_to_the_official_account(issue, alice, wechat):
    magazine.issue_publish(issue=issue, by=alice)
    article = magazine.article_publish_wechat(article=issue.articles.get(), by=alice)
    assert (article.wechat_media_id, article.wechat_publish_id) == ("MEDIA-1", "PUB-1")
    paths = [path for path, _query, _payload in wechat.calls]
    assert paths == ["/cgi-bin/token", "/cgi-bin/draft/add", "/cgi-bin/freepublish/submit"]
    _path, query, draft = wechat.calls[1]
    assert query["access_token"] == "TOKEN"
    sent = draft["articles"][0]
    assert sent["title"] == "From the lab to a start-up" and sent["thumb_media_id"] == "THUMB"
    assert "<strong>built</strong>" in sent["content"] and "<script" not in sent["content"]
    assert wechat.calls[2][2] == {"media_id": "MEDIA-1"}
    with pytest.raises(ApplicationError, match="already"):
        magazine.article_publish_wechat(article=article, by=alice)


def test_a_refusal_of_the_official_account_is_a_clear_message_and_changes_nothing(
    issue, alice, wechat, settings
):
    magazine.issue_publish(issue=issue, by=alice)
    wechat.refuse = True
    with pytest.raises(ApplicationError, match="daily quota"):
        magazine.article_publish_wechat(article=issue.articles.get(), by=alice)
    assert issue.articles.get().wechat_published_at is None
    settings.WECHAT_APP_SECRET = "wrong"
    with pytest.raises(ApplicationError, match="invalid credential"):
        magazine.article_publish_wechat(article=issue.articles.get(), by=alice)


def test_the_official_account_is_off_unless_configured(issue, alice, settings):
    settings.WECHAT_APP_ID = ""
    magazine.issue_publish(issue=issue, by=alice)
    with pytest.raises(ApplicationError, match="No official account"):
        magazine.article_publish_wechat(article=issue.articles.get(), by=alice)

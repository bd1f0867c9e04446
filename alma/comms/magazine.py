"""The alumni magazine: issues and articles, publishing (with the consent of people named),
the digest mailing of an issue, and publishing an article to the official account."""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from alma.accounts.models import User
from alma.comms.models import ArticleKind, MagazineArticle, MagazineIssue, Mailing, MailingPurpose
from alma.comms.rendering import markdown_to_html
from alma.comms.selectors import latest_consent
from alma.lib.errors import ApplicationError
from alma.people.models import ConsentPurpose, Person


def published_issues() -> QuerySet[MagazineIssue]:
    return MagazineIssue.objects.filter(published_at__isnull=False).order_by("-number")


def people_without_consent(article: MagazineArticle) -> list[Person]:
    """People the article names who have not said yes to being named (publicity consent)."""
    return list(
        article.people_named.annotate(publicity=latest_consent(ConsentPurpose.PUBLICITY))
        .filter(Q(publicity__isnull=True) | Q(publicity=False))
        .order_by("full_name")
    )


@transaction.atomic
def issue_create(*, by: User, number: int, title: str, summary: str = "") -> MagazineIssue:
    if not title.strip():
        raise ApplicationError(_("Give the issue a title."), field="title")
    if MagazineIssue.objects.filter(number=number).exists():
        raise ApplicationError(_("Issue %(n)d exists already.") % {"n": number}, field="number")
    return MagazineIssue.objects.create(number=number, title=title.strip(), summary=summary.strip())


@transaction.atomic
def article_add(
    *,
    issue: MagazineIssue,
    by: User,
    kind: str,
    title: str,
    body: str,
    summary: str = "",
    author_name: str = "",
    people_named: list[int] | None = None,
) -> MagazineArticle:
    if kind not in ArticleKind.values:
        raise ApplicationError(_("Choose the kind of article."), field="kind")
    if not title.strip() or not body.strip():
        raise ApplicationError(_("An article needs a title and a text."), field="title")
    named = list(Person.objects.filter(pk__in=people_named or []))
    if len(named) != len(set(people_named or [])):
        raise ApplicationError(_("Some record numbers are not people."), field="people_named")
    base = slugify(title)[:60] or "article"
    slug, n = base, 2
    while MagazineArticle.objects.filter(issue=issue, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    article = MagazineArticle.objects.create(
        issue=issue,
        kind=kind,
        title=title.strip(),
        slug=slug,
        summary=summary.strip(),
        body=body,
        author_name=author_name.strip(),
        position=issue.articles.count(),
    )
    article.people_named.set(named)
    return article


@transaction.atomic
def article_remove(*, article: MagazineArticle, by: User) -> None:
    if article.issue.is_published:
        raise ApplicationError(_("An article of a published issue stays."))
    article.delete()


@transaction.atomic
def issue_publish(*, issue: MagazineIssue, by: User) -> MagazineIssue:
    locked = MagazineIssue.objects.select_for_update().get(pk=issue.pk)
    if locked.is_published:
        return locked
    articles = list(locked.articles.all())
    if not articles:
        raise ApplicationError(_("An issue needs at least one article."))
    for article in articles:
        missing = people_without_consent(article)
        if missing:
            raise ApplicationError(
                _("%(title)s names people who have not agreed to be named: %(names)s")
                % {"title": article.title, "names": ", ".join(p.full_name for p in missing)}
            )
    locked.published_at = timezone.now()
    locked.save(update_fields=["published_at"])
    return locked


def article_url(article: MagazineArticle) -> str:
    return settings.SITE_URL + reverse(
        "comms:magazine-article", args=[article.issue.number, article.slug]
    )


@transaction.atomic
def issue_digest_mailing(*, issue: MagazineIssue, by: User) -> Mailing:
    """A draft newsletter with the issue's contents and links to the web edition."""
    from alma.comms.mailings import mailing_create

    issue = MagazineIssue.objects.get(pk=issue.pk)
    if not issue.is_published:
        raise ApplicationError(_("Publish the issue first: its links must open for everyone."))
    lines_en = [f"# {issue.title}", "", issue.summary, ""]
    lines_zh = [f"# {issue.title}", "", issue.summary, ""]
    for article in issue.articles.all():
        entry = f"- [{article.title}]({article_url(article)})" + (
            f" — {article.summary}" if article.summary else ""
        )
        lines_en.append(entry)
        lines_zh.append(entry)
    web = settings.SITE_URL + reverse("comms:magazine-issue", args=[issue.number])
    lines_en += ["", f"[Read the whole issue]({web})"]
    lines_zh += ["", f"[阅读本期全文]({web})"]
    return mailing_create(
        by=by,
        name=_("Magazine no. %(n)d digest") % {"n": issue.number},
        purpose=MailingPurpose.NEWSLETTER,
        subject_en=f"Alumni magazine no. {issue.number}: {issue.title}",
        subject_zh=f"校友刊物第 {issue.number} 期：{issue.title}",
        body_en="\n".join(lines_en),
        body_zh="\n".join(lines_zh),
        issue=issue,
    )


def article_html(article: MagazineArticle) -> str:
    return markdown_to_html(article.body)


@transaction.atomic
def article_publish_wechat(
    *, article: MagazineArticle, by: User, client: Any = None
) -> MagazineArticle:
    """Publish the article to the school's official account (its issue must be published)."""
    from alma.comms.wechat import OfficialAccount

    locked = MagazineArticle.objects.select_for_update().select_related("issue").get(pk=article.pk)
    if not locked.issue.is_published:
        raise ApplicationError(_("Publish the issue first."))
    missing = people_without_consent(locked)
    if missing:
        raise ApplicationError(
            _("The article names people who have not agreed to be named: %(names)s")
            % {"names": ", ".join(p.full_name for p in missing)}
        )
    if locked.wechat_published_at:
        raise ApplicationError(_("The article is on the official account already."))
    published = OfficialAccount(client=client).publish(
        title=locked.title,
        author=locked.author_name,
        digest=locked.summary,
        content=article_html(locked),
        source_url=article_url(locked),
    )
    locked.wechat_media_id = published.media_id
    locked.wechat_publish_id = published.publish_id
    locked.wechat_published_at = timezone.now()
    locked.save(update_fields=["wechat_media_id", "wechat_publish_id", "wechat_published_at"])
    return locked

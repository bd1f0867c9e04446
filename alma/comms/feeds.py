"""The magazine's Atom feed (Django's syndication framework): published articles, newest first."""

from typing import Any

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from alma.comms.magazine import article_html
from alma.comms.models import MagazineArticle

FEED_SIZE = 50


class MagazineFeed(Feed):
    feed_type = Atom1Feed
    title = _("Alumni magazine")
    subtitle = _("Alumni stories, enterprise visits, award ceremonies and chapter news.")

    def link(self) -> str:
        return reverse("comms:magazine")

    def items(self) -> Any:
        return (
            MagazineArticle.objects.filter(issue__published_at__isnull=False)
            .select_related("issue")
            .order_by("-issue__published_at", "position", "id")[:FEED_SIZE]
        )

    def item_title(self, item: MagazineArticle) -> str:
        return item.title

    def item_description(self, item: MagazineArticle) -> str:
        return article_html(item)

    def item_link(self, item: MagazineArticle) -> str:
        return reverse("comms:magazine-article", args=[item.issue.number, item.slug])

    def item_pubdate(self, item: MagazineArticle) -> Any:
        return item.issue.published_at

    def item_author_name(self, item: MagazineArticle) -> str:
        return item.author_name

"""Reads for directory pages and the API: a search page with the hits as each viewer may see them."""

from dataclasses import dataclass
from typing import Any

from alma.directory.search import DirectoryQuery, FacetValue, SearchResult, directory_search
from alma.people.models import Person
from alma.people.privacy import PRIVATE_FIELDS, person_view_for

# What a directory hit shows: the privacy keys it reads (see people.privacy.PRIVATE_FIELDS).
HIT_KEYS = {"about", "education", "employment", "current_location", "expertise", "photo"}


@dataclass
class DirectoryPage:
    result: SearchResult
    hits: list[dict[str, Any]]
    query: DirectoryQuery
    people: list[Person]  # the people behind the hits
    shown: dict[int, set[str]]  # person id -> the privacy keys its hit shows

    @property
    def facets(self) -> dict[str, list[FacetValue]]:
        return self.result.facets


def directory_page(*, viewer: Any, query: DirectoryQuery) -> DirectoryPage:
    """A page of results as the viewer may see them. It only reads: the page or API that
    shows the hits records the alumni office's views of private fields (`private_views_log`)."""
    result = directory_search(viewer=viewer, query=query)
    people = Person.objects.filter(pk__in=result.person_ids).prefetch_related(
        "educations", "employments"
    )
    by_id = {p.pk: p for p in people}
    hits = []
    shown_people: list[Person] = []
    shown: dict[int, set[str]] = {}
    for pk in result.person_ids:
        person = by_id.get(pk)
        view = person_view_for(viewer, person) if person else None
        if person is None or view is None:  # changed between search and fetch: show nothing
            continue
        hits.append(view)
        shown_people.append(person)
        shown[pk] = {
            key for key in HIT_KEYS if any(attr in view for attr in PRIVATE_FIELDS[key].attributes)
        }
    return DirectoryPage(result=result, hits=hits, query=query, people=shown_people, shown=shown)

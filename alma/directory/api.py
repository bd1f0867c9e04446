"""API: directory search, with the same privacy as the page."""

from django.http import HttpRequest
from ninja import Router, Schema

from alma.directory.search import clean_query
from alma.directory.selectors import directory_page
from alma.directory.services import private_views_log
from alma.people.schemas import PersonOut

router = Router(tags=["directory"])


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class SearchOut(Schema):
    total: int
    approximate: bool
    similar_names: bool
    page: int
    num_pages: int
    results: list[PersonOut]
    facets: dict[str, list[FacetValueOut]]


@router.get(
    "/search",
    response=SearchOut,
    # A hit holds only the fields its viewer may see: the others are unset and left out.
    exclude_unset=True,
    summary="Search the directory",
    description=(
        "Free text in `q` (names in Chinese or pinyin, employer, title, expertise, city), facet filters "
        "`year` (first year of a 5-year range), `degree`, `school`, `major`, `industry`, `country`, "
        "`province`, `city`, `chapter` (id) — repeat a parameter to choose several values — "
        "`sort` (relevance or name) and `page`. Hidden people and fields are neither returned, "
        "nor searchable, nor counted. Words that match very many people are counted on a sample: "
        "then `approximate` is true and `total` and the facet counts are estimates. When words find "
        "nobody, PostgreSQL offers people with similar names (`similar_names` is true, `total` is 0)."
    ),
)
def search(request: HttpRequest) -> dict:
    page = directory_page(viewer=request.user, query=clean_query(request.GET))
    private_views_log(viewer=request.user, people=page.people, shown=page.shown, context="api")
    return {
        "total": page.result.total,
        "approximate": page.result.approximate,
        "similar_names": page.result.similar_names,
        "page": page.result.page,
        "num_pages": page.result.num_pages,
        "results": page.hits,
        "facets": {
            name: [
                {"value": v.value, "label": str(v.label), "count": v.count, "selected": v.selected}
                for v in values
            ]
            for name, values in page.facets.items()
        },
    }

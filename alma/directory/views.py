"""The directory page: search and facets, updated by htmx as the user types and clicks."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from alma.accounts.access import login_required
from alma.directory.search import FACET_LABELS, clean_query, viewer_level
from alma.directory.selectors import directory_page
from alma.directory.services import private_views_log
from alma.lib.htmx import HtmxHttpRequest


# The same URL answers a whole page or, to htmx, the results fragment: caches (and the
# browser's back button) must keep the two apart.
@vary_on_headers("HX-Request")
@login_required
def directory(request: HtmxHttpRequest) -> HttpResponse:
    query = clean_query(request.GET)
    page = directory_page(viewer=request.user, query=query)
    private_views_log(
        viewer=request.user, people=page.people, shown=page.shown, context="directory"
    )
    context = {
        "page": page,
        "query": query,
        "facet_groups": [
            (name, FACET_LABELS[name], values) for name, values in page.facets.items() if values
        ],
        "sort": query.sort,
        "can_search": viewer_level(request.user) > 0,
        "querystring": request.GET.urlencode(),
    }
    # htmx restoring a page the back button returns to (its cache missed) needs the whole page.
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "directory/index.html#results" if fragment else "directory/index.html"
    return render(request, template, context)

import itertools
from typing import Any

from django.contrib import admin
from django.db.models import Case, CharField, F, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from alma.people.models import (
    Chapter,
    ChapterMembership,
    Consent,
    Education,
    Employment,
    LocalName,
    Organization,
    Person,
    StaffPost,
    StageTransition,
)
from alma.people.privacy import (
    PRIVATE_FIELDS,
    field_visible_q,
    lookup_q,
    may_see,
    people_visible_to,
)
from alma.people.signals import private_fields_shown


class EducationInline(admin.TabularInline):
    model = Education
    extra = 0


class EmploymentInline(admin.TabularInline):
    model = Employment
    extra = 0
    raw_id_fields = ["organization"]


class StaffPostInline(admin.TabularInline):
    model = StaffPost
    extra = 0


class MembershipInline(admin.TabularInline):
    model = ChapterMembership
    extra = 0
    raw_id_fields = ["person"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    """People in the admin follow people.privacy like every other page: the office finds,
    lists, reads, edits and sees the history of only what it may see of each person, and each
    view of a field kept from members is logged (PrivateFieldView, context "admin")."""

    list_display = ["full_name", "name_latin", "stage", "city_shown", "email_shown"]
    list_filter = ["stage"]
    # Private fields are searched in get_search_results, only where the office may see them.
    search_fields = ["full_name", "name_latin"]
    inlines = [EducationInline, EmploymentInline, StaffPostInline]
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Person]:
        queryset = people_visible_to(request.user, super().get_queryset(request))
        return queryset.annotate(
            email_shown=_shown(request, "email", "email"),
            city_shown=_shown(request, "current_location", "current_city"),
        )

    @admin.display(description=_("email"), ordering="email_shown")
    def email_shown(self, person: Person) -> str:
        return getattr(person, "email_shown", "")

    @admin.display(description=_("current city"), ordering="city_shown")
    def city_shown(self, person: Person) -> str:
        return getattr(person, "city_shown", "")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Person], search_term: str
    ) -> tuple[QuerySet[Person], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(lookup_q(request.user, term)), False

    def _hidden_keys(self, request: HttpRequest, obj: Any) -> set[str]:
        if obj is None:
            return set()
        # A historical version is judged by the person's settings now, not those of then.
        current = Person.objects.filter(pk=obj.pk).first() or obj
        return {key for key in PRIVATE_FIELDS if not may_see(request.user, current, key)}

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        hidden = self._hidden_keys(request, obj)
        attributes = [a for key in hidden for a in PRIVATE_FIELDS[key].attributes]
        # The audiences are the person's own choice: nobody else edits them.
        return ["privacy", *(a for a in attributes if a not in ("educations", "employments"))]

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[Any]:
        hidden = self._hidden_keys(request, obj)
        return [
            inline
            for inline in self.inlines
            if not (inline is EducationInline and "education" in hidden)
            and not (inline is EmploymentInline and "employment" in hidden)
        ]

    def get_list_filter(self, request: HttpRequest) -> list[str]:
        return ["stage"]  # gender is a private field: no filter over everyone's

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        person = self.get_queryset(request).filter(pk=object_id).first()
        if person is not None and request.method == "GET":
            shown = set(PRIVATE_FIELDS) - self._hidden_keys(request, person) - {"profile"}
            private_fields_shown.send(
                sender=Person,
                viewer=request.user,
                people=[person],
                shown={person.pk: shown},
                context="admin",
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def set_history_delta_changes(
        self, request: HttpRequest, historical_records: Any, foreign_keys_are_objs: bool = True
    ) -> None:
        """The changes between versions, without the fields hidden from the viewer."""
        records = list(historical_records)
        if not records:
            return
        hidden = self._hidden_keys(request, records[0].instance)
        excluded = ["privacy", *(a for key in hidden for a in PRIVATE_FIELDS[key].attributes)]
        excluded = [name for name in excluded if name not in ("educations", "employments")]
        for newer, older in itertools.pairwise(records):
            delta = newer.diff_against(
                older, excluded_fields=excluded, foreign_keys_are_objs=foreign_keys_are_objs
            )
            helper = self.get_historical_record_context_helper(request, newer)
            newer.history_delta_changes = helper.context_for_delta_changes(delta)


def _shown(request: HttpRequest, key: str, attribute: str) -> Case:
    """The attribute where the viewer may see the field, else empty (for list columns)."""
    return Case(
        When(field_visible_q(request.user, key), then=F(attribute)),
        default=Value(""),
        output_field=CharField(),
    )


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "industry", "city"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["representatives"]


@admin.register(Chapter)
class ChapterAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "city", "province", "country"]
    list_filter = ["kind"]
    inlines = [MembershipInline]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["person", "purpose", "granted", "recorded_at", "source"]
    list_filter = ["purpose", "granted"]
    raw_id_fields = ["person"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # consent is append-only


@admin.register(StageTransition)
class StageTransitionAdmin(admin.ModelAdmin):
    list_display = ["person", "from_stage", "to_stage", "occurred_at", "recorded_by"]
    list_filter = ["to_stage"]
    raw_id_fields = ["person"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(LocalName)
class LocalNameAdmin(admin.ModelAdmin):
    """What stored reference values are called in other languages (alma/people/reference.py);
    `alma local_names FILE.csv` loads many at once."""

    list_display = ["value", "language", "name", "kind"]
    list_filter = ["kind", "language"]
    search_fields = ["value", "name"]

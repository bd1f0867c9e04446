"""The staff service log: staff record services to students; students rate them."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alma.accounts.access import role_required
from alma.accounts.roles import Role
from alma.activity.forms import RatingForm, StaffServiceForm
from alma.activity.models import Activity
from alma.activity.selectors import activities_given, activities_received
from alma.activity.services import activity_rate, staff_service_log
from alma.lib.errors import ApplicationError
from alma.people.models import Person, Stage

STAFF_ROLES = (Role.STAFF, Role.ALUMNI_OFFICE)
LOOKUP_LIMIT = 10


@role_required(*STAFF_ROLES)
def service_log(request: HttpRequest) -> HttpResponse:
    """The services this staff member has recorded, newest first."""
    person = request.user.person  # type: ignore[union-attr]
    # An account without a person record (a superuser, say) has given no services.
    activities = (
        activities_given(person=person).filter(kind="staff.service")
        if person
        else Activity.objects.none()
    )
    page = Paginator(activities, 25).get_page(request.GET.get("page"))
    return render(request, "activity/service_log.html", {"page": page})


@role_required(*STAFF_ROLES)
def service_new(request: HttpRequest) -> HttpResponse:
    initial_student = None
    if request.method == "POST":
        form = StaffServiceForm(request.POST)
        if form.is_valid():
            try:
                staff_service_log(
                    staff=request.user,  # type: ignore[arg-type]
                    student=form.cleaned_data["student"],
                    aspect=form.cleaned_data["aspect"],
                    note=form.cleaned_data["note"],
                    occurred_on=form.cleaned_data["occurred_on"],
                )
            except ApplicationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _("Service to %(name)s recorded.")
                    % {"name": form.cleaned_data["student"].full_name},
                )
                return redirect("activity:service-log")
        initial_student = (
            form.cleaned_data.get("student") if hasattr(form, "cleaned_data") else None
        )
    else:
        form = StaffServiceForm()
        student_id = request.GET.get("student", "")
        if student_id.isdigit():
            initial_student = Person.objects.filter(
                pk=student_id, stage__in=[Stage.PROSPECTIVE, Stage.STUDENT]
            ).first()
    return render(
        request, "activity/service_form.html", {"form": form, "initial_student": initial_student}
    )


@role_required(*STAFF_ROLES)
def student_lookup(request: HttpRequest) -> HttpResponse:
    """Htmx fragment: students matching a name or student number, to pick one for the log."""
    query = request.GET.get("q", "").strip()
    students: list[Person] = []
    if len(query) >= 2:
        students = list(
            Person.objects.filter(stage__in=[Stage.PROSPECTIVE, Stage.STUDENT])
            .filter(
                Q(full_name__icontains=query)
                | Q(name_latin__icontains=query)
                | Q(educations__student_number__iexact=query)
            )
            .distinct()
            .prefetch_related("educations")
            .order_by("full_name", "pk")[:LOOKUP_LIMIT]
        )
    return render(request, "activity/student_lookup.html", {"students": students, "query": query})


@role_required()
def services_received(request: HttpRequest) -> HttpResponse:
    person = request.user.person  # type: ignore[union-attr]
    activities = activities_received(person=person) if person else Activity.objects.none()
    page = Paginator(activities, 25).get_page(request.GET.get("page"))
    return render(
        request, "activity/services_received.html", {"page": page, "rating_form": RatingForm()}
    )


@require_POST
@role_required()
def service_rate(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(Activity, pk=pk, beneficiary_id=request.user.person_id)  # type: ignore[union-attr]
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A rating is a whole number from 1 to 5."))
    else:
        try:
            activity_rate(activity=activity, by=request.user, rating=form.cleaned_data["rating"])  # type: ignore[arg-type]
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you for your rating."))
    return redirect("activity:received")

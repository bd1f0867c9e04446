"""Sign-in, the home dashboard and API tokens."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alma.accounts.access import login_required
from alma.accounts.forms import ApiTokenForm, EmailAuthenticationForm
from alma.accounts.services import api_token_create, api_token_revoke
from alma.activity.selectors import activities_given, activities_received
from alma.lib.errors import ApplicationError


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "home_anonymous.html")
    person = request.user.person  # type: ignore[union-attr]
    context: dict[str, object] = {"person": person}
    if person is not None:
        context["recent_received"] = list(activities_received(person=person)[:5])
        context["recent_given"] = list(activities_given(person=person)[:5])
    return render(request, "home.html", context)


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _row, new_token = api_token_create(user=request.user, name=form.cleaned_data["name"])  # type: ignore[arg-type]
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            form = ApiTokenForm()
    rows = request.user.api_tokens.all()  # type: ignore[union-attr]
    return render(
        request, "accounts/tokens.html", {"form": form, "tokens": rows, "new_token": new_token}
    )


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        api_token_revoke(user=request.user, token_id=pk)  # type: ignore[arg-type]
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")

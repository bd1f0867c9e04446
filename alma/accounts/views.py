"""Sign-in (django-allauth's views, Alma's templates), home, account settings, API tokens,
sessions, invitations and claims."""

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alma.accounts import selectors
from alma.accounts.access import login_required, role_required, signed_in_user
from alma.accounts.forms import ApiTokenForm, ClaimForm, InvitationForm
from alma.accounts.home import home_cards_for, home_viewer
from alma.accounts.roles import Role
from alma.accounts.services import (
    api_token_create,
    api_token_revoke,
    claim_approve,
    claim_refuse,
    invitation_create,
    record_claim,
    session_end,
)
from alma.lib.errors import ApplicationError
from alma.people.models import Person


def home(request: HttpRequest) -> HttpResponse:
    """Each role's home: the cards the modules registered (alma/accounts/home.py)."""
    if not request.user.is_authenticated:
        return render(request, "home_anonymous.html")
    viewer = home_viewer(signed_in_user(request))
    return render(request, "home.html", {"person": viewer.person, "cards": home_cards_for(viewer)})


@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    recovery = Authenticator.objects.filter(
        user=user, type=Authenticator.Type.RECOVERY_CODES
    ).first()
    return render(
        request,
        "accounts/settings.html",
        {
            "account_user": user,
            "totp": totp,
            "recovery_left": len(recovery.wrap().get_unused_codes()) if recovery else None,
            "sessions": selectors.sessions_of(user=user),
            "tokens": list(user.api_tokens.all()),
            "social_accounts": list(SocialAccount.objects.filter(user=user)),
        },
    )


@require_POST
@login_required
def session_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    ending_this_one = any(
        s.pk == pk and s.session_key == request.session.session_key
        for s in selectors.sessions_of(user=user)
    )
    try:
        session_end(user=user, session_id=pk)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("accounts:settings")
    if ending_this_one:
        return redirect("accounts:login")
    messages.success(request, _("That session is signed out."))
    return redirect("accounts:settings")


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


# Sign-up ----------------------------------------------------------------------------------------


def join(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation's or a claim's link: keep it in the session and go on to sign-up."""
    if request.user.is_authenticated:
        messages.info(request, _("You are already signed in."))
        return redirect("home")
    invitation = selectors.invitation_by_token(token=token)
    if invitation is None:
        return render(
            request,
            "error.html",
            {"message": _("This link has expired or has already been used.")},
            status=404,
        )
    request.session[selectors.SESSION_INVITATION] = token
    get_adapter(request).stash_verified_email(request, invitation.email)
    return redirect("account_signup")


def claim(request: HttpRequest) -> HttpResponse:
    """An alumnus asks for a login for the record the university holds."""
    if request.user.is_authenticated:
        return redirect("home")
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"].strip().lower()
        if not ratelimit.consume(request, action="claim_record", key=identifier):
            form.add_error(None, _("Too many claims for now. Try again in an hour."))
        else:
            record_claim(
                identifier=form.cleaned_data["identifier"],
                contact_email=form.cleaned_data["contact_email"],
            )
            return render(request, "accounts/claim_sent.html", status=200)
    return render(request, "accounts/claim.html", {"form": form})


@role_required(Role.ALUMNI_OFFICE)
def invitations(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = None
        if form.cleaned_data["person"]:
            person = Person.objects.filter(pk=form.cleaned_data["person"]).first()
            if person is None:
                form.add_error("person", _("No such record."))
        if not form.errors:
            try:
                invitation_create(
                    email=form.cleaned_data["email"], person=person, by=signed_in_user(request)
                )
            except ApplicationError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(
                    request,
                    _("The invitation was sent to %(email)s.")
                    % {"email": form.cleaned_data["email"]},
                )
                return redirect("accounts:invitations")
    page = Paginator(selectors.invitations_for_office(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/invitations.html",
        {"form": form, "page": page, "awaiting": selectors.claims_awaiting_approval().count()},
    )


@require_POST
@role_required(Role.ALUMNI_OFFICE)
def claim_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    user = signed_in_user(request)
    try:
        if decision == "approve":
            invitation = claim_approve(invitation_id=pk, by=user)
            messages.success(
                request,
                _("Approved: the link was sent to %(email)s.") % {"email": invitation.email},
            )
        else:
            claim_refuse(invitation_id=pk, by=user)
            messages.success(request, _("The claim was refused."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("accounts:invitations")

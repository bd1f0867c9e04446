"""Conversations between people a module paired: the list in the inbox, one thread, writing.

Only the conversation's members open it; anyone else gets 404, as for a thread that does not
exist. People are shown by name only (no contact detail): what else they share is their own
choice, in their messages."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from alma.accounts.access import login_required, signed_in_user
from alma.comms import selectors, services
from alma.lib.errors import ApplicationError
from alma.people.models import Person


def _person_or_404(request: HttpRequest) -> Person:
    person = signed_in_user(request).person
    if person is None:
        raise Http404
    return person


@login_required
def conversations(request: HttpRequest) -> HttpResponse:
    person = _person_or_404(request)
    rows = list(selectors.conversations_of(person=person)[:100])
    return render(request, "comms/conversations.html", {"conversations": rows})


@login_required
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request)
    thread = selectors.conversation_for(pk=pk, person=person)
    if thread is None:
        raise Http404
    error = ""
    text = ""
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            services.conversation_post(conversation=thread, author=person, text=text)
        except ApplicationError as failure:
            error = str(failure.message)
        else:
            messages.success(request, _("Sent."))
            return redirect("inbox:conversation", thread.pk)
    services.conversation_mark_read(conversation=thread, person=person)
    return render(
        request,
        "comms/conversation.html",
        {
            "conversation": thread,
            "people": selectors.conversation_people(conversation=thread),
            "messages_list": list(selectors.conversation_messages(conversation=thread)),
            "me": person,
            "error": error,
            "text": text,
        },
        status=400 if error else 200,
    )

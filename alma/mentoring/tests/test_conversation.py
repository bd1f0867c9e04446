"""A mentoring pair talks inside Alma: the pair's conversation, for its two people only."""

import pytest
from django.test import Client

from alma.comms.models import ConversationMessage, Notification
from alma.comms.selectors import conversations_of
from alma.comms.services import conversation_open, conversation_post
from alma.lib.errors import ApplicationError
from alma.mentoring.models import Mentorship
from alma.mentoring.services import mentorship_conversation
from alma.mentoring.tests import world as mw
from alma.testing.personas import client_for


@pytest.fixture
def pair(persona_users) -> Mentorship:
    users = {k: v for k, v in persona_users.items() if v is not None}
    world = mw.mentoring_world(users)
    return Mentorship.objects.get(pk=world["m_pair"])


def test_the_mentor_and_the_mentee_share_one_conversation_the_office_does_not(
    pair, carol, dave, alice
):
    first = client_for(dave).post(f"/mentoring/pairs/{pair.pk}/messages/")
    again = client_for(carol).post(f"/mentoring/pairs/{pair.pk}/messages/")
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert client_for(alice).post(f"/mentoring/pairs/{pair.pk}/messages/").status_code == 404
    with pytest.raises(ApplicationError):
        mentorship_conversation(mentorship=pair, by=alice)
    assert client_for(alice).get(first.headers["Location"]).status_code == 404


def test_a_message_reaches_the_other_side_as_a_notice_without_its_text(
    pair, carol, dave, django_capture_on_commit_callbacks
):
    # Another conversation first, so that conversations' and messages' ids differ.
    earlier = conversation_open(topic="test.earlier", title="Earlier", members=[dave.person])
    conversation = mentorship_conversation(mentorship=pair, by=carol)
    with django_capture_on_commit_callbacks(execute=True):
        conversation_post(
            conversation=conversation, author=carol.person, text="My CV draft is ready"
        )
    notice = Notification.objects.get(recipient=dave.person, kind="comms.conversation_message")
    assert "Carol Student" in notice.subject
    assert "CV draft" not in notice.subject + notice.body
    assert not Notification.objects.filter(
        recipient=carol.person, kind="comms.conversation_message"
    ).exists()
    dave_rows = {c.pk: c.unread for c in conversations_of(person=dave.person)}
    assert dave_rows == {conversation.pk: 1, earlier.pk: 0}
    page = client_for(dave).get(f"/inbox/conversations/{conversation.pk}/").content.decode()
    assert "My CV draft is ready" in page
    assert carol.person.email not in page  # names only: no contact detail
    assert {c.pk: c.unread for c in conversations_of(person=dave.person)} == {
        conversation.pk: 0,
        earlier.pk: 0,
    }


def test_an_empty_or_overlong_message_is_refused_and_nothing_is_kept(pair, carol):
    conversation = mentorship_conversation(mentorship=pair, by=carol)
    client = client_for(carol)
    url = f"/inbox/conversations/{conversation.pk}/"
    assert client.post(url, {"text": "  "}).status_code == 400
    too_long = client.post(url, {"text": "x" * 5001})
    assert too_long.status_code == 400 and "too long" in too_long.content.decode()
    assert not ConversationMessage.objects.exists()


def test_someone_outside_the_pair_cannot_write_in_it(pair, carol, erin):
    conversation = mentorship_conversation(mentorship=pair, by=carol)
    with pytest.raises(ApplicationError):
        conversation_post(conversation=conversation, author=erin.person, text="Hello")
    response = Client()
    response.force_login(erin)
    assert (
        response.post(f"/inbox/conversations/{conversation.pk}/", {"text": "x"}).status_code == 404
    )

"""Each person is told things in their own language, never in the language of whoever caused
the notice (a staff member working in 中文, a worker running in English)."""

import pytest
from django.utils import translation

from alma.activity.services import staff_service_log
from alma.comms.models import Notification
from alma.comms.services import mail_language_set
from alma.testing import factories as f


@pytest.mark.parametrize(
    "name, chosen, working_in, expected",
    [
        ("张小红", "", "en", "有一项为您提供的服务已被记录——它对您有帮助吗？"),
        ("Mary Smith", "", "zh-hans", "A service was recorded for you — was it helpful?"),
        ("Mary Smith", "zh-hans", "en", "有一项为您提供的服务已被记录——它对您有帮助吗？"),
    ],
)
def test_a_service_notice_is_worded_in_the_students_language(
    bob, name, chosen, working_in, expected, django_capture_on_commit_callbacks
):
    student = f.StudentFactory(full_name=name)
    if chosen:
        mail_language_set(person=student, language=chosen)
    with translation.override(working_in), django_capture_on_commit_callbacks(execute=True):
        staff_service_log(staff=bob, student=student, aspect="study", note="Advice")
    assert Notification.objects.get(recipient=student).subject == expected


def test_a_notice_sent_later_is_worded_for_each_recipient(db, django_capture_on_commit_callbacks):
    from alma.comms.kinds import CONVERSATION_MESSAGE
    from alma.comms.services import notify_later
    from alma.lib.reasons import Reason

    chinese, english = f.PersonFactory(full_name="王芳"), f.PersonFactory(full_name="Ann Lee")
    subject = Reason("%(name)s wrote to you about %(title)s", {"name": "Li", "title": "CV"})
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notify_later(
            recipient_ids=[chinese.pk, english.pk],
            kind=CONVERSATION_MESSAGE.slug,
            subject=subject,
        )
    assert Notification.objects.get(recipient=english).subject == "Li wrote to you about CV"
    with translation.override("zh-hans"):
        expected = str(subject)
    assert expected != "Li wrote to you about CV"
    assert Notification.objects.get(recipient=chinese).subject == expected

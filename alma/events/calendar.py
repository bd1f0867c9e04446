"""iCalendar output: a person's feed, a chapter's feed and one event's .ics (RFC 5545)."""

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from alma.events.models import Event


def event_uid(event: Event) -> str:
    host = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0] or "alma"
    return f"event-{event.pk}@{host}"


def calendar_for(events: Iterable[Event], *, name: str, with_online_links: bool) -> bytes:
    """The events as an iCalendar document. Online links only go to people who may join."""
    calendar = Calendar()
    calendar.add("prodid", "-//Alma//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for event in events:
        item = CalendarEvent()
        item.add("uid", event_uid(event))
        item.add("dtstamp", stamp)
        item.add("dtstart", event.starts_at)
        item.add("dtend", event.ends_at)
        item.add("summary", event.title)
        place = ", ".join(p for p in (event.venue, event.city) if p)
        if event.is_online and with_online_links and event.online_url:
            place = event.online_url
        if place:
            item.add("location", place)
        description = event.description
        if event.host_name:
            description = f"{event.host_name}\n\n{description}".strip()
        item.add("description", description)
        item.add("url", settings.SITE_URL + reverse("events:detail", args=[event.pk]))
        item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
        calendar.add_component(item)
    return calendar.to_ical()

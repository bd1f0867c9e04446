"""A chapter officer's home card: this year's admitted students from the chapter's region,
whether their send-off is planned, and the chapter's new alumni (see alma/accounts/home.py)."""

from typing import Any

from alma.accounts.home import ASKS, HomeCard, HomeViewer, home_card_register
from alma.accounts.roles import Role
from alma.lifecycle.selectors import (
    chapter_send_off_of,
    chapters_managed_by,
    intake_year,
    new_alumni_of,
    new_students_of,
)


def chapters(viewer: HomeViewer) -> dict[str, Any] | None:
    if not viewer.holds(Role.CHAPTER_OFFICER):
        return None
    entry_year = intake_year(viewer.today)
    rows = []
    # The officer's own chapters (the office manages every chapter: its home is the queues).
    for chapter in chapters_managed_by(viewer.user).filter(
        memberships__person=viewer.person, memberships__role="officer"
    )[:3]:
        rows.append(
            {
                "chapter": chapter,
                "new_students": new_students_of(
                    chapter=chapter, entry_year=entry_year, viewer=viewer.user
                ).count(),
                "send_off": chapter_send_off_of(chapter=chapter, entry_year=entry_year),
                "new_alumni": new_alumni_of(
                    chapter=chapter, graduation_year=viewer.today.year
                ).count(),
            }
        )
    if not rows:
        return None
    return {"rows": rows, "entry_year": entry_year, "year": viewer.today.year}


def register_home_cards() -> None:
    home_card_register(
        HomeCard("lifecycle.chapters", ASKS + 2, "lifecycle/home/chapters.html", chapters)
    )

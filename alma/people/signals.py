"""What people announce to the apps that keep copies of their records (the directory's index)."""

from django.dispatch import Signal

# Sent with `person_ids` after a bulk write changed these people without saving each one
# (cohort transitions, imports, merges), so no model signal fired for them.
people_bulk_changed = Signal()

# Sent with `viewer`, `people`, `shown` ({person id: privacy keys displayed}) and `context`
# when a page outside the directory (the admin) showed people's fields to the alumni office,
# so the directory's log of office views of fields kept from members records it too.
private_fields_shown = Signal()

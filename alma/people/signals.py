"""What people announce to the apps that keep copies of their records (the directory's index)."""

from django.dispatch import Signal

# Sent with `person_ids` after a bulk write changed these people without saving each one
# (cohort transitions, imports, merges), so no model signal fired for them.
people_bulk_changed = Signal()

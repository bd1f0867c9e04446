"""django-simple-history's records as Alma keeps them."""

from typing import Any

from django.db import models
from simple_history.models import HistoricalRecords


class History(HistoricalRecords):
    """HistoricalRecords whose author column (a foreign key, as django-simple-history makes it)
    is indexed only where there is an author.

    Rows written by imports, jobs and the shell have none (most rows, in a large database), and
    the only query by author is clearing it when a user is deleted, which the partial index
    serves. A full index would take an entry for every history row written: bulk writes pay
    for each index on each row (see `alma.lib.bulk.history_copy`).
    """

    def _get_history_user_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = super()._get_history_user_fields()
        if not isinstance(
            fields["history_user"], property
        ):  # a property with history_user_id_field
            fields["history_user"].db_index = False
        return fields

    def get_meta_options(self, model: type[models.Model]) -> dict[str, Any]:
        options: dict[str, Any] = super().get_meta_options(model)
        options["indexes"] = [
            *options.get("indexes", ()),
            models.Index(
                fields=["history_user"],
                condition=models.Q(history_user__isnull=False),
                name=f"hist_{model._meta.model_name}_author"[:30],
            ),
        ]
        return options

"""Small helpers for HTML forms."""

from typing import Any

from alma.lib.errors import ApplicationError


def form_error_show(form: Any, error: ApplicationError) -> None:
    """Show a service's ApplicationError on the form: at its field if the form has one."""
    form.add_error(error.field if error.field in form.fields else None, error.message)

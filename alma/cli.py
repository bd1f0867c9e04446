"""The `alma` command: Django's manage.py with Alma's settings (alma demo, alma seed, alma worker...)."""

import os
import sys

from alma.lib.keyfile import kept_secret_key, kept_support_key


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alma.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "alma"
    if not os.environ.get("ALMA_SECRET_KEY"):
        # `alma demo` makes a random key and keeps it in var/; later commands on the same
        # var/ (runserver, createsuperuser...) use it. Elsewhere ALMA_SECRET_KEY is required.
        key = kept_secret_key(create=len(args) > 1 and args[1] == "demo")
        if key:
            os.environ["ALMA_SECRET_KEY"] = key
    if not os.environ.get("ALMA_SUPPORT_KEYS"):
        # Support cases are encrypted at rest: `alma demo` makes a key in var/ likewise.
        support_key = kept_support_key(create=len(args) > 1 and args[1] == "demo")
        if support_key:
            os.environ["ALMA_SUPPORT_KEYS"] = support_key
    try:
        execute_from_command_line(args)
    except ImproperlyConfigured as error:
        sys.exit(f"alma: {error}")


if __name__ == "__main__":
    main()

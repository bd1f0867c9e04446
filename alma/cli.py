"""The `alma` command: Django's manage.py with Alma's settings (alma demo, alma seed, alma worker...)."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alma.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "alma"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()

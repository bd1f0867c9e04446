#!/usr/bin/env python
"""Django's manage.py for working in a checkout; the installed `alma` command does the same."""

from alma.cli import main

if __name__ == "__main__":
    main()

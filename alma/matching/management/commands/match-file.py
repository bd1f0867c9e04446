"""`alma match-file`: the spelling the docs use; the command lives in match_file.py."""

from alma.matching.management.commands.match_file import Command

__all__ = ["Command"]

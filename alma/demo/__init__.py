"""The demo university and synthetic data: one builder per module, deterministic and bilingual.

No product app imports this package (import-linter checks it in `make lint`); it imports them.
"""

"""Side-by-side benchmarks: each measures Alma against a baseline in the same run (`make bench`).

A bench module exposes `main(argv: list[str] | None = None) -> int` and is listed in
`bench.__main__.BENCHES`.
"""

import os
import secrets

# Benchmarks run Alma with debug off, which needs a secret key; nothing they sign outlives the
# run, so a throw-away one (inherited by the `alma` processes they start) does.
os.environ.setdefault("ALMA_SECRET_KEY", secrets.token_urlsafe(50))

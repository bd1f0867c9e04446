"""Side-by-side benchmarks: each measures Alma against a baseline in the same run (`make bench`).

A bench module exposes `main(argv: list[str] | None = None) -> int` and is listed in
`bench.__main__.BENCHES`.
"""

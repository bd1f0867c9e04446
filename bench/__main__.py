"""`python -m bench [NAME ...]`: run every benchmark listed in BENCHES (or the ones named)."""

import importlib
import sys

# Add a module here when you add a benchmark; each runs with its own defaults.
BENCHES = ["seed", "directory", "matching", "imports", "comms", "forum", "careers", "load"]


def main(argv: list[str] | None = None) -> int:
    names = list(sys.argv[1:] if argv is None else argv) or BENCHES
    unknown = [name for name in names if name not in BENCHES]
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}. Known: {', '.join(BENCHES)}.")
        return 2
    failed = 0
    for name in names:
        print(f"== bench.{name} ==", flush=True)
        module = importlib.import_module(f"bench.{name}")
        failed += bool(module.main([]))
        print(flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

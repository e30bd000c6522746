"""Run every benchmark in bench/: `python -m bench [name ...]`.

A benchmark is a module here with a `main(argv)` function; add yours to BENCHES.
"""

import importlib
import sys

BENCHES = ("exports",)


def main(argv: list[str]) -> int:
    names = [name for name in argv if not name.startswith("-")] or list(BENCHES)
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"== bench/{name}.py ==", flush=True)
        module.main([a for a in argv if a.startswith("-")])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

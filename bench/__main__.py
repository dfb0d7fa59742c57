"""Run benchmark modules in bench/: ``python -m bench [name ...] [--full]``.

Flags (arguments starting with ``-``) are passed to every module run, so
``python -m bench moderation --full`` works like ``python -m bench.moderation --full``.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import bench


def main(argv: list[str]) -> int:
    flags = [arg for arg in argv if arg.startswith("-")]
    names = [arg for arg in argv if not arg.startswith("-")] or sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if not m.name.startswith("_")
    )
    for name in names:
        print(f"### bench.{name} {' '.join(flags)}".rstrip(), flush=True)
        importlib.import_module(f"bench.{name}").main(flags)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

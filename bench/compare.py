"""Before and after in ONE run: this tree against a git ref, on the same machine, interleaved.

The ref's tree is exported with ``git archive`` into a temporary folder (nothing in the
repository changes) and run with this tree's virtualenv. Then, ``--runs`` times, alternating:

* start-up cases: a command line, what it reads on standard input, and the output line to
  wait for (a regular expression; none = until it exits). Reports the median time to that
  line and the median peak memory (max RSS) of the process. The defaults are the console's
  time to its first answer (``/help`` piped) and ``python -m bot moderation scan`` of a
  one-line file; ``--case`` adds others.
* with ``--benches``: the per-command benchmarks at quick sizes (bench/articles.py and
  bench/streaks.py) and the search part of bench/scale.py, reporting the median p50/p99 of
  every line that has them, and every "N/s" rate.

    python -m bench.compare                          # start-up against main, 5 runs
    python -m bench.compare --ref main --runs 7 --benches
    python -m bench.compare --case "migrate" "-m bot migrate" "" "schema version"

bench/articles.py, bench/scale.py and bench/streaks.py (and bench/_engines.py, which they use) are
copied into the ref's tree first, so
the same benchmark code measures both (their generators draw the same data as before).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shlex
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
SHARED_BENCH_FILES = ("_engines.py", "articles.py", "scale.py", "streaks.py")
FIGURE = re.compile(
    r"^\s*(?P<name>[^:=]+?)[:\s]+n=\s*\d+\s+p50=\s*(?P<p50>[\d.]+) ms\s+p99=\s*(?P<p99>[\d.]+) ms"
)
RATE = re.compile(r"^\s*(?P<name>[^:(]+).*?\((?P<rate>[\d.]+) ?(?:[a-z]+)?/s\)")
#: bench.scale's search table: a header of library sizes, then "kind  p99 (p50)" per size.
SIZES = re.compile(r"^\s+((?:[\d,]+\s+)+)p99 ")
CELL = re.compile(r"([\d.]+) \(([\d.]+)\)")


@dataclass(frozen=True)
class Case:
    name: str
    argv: list[str]
    stdin: str
    wait_for: str | None  # regular expression on a stdout line; None: until the process exits


def default_cases(scan_file: Path) -> list[Case]:
    return [
        Case("console: first answer to /help", ["-m", "bot", "console"], "/help\n", r"\S"),
        Case(
            "moderation scan: start-up to exit",
            ["-m", "bot", "moderation", "scan", str(scan_file)],
            "",
            None,
        ),
    ]


@contextlib.contextmanager
def exported(ref: str) -> Iterator[Path]:
    """The tree of ``ref`` in a temporary folder, with this tree's shared benchmark files."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{re.sub(r'[^A-Za-z0-9]', '-', ref)}-") as tmp:
        archive = subprocess.run(
            ["git", "-C", str(HERE), "archive", "--format=tar", ref],
            check=True,
            capture_output=True,
        ).stdout
        with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        for name in SHARED_BENCH_FILES:
            (Path(tmp) / "bench" / name).write_bytes((HERE / "bench" / name).read_bytes())
        yield Path(tmp)


def environment(tree: Path, state: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MSBOT_")}
    env["MSBOT_DATABASE_PATH"] = str(state / f"{tree.name}.sqlite3")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def measure(case: Case, tree: Path, env: dict[str, str]) -> tuple[float, float]:
    """(seconds to the awaited line or to exit, peak memory in MB) of one run."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, *case.argv],
        cwd=tree,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(case.stdin)
    process.stdin.close()
    elapsed = None
    pattern = re.compile(case.wait_for) if case.wait_for else None
    for line in process.stdout:
        if pattern is not None and elapsed is None and pattern.search(line):
            elapsed = time.perf_counter() - started
    _, status, usage = os.wait4(process.pid, 0)
    ended = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0 or (pattern is not None and elapsed is None):
        raise RuntimeError(f"{case.name} in {tree} failed (exit {process.returncode})")
    return (elapsed if elapsed is not None else ended), usage.ru_maxrss / 1024


def run_bench(module_args: list[str], tree: Path, env: dict[str, str]) -> dict[str, list[float]]:
    result = subprocess.run(
        [sys.executable, "-m", *module_args], cwd=tree, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:  # say which, and go on with the others
        print(
            f"{' '.join(module_args)} failed in {tree}:\n{result.stderr[-2000:]}", file=sys.stderr
        )
        return {}
    output = result.stdout
    figures: dict[str, list[float]] = {}
    sizes: list[str] = []
    for line in output.splitlines():
        if match := SIZES.match(line):
            sizes = match[1].split()
        elif sizes and (cells := CELL.findall(line)) and len(cells) == len(sizes):
            kind = line[: line.index(cells[0][0])].strip()
            for size, (p99, p50) in zip(sizes, cells, strict=True):
                figures[f"{kind} at {size}: p50 ms"] = [float(p50)]
                figures[f"{kind} at {size}: p99 ms"] = [float(p99)]
        elif match := FIGURE.match(line):
            figures[f"{match['name'].strip()} p50 ms"] = [float(match["p50"])]
            figures[f"{match['name'].strip()} p99 ms"] = [float(match["p99"])]
        elif match := RATE.match(line):
            figures[f"{match['name'].strip()} per s"] = [float(match["rate"])]
    return figures


def table(title: str, rows: dict[str, dict[str, list[float]]], trees: list[str]) -> None:
    print(f"\n{title}")
    print(f"  {'':<72}" + "".join(f"{t:>18}" for t in trees) + "  after/before")
    for name, by_tree in rows.items():
        medians = [statistics.median(by_tree[t]) if by_tree.get(t) else float("nan") for t in trees]
        ratio = medians[1] / medians[0] if medians[0] else float("nan")
        print(f"  {name[:72]:<72}" + "".join(f"{m:>18.2f}" for m in medians) + f"  {ratio:>10.2f}x")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.compare",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--ref", default="main", help="the 'before' git ref (main)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--benches", action="store_true", help="also the quick benchmarks")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up cases")
    parser.add_argument("--search-sizes", default="1000 10000 50000", help="for --benches")
    parser.add_argument(
        "--case",
        nargs=4,
        action="append",
        default=[],
        metavar=("NAME", "ARGS", "STDIN", "WAIT"),
        help="another start-up case: python arguments, standard input, regex ('' = exit)",
    )
    parser.add_argument("--full", action="store_true", help=argparse.SUPPRESS)  # python -m bench
    args = parser.parse_args(argv)
    benches = [
        # SQLite only: the tree before may have no other engine.
        ["bench.articles", "--articles", "2000", "--ratings", "20000", "--engines", "sqlite"],
        ["bench.streaks", "--engines", "sqlite"],
        ["bench.scale", "--part", "search", "--sizes", *args.search_sizes.split()],
    ]
    with exported(args.ref) as before, tempfile.TemporaryDirectory(prefix="bench-state-") as tmp:
        state = Path(tmp)
        scan_file = state / "one.jsonl"
        scan_file.write_text('{"text": "good morning, rough night with spasms", "label": "ham"}\n')
        cases = default_cases(scan_file) + [
            Case(name, shlex.split(line), stdin.replace("\\n", "\n"), wait or None)
            for name, line, stdin, wait in args.case
        ]
        trees = {f"before ({args.ref})": before, "after (this tree)": HERE}
        names = list(trees)
        envs = {name: environment(tree, state) for name, tree in trees.items()}
        times: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        memory: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        figures: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        if not args.no_startup:
            for name, tree in trees.items():  # untimed: create and migrate each database
                for case in cases:
                    measure(case, tree, envs[name])
        for run in range(args.runs):
            print(f"run {run + 1} of {args.runs}", file=sys.stderr, flush=True)
            for name, tree in trees.items():
                if not args.no_startup:
                    for case in cases:
                        seconds, megabytes = measure(case, tree, envs[name])
                        times[case.name][name].append(seconds * 1000)
                        memory[case.name][name].append(megabytes)
                if args.benches:
                    for module_args in benches:
                        for figure, values in run_bench(module_args, tree, envs[name]).items():
                            figures[f"{module_args[0]}: {figure}"][name] += values
        print(f"median of {args.runs} runs, interleaved; machine load: {os.getloadavg()[0]:.1f}")
        if not args.no_startup:
            table("start-up: milliseconds", times, names)
            table("start-up: peak memory, MB", memory, names)
        if args.benches:
            table("benchmarks (ms, or per second)", figures, names)


if __name__ == "__main__":
    main(sys.argv[1:])

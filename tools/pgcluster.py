"""A throwaway PostgreSQL cluster on loopback, for the tests, the benchmarks and CI.

``python -m tools.pgcluster run -- make test`` starts a cluster in a temporary folder
(``initdb`` + ``pg_ctl`` on a free port of 127.0.0.1, trust authentication, nothing listening
elsewhere), runs the command with ``MSBOT_TEST_POSTGRESQL_URL`` pointing at it, and removes the
cluster when the command ends, whatever its outcome. PostgreSQL refuses to run as root: as root
(CI), the server runs as the ``postgres`` system user that Debian's package creates.

The binaries come from ``PG_BINDIR``, else the newest ``/usr/lib/postgresql/*/bin`` (Debian), else
``PATH``. Nothing here installs PostgreSQL: ``.ci/run`` does that with apt-get.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

URL_VARIABLE = "MSBOT_TEST_POSTGRESQL_URL"
SUPERUSER = "msbot"
#: Throwaway data: no crash safety needed, so no waiting for the disk (tests run faster).
FAST_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")
#: Benchmarks: like SQLite's WAL with synchronous=NORMAL, a commit does not wait for the disk,
#: but the data stays crash-consistent.
BENCH_SETTINGS = ("synchronous_commit=off",)


class ClusterError(RuntimeError):
    """PostgreSQL is not installed, or the cluster would not start."""


def bindir() -> Path:
    configured = os.environ.get("PG_BINDIR")
    if configured:
        return Path(configured)
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if debian and (debian[-1] / "initdb").exists():
        return debian[-1]
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise ClusterError(
        "PostgreSQL is not installed (no initdb): `apt-get install postgresql`, or set PG_BINDIR "
        "to the folder holding initdb and pg_ctl."
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    """One cluster in a temporary folder; :meth:`start`, then :meth:`stop` (removes it)."""

    def __init__(self, settings: tuple[str, ...] = FAST_SETTINGS) -> None:
        self.settings = settings
        self.bin = bindir()
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="msbot-pg-"))
        self.data = self.folder / "data"
        self._as_user: list[str] = []
        if os.geteuid() == 0:  # initdb and postgres refuse root
            runuser = shutil.which("runuser")
            if runuser is None:
                raise ClusterError("running as root without runuser: cannot start PostgreSQL")
            self._as_user = [runuser, "-u", "postgres", "--"]
            shutil.chown(self.folder, "postgres", "postgres")

    @property
    def url(self) -> str:
        return self.url_for("postgres")

    def url_for(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> None:
        result = subprocess.run(
            [*self._as_user, *command],
            cwd=self.folder,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise ClusterError(
                f"{Path(command[0]).name} failed ({result.returncode}): "
                f"{(result.stderr or result.stdout).strip()[-1500:]}"
            )

    def start(self) -> Cluster:
        self._run(
            str(self.bin / "initdb"),
            "--pgdata",
            str(self.data),
            "--username",
            SUPERUSER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--locale",
            "C",
            "--no-sync",
        )
        options = " ".join(
            [
                f"-p {self.port}",
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={self.folder}",
                *(f"-c {setting}" for setting in self.settings),
            ]
        )
        self._run(
            str(self.bin / "pg_ctl"),
            "--pgdata",
            str(self.data),
            "--log",
            str(self.folder / "server.log"),
            "--options",
            options,
            "--wait",
            "start",
        )
        return self

    def stop(self) -> None:
        with contextlib.suppress(ClusterError):
            self._run(
                str(self.bin / "pg_ctl"), "--pgdata", str(self.data), "--mode", "immediate", "stop"
            )
        shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def throwaway_cluster(settings: tuple[str, ...] = FAST_SETTINGS) -> Iterator[Cluster]:
    cluster = Cluster(settings)
    try:
        yield cluster.start()
    finally:
        cluster.stop()


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[0] != "run" or argv[1] != "--":
        print("usage: python -m tools.pgcluster run -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    try:
        with throwaway_cluster() as cluster:
            print(f"PostgreSQL cluster for the tests at {cluster.url}", flush=True)
            env = {**os.environ, URL_VARIABLE: cluster.url}
            return subprocess.call(argv[2:], env=env)
    except ClusterError as exc:
        print(f"PostgreSQL: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

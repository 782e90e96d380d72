"""A throwaway PostgreSQL cluster for tests: initdb + pg_ctl on a unix socket in a temp dir.

PostgreSQL refuses to run as root, so under root the server runs as the ``postgres`` user; the
socket directory is world-accessible and clients connect as the ``postgres`` role with trust auth.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path


def find_bindir() -> Path | None:
    """PostgreSQL binaries: $PG_BINDIR, else the newest /usr/lib/postgresql/*/bin, else PATH."""
    env = os.environ.get("PG_BINDIR")
    if env and (Path(env) / "initdb").exists():
        return Path(env)
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class Cluster:
    """``bindir`` holds the server (initdb, pg_ctl); clients (psql...) come from ``client_bindir``."""

    def __init__(self, bindir: Path, client_bindir: Path | None = None) -> None:
        self.bindir = bindir
        self.client_bindir = client_bindir or bindir
        self.root = Path(tempfile.mkdtemp(prefix="datagen-pg-"))
        self.data = self.root / "data"
        self.sock = self.root / "sock"
        self.port = 5432  # no TCP (listen_addresses=''): the socket's own directory keeps it apart
        self.user = None
        if os.geteuid() == 0:
            self.user = pwd.getpwnam("postgres")
            os.chmod(self.root, 0o755)
        self.sock.mkdir()
        os.chmod(self.sock, 0o777)
        self._n = 0

    def _server(self, args: list[str]) -> subprocess.CompletedProcess:
        kw = {}
        if self.user is not None:
            kw = {"user": self.user.pw_uid, "group": self.user.pw_gid}
        return subprocess.run(args, capture_output=True, text=True, check=False, **kw)

    def start(self) -> None:
        if self.user is not None:
            os.chown(self.root, self.user.pw_uid, self.user.pw_gid)
        r = self._server(
            [
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ]
        )
        if r.returncode:
            raise RuntimeError(f"initdb failed:\n{r.stdout}\n{r.stderr}")
        opts = (
            f"-k {self.sock} -p {self.port} -c listen_addresses='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        r = self._server(
            [
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.root / "log"),
                "-o",
                opts,
                "-w",
                "start",
            ]
        )
        if r.returncode:
            log = (self.root / "log").read_text() if (self.root / "log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed:\n{r.stdout}\n{r.stderr}\n{log}")

    def stop(self) -> None:
        self._server([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"])
        shutil.rmtree(self.root, ignore_errors=True)

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PGHOST": str(self.sock),
            "PGPORT": str(self.port),
            "PGUSER": "postgres",
        }

    def run(
        self, args: list[str], db: str = "postgres", input: bytes | None = None, check: bool = True
    ) -> subprocess.CompletedProcess:
        tool = args[0]
        cmd = [str(self.client_bindir / tool), *args[1:]]
        if tool == "psql":
            cmd += ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db]
        r = subprocess.run(cmd, input=input, capture_output=True, env=self.env(), check=False)
        if check and r.returncode:
            raise AssertionError(
                f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr.decode(errors='replace')}"
            )
        return r

    def new_db(self) -> str:
        self._n += 1
        name = f"t{self._n}"
        self.run(["psql", "-c", f"CREATE DATABASE {name}"])
        return name

    def query(self, db: str, sql: str) -> list[tuple[str, ...]]:
        """Rows of a query, each a tuple of text values (NULL as None)."""
        r = self.run(
            ["psql", "-A", "-t", "-F", "\x1f", "-R", "\x1e", "-P", "null=\x01", "-c", sql], db=db
        )
        out = r.stdout.decode("utf-8")
        rows = [row for row in out.split("\x1e") if row not in ("", "\n")]
        return [
            tuple(None if v == "\x01" else v for v in row.strip("\n").split("\x1f")) for row in rows
        ]

    def scalar(self, db: str, sql: str) -> str | None:
        return self.query(db, sql)[0][0]

    def load_sql(self, path: Path | str, db: str | None = None) -> str:
        db = db or self.new_db()
        self.run(["psql", "-f", str(path)], db=db)
        return db

"""A throwaway PostgreSQL cluster for tests: initdb + pg_ctl on a unix socket in a temp dir.

PostgreSQL refuses to run as root, so under root the server runs as the ``postgres`` user; the
socket directory is world-accessible and clients connect as the ``postgres`` role with trust auth.
Builds fetched into .pg/<major>/ (scripts/fetch-postgres.sh) carry their own libpq in ../lib:
their tools find it through their RUNPATH, and ``LD_LIBRARY_PATH`` is set to it as well so that
an ``LD_LIBRARY_PATH`` of the caller's cannot hand them another version's.

``ROWS_DIGEST`` and ``CONSTRAINTS`` are queries that compare two databases' contents.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

ROWS_DIGEST = """
select string_agg(t, '|' order by t) from (
  select format('%s.%s=%s', n.nspname, c.relname,
         (xpath('/row/d/text()', query_to_xml(format(
            'select md5(coalesce(string_agg(r::text, chr(10) order by r::text), '''')) as d '
            'from %I.%I r', n.nspname, c.relname), false, false, '')))[1]::text) as t
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema')
) s
"""
CONSTRAINTS = """
select string_agg(format('%s %s %s %s', conrelid::regclass, conname, contype, convalidated), '|'
                  order by conrelid::regclass::text, conname)
from pg_constraint where connamespace not in ('pg_catalog'::regnamespace,
                                               'information_schema'::regnamespace)
"""


def lib_env(bindir: Path, env: dict[str, str] | None = None) -> dict[str, str]:
    """``env`` (default: this process's) with ``bindir``/../lib first on LD_LIBRARY_PATH when
    that directory holds a libpq of its own (a relocatable build); otherwise unchanged."""
    env = dict(os.environ if env is None else env)
    lib = bindir.parent / "lib"
    if (lib / "libpq.so.5").exists():
        rest = env.get("LD_LIBRARY_PATH")
        env["LD_LIBRARY_PATH"] = f"{lib}:{rest}" if rest else str(lib)
    return env


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
        kw: dict = {"env": lib_env(self.bindir)}
        if self.user is not None:
            kw |= {"user": self.user.pw_uid, "group": self.user.pw_gid}
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
            **lib_env(self.client_bindir),
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

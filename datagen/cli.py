"""The ``datagen`` command: a thin shell over :mod:`datagen.api`.

Errors a user can fix are printed as ``Error: ...`` lines with no traceback (``--debug`` shows it);
exit codes: 0 ok, 1 invalid spec or failed work, 2 bad usage.
"""

from __future__ import annotations

import signal
import sys
import textwrap
import threading
import time
import traceback

import click

from . import api
from .errors import DatagenError, SpecError, UsageError
from .explain import explain_command
from .generators.catalog import catalog, param_text
from .templates import commands as template_commands
from .versions import byte_shaping_versions
from .writers import FORMAT_NAMES, writer_for


class Progress:
    """One status line on stderr, redrawn at most a few times a second."""

    def __init__(self) -> None:
        self.last = 0.0
        self.started = time.monotonic()

    def __call__(self, table: str, done: int, rows: int) -> None:
        now = time.monotonic()
        if done < rows and now - self.last < 0.2:
            return
        self.last = now
        rate = done / max(now - self.started, 1e-9)
        pct = 100 * done // rows if rows else 100
        sys.stderr.write(f"\r\x1b[K{table}: {done:,}/{rows:,} rows ({pct}%, {rate:,.0f} rows/s)")
        if done >= rows:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _parse_rows(values: tuple[str, ...]) -> dict[str, int]:
    out = {}
    for v in values:
        name, sep, n = v.rpartition("=")
        if not sep or not name or not n.isdigit():
            raise UsageError(f"--rows {v!r}: write it as TABLE=N, with N a whole number")
        out[name] = int(n)
    return out


def _finite(value: float | None) -> float | None:
    """FloatRange lets NaN through (every comparison with it is false)."""
    if value is not None and value != value:
        raise click.BadParameter("nan is not a number of rows")
    return value


def _jobs(help_text: str):
    return click.option("-j", "--jobs", type=click.IntRange(min=1), default=1,
                        show_default=True, help=help_text)  # fmt: skip


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Compile dataset specs (YAML or JSON) into PostgreSQL dumps of deterministic fake data.

    \b
    Start here:
      datagen validate datasets/shop.yaml      check a spec, every problem at once
      datagen generate datasets/shop.yaml      write shop.sql (COPY format) here
      psql -v ON_ERROR_STOP=1 -f shop.sql      load it
    """
    ctx.obj = {"debug": debug}


@cli.command()
@click.argument("spec", required=False)
@click.option("--template", metavar="T", help="A built-in template instead of SPEC.")
@click.option(
    "-o",
    "--output",
    metavar="PATH|-",
    help="Output file (directory for -f directory), or - for stdout. Default: NAME.sql (copy), "
    "NAME.inserts.sql (sql), NAME.dump, NAME.dir, NAME.tar in the current directory.",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(list(FORMAT_NAMES)),
    default="copy",
    show_default=True,
    help="copy: COPY blocks as pg_dump writes; sql: multi-row INSERTs; "
    "custom, directory, tar: pg_dump's -Fc, -Fd, -Ft archives for pg_restore.",
)
@click.option(
    "--compress",
    type=click.IntRange(0, 9),
    help="zlib level of -f custom and -f directory (default 1; 0: none).",
)
@click.option("--seed", type=int, help="Override the spec's seed.")
@click.option(
    "--rows",
    "rows",
    multiple=True,
    metavar="TABLE=N",
    help="Override a table's row count (repeatable).",
)
@click.option(
    "--scale",
    type=click.FloatRange(min=0, max=1e6),
    callback=lambda ctx, param, v: _finite(v),
    help="Multiply every table's rows (0 to 1e6).",
)
@_jobs("Worker processes; the output is byte-identical for any number.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
def generate(spec, template, output, fmt, compress, seed, rows, scale, jobs, quiet) -> None:
    """Generate one dump from SPEC (a file, or - for stdin), or from a built-in --template.

    \b
    Examples:
      datagen generate shop.yaml                        # -> ./shop.sql
      datagen generate shop.yaml -f sql -o seed.sql     # INSERT statements
      datagen generate shop.yaml --rows orders=1000000 --scale 0.1 -j 2
      datagen generate shop.yaml -o - | psql -v ON_ERROR_STOP=1 mydb
      datagen generate shop.yaml -f custom -j 2         # -> ./shop.dump, for pg_restore -j
      datagen generate --template ecommerce             # -> ./ecommerce.sql

    The same spec and seed give the same bytes on every run and machine (a compressed archive:
    with the same zlib). A failed run leaves no partial file behind.
    """
    if compress is not None and not writer_for(fmt).levels:
        raise UsageError("--compress applies to -f custom and -f directory only")
    kw = {"seed": seed, "rows": _parse_rows(rows), "scale": scale}
    ds = template_commands.compile_source(spec, template, **kw)  # once
    path = output or api.default_output(ds, fmt)
    show = not quiet and sys.stderr.isatty()
    progress = Progress() if show else None
    n = api.generate_to_path(ds, path, fmt, jobs=jobs, progress=progress, compress=compress)
    if show and path != "-":
        click.echo(f"wrote {path} ({n:,} bytes)", err=True)


@cli.command()
@click.argument("specs", nargs=-1, required=True)
def validate(specs) -> None:
    """Check SPECS and report every problem at once, each with file:line, place and a fix.

    \b
    Example:
      datagen validate datasets/*.yaml

    Exits 1 if any spec has an error. CHECK constraints the generators cannot honour are
    reported as warnings.
    """
    bad = False
    for report in api.validate(list(specs)):
        for w in report.warnings:
            click.echo(f"warning: {w}", err=True)
        if report.ok:
            ds = report.dataset
            assert ds is not None
            rows = sum(t.rows for t in ds.tables)
            click.echo(f"{report.file}: ok ({len(ds.tables)} tables, {rows:,} rows)")
        else:
            bad = True
            for p in report.problems:
                click.echo(f"Error: {p}", err=True)
            n = len(report.problems)
            click.echo(f"{report.file}: {n} problem{'s' if n != 1 else ''}", err=True)
    if bad:
        sys.exit(1)


_REPO = click.option("-C", "--directory", "root", default=".", show_default=True,
                     type=click.Path(file_okay=False, exists=True),
                     help="The repository (with datasets/ in it).")  # fmt: skip


_EXECUTOR = "Where chunks are made: -j processes here (local), or Dask (or DATAGEN_EXECUTOR)."
_SCHEDULER = "The Dask scheduler, tcp://HOST:PORT (or DATAGEN_SCHEDULER); else a local cluster."
_CACHE = "A cache shared by builds: a folder, or a URL such as s3://BUCKET/PREFIX (DATAGEN_CACHE)."
_PUBLISH = "A folder or URL to put the dumps at too, as LOCATION/build/FILE."


@cli.command()
@click.argument("names", nargs=-1)
@_REPO
@_jobs("Worker processes; outputs are byte-identical for any number.")
@click.option("--deep", is_flag=True, help="Reread all cache objects; remake the damaged ones.")
@click.option("--executor", type=click.Choice(["local", "dask"]), help=_EXECUTOR)
@click.option("--scheduler", metavar="ADDRESS", help=_SCHEDULER)
@click.option("--cache", metavar="LOCATION", help=_CACHE)
@click.option("--publish", metavar="LOCATION", help=_PUBLISH)
def build(names, root, jobs, deep, executor, scheduler, cache, publish) -> None:
    """Build datasets/NAME.yaml (all by default) into build/, regenerating only what changed.

    \b
    Examples:
      datagen build                 # every dataset; the same as running `doit`
      datagen build shop -j 2       # one dataset, two processes
      datagen build --executor dask --scheduler tcp://10.0.0.5:8786
      datagen build --cache s3://fixtures/datagen   # copy chunks from it, publish new ones
      datagen build --publish s3://fixtures/dumps   # and put the dumps there too

    Each chunk of rows, and each column of it, is cached under cache/ by a hash of everything its
    bytes depend on: an edit regenerates the columns it changed (and tables whose referenced keys
    changed); reverting an edit reuses the objects of the last 5 builds (DATAGEN_CACHE_KEEP).
    Dumps are copied from cached chunks as their metas vouch (--deep reads them all first). The
    build also writes datasets/NAME.lock.json: commit it.
    """
    from .pipeline import build as pipeline

    how = {"executor": executor, "scheduler": scheduler, "cache": cache, "publish": publish}
    pipeline.build(root, list(names) or None, jobs, deep=deep, **how)


@cli.command()
@click.argument("names", nargs=-1)
@_REPO
def plan(names, root) -> None:
    """Say what `datagen build` would regenerate, and why, without doing it.

    \b
    Example:
      $ datagen plan
      shop: public.orders: rebuild, 1 of 1 chunks to generate (rows: 5000 -> 6000)
      shop: public.order_items: rebuild, 1 of 1 chunks to generate (keys of public.orders changed)
    """
    from .pipeline import build as pipeline

    for line in pipeline.plan(root, list(names) or None):
        click.echo(line)


def _verdict(problems: list[str], ok: str) -> None:
    """Print each problem and exit 1, or print ``ok``."""
    for p in problems:
        click.echo(f"Error: {p}", err=True)
    if problems:
        sys.exit(1)
    click.echo(ok)


@cli.command()
@click.argument("names", nargs=-1)
@_REPO
def check(names, root) -> None:
    """Check that every datasets/NAME.lock.json matches its spec, without generating anything.

    Fast enough for a pre-commit hook; exits 1 naming each table whose spec changed since its
    lock was written.
    """
    from .pipeline import build as pipeline

    _verdict(pipeline.check(root, list(names) or None), "all locks match their specs")


@cli.command()
@click.argument("names", nargs=-1)
@_REPO
@_jobs("Worker processes.")
def verify(names, root, jobs) -> None:
    """Regenerate from scratch in a temporary place and compare every digest with the lock.

    Proves the checked-in locks are reproducible here; exits 1 naming every differing table and
    output.
    """
    from .pipeline import build as pipeline

    _verdict(pipeline.verify(root, list(names) or None, jobs), "every digest matches its lock")


@cli.command()
@_REPO
@click.option("--keep", type=click.IntRange(min=0), default=0, show_default=True, metavar="N",
              help="Also keep the objects of the N most recent earlier builds, so reverting to "
              "one of them regenerates nothing.")  # fmt: skip
def gc(root, keep) -> None:
    """Delete cache objects that no current spec references (old versions, interrupted writes),
    and dumps in build/ of datasets that are gone. `datagen build` itself keeps the objects of
    the last 5 builds (DATAGEN_CACHE_KEEP=N to change, off for all)."""
    from .pipeline import build as pipeline

    files, size = pipeline.gc(root, keep)
    click.echo(f"removed {files} files ({size:,} bytes)")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON document, keys sorted.")
def generators(as_json) -> None:
    """List every generator: its params, the types it fills, and what picks it for a column.

    \b
    Examples:
      datagen generators
      datagen generators --json | jq '.generators.email.params'

    A column gets the generator named by its `generator:`; else one chosen by the last words of
    its name (`email`, `billing_city`...), when the generator fills the column's type; else its
    type's default. Params go under `params:` in the spec.
    """
    entries = catalog()
    if as_json:
        import json

        click.echo(json.dumps({"generators": entries}, indent=2, sort_keys=True))
        return
    for i, (name, g) in enumerate(entries.items()):
        width = max((len(p) for p in g["params"]), default=0)
        params = [
            f"{p:<{width}}  {param_text(s['schema'])}" + (" (required)" if s["required"] else "")
            for p, s in sorted(g["params"].items())
        ]
        rows = [
            ("fills", ", ".join(g["types"]) if g["types"] is not None else "any type"),
            ("column names", ", ".join(g["column_names"]) or "-"),
            ("default for", ", ".join(g["default_for"]) or "-"),
        ]
        click.echo(("\n" if i else "") + name)
        click.echo(textwrap.fill(g["description"], 98, initial_indent="  ", subsequent_indent="  "))
        for j, text in enumerate(params or ["none"]):
            click.echo(f"  {'params:' if j == 0 else '':<15}{text}")
        for label, text in rows:
            line = f"{label + ':':<15}{text}"
            click.echo(textwrap.fill(line, 98, initial_indent="  ", subsequent_indent=" " * 17))


cli.add_command(template_commands.templates)
cli.add_command(template_commands.init)
cli.add_command(explain_command)


@cli.command()
def version() -> None:
    """Print the versions of datagen and of the libraries that shape the output bytes."""
    for name, v in byte_shaping_versions().items():
        click.echo(f"{name} {v}")
    click.echo(f"python {sys.version.split()[0]}")


class Terminated(BaseException):
    """SIGTERM, raised where the program is, so every ``finally`` on the way out runs (not a
    KeyboardInterrupt, which click would turn into "Aborted." and exit 1)."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated()


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning DatagenError into a message and an exit code."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    if threading.current_thread() is threading.main_thread():
        # SIGTERM (a CI timeout, kill) unwinds like Ctrl-C: temporary files are removed and
        # worker processes stopped on the way out, instead of waiting for the next run
        signal.signal(signal.SIGTERM, _terminated)
    try:
        cli.main(args=argv, prog_name="datagen", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as e:
        e.show()
        sys.exit(2 if isinstance(e, click.UsageError) else e.exit_code)
    except SpecError as e:
        if debug:
            traceback.print_exc()
        for p in e.problems:
            click.echo(f"Error: {p}", err=True)
        sys.exit(e.exit_code)
    except DatagenError as e:
        if debug:
            traceback.print_exc()
        click.echo(f"Error: {e}", err=True)
        sys.exit(e.exit_code)
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (| head): not an error of ours
        sys.exit(1)
    except OSError as e:  # a file we were told to read or write: say which and why, no traceback
        if debug:
            traceback.print_exc()
        where = f"{e.filename}: " if e.filename else ""
        click.echo(f"Error: {where}{e.strerror or e}", err=True)
        sys.exit(1)
    except Terminated:
        click.echo("Terminated.", err=True)
        sys.exit(143)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)

"""The CLI commands for the built-in templates: ``templates``, ``templates show`` and ``init``.

:mod:`datagen.cli` adds them to its group, and calls :func:`compile_source` for
``generate --template``; they print as the other commands do (results on stdout, ``Error:``
lines on stderr through :func:`datagen.cli.main`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import DatagenError, UsageError
from . import NAMES, compile_template, description, for_dataset, text

if TYPE_CHECKING:
    from ..plan import Compiled

_DATASET_NAME = re.compile(r"[a-z0-9_-]+")


@click.group(invoke_without_command=True)
@click.pass_context
def templates(ctx: click.Context) -> None:
    """List the built-in templates, whole app schemas to start a dataset from.

    \b
    Examples:
      datagen templates                          # name and what each holds
      datagen templates show saas                # its YAML
      datagen init shop --template ecommerce     # -> datasets/shop.yaml
      datagen generate --template finance        # -> ./finance.sql
    """
    if ctx.invoked_subcommand is None:
        width = max(map(len, NAMES))
        for name in NAMES:
            click.echo(f"{name:<{width}}  {description(name)}")


@templates.command()
@click.argument("template")
def show(template: str) -> None:
    """Print the YAML of TEMPLATE (a spec you can save, edit and generate).

    \b
    Example:
      datagen templates show healthcare > clinic.yaml
    """
    click.echo(text(template), nl=False)


@click.command()
@click.argument("name")
@click.option("--template", "template", required=True, metavar="T",
              help="The built-in template to copy (see `datagen templates`).")  # fmt: skip
@click.option("--force", is_flag=True, help="Replace datasets/NAME.yaml if it exists.")
def init(name: str, template: str, force: bool) -> None:
    """Start dataset NAME from a built-in template: write datasets/NAME.yaml here.

    \b
    Example:
      datagen init shop --template ecommerce     # -> datasets/shop.yaml
      datagen build shop                         # -> build/shop.sql

    The spec is the template's YAML with `name: NAME`; edit it freely. An existing file is
    left alone unless --force is given.
    """
    from ..fileio import atomic_write  # local: listing templates needs no file machinery

    if not _DATASET_NAME.fullmatch(name):
        raise UsageError(
            f"dataset name {name!r}: use lower-case letters, digits, '_' and '-' (it names "
            "the output files)"
        )
    content = for_dataset(template, name)  # an unknown template fails before any write
    path = Path("datasets") / f"{name}.yaml"
    if not force and (path.exists() or path.is_symlink()):
        raise DatagenError(f"{path} already exists; use --force to replace it")
    atomic_write(path, [content.encode("utf-8")], parents=True)
    click.echo(f"wrote {path} (the {template} template)")
    click.echo(f"next: datagen build {name}     # writes build/{name}.sql")


def compile_source(spec: str | None, template: str | None, **kw) -> Compiled:
    """``generate``'s input: SPEC or ``--template T``, exactly one (else a usage error)."""
    if (spec is None) == (template is None):
        raise click.UsageError(
            "give SPEC or --template T, not both"
            if spec is not None
            else "Missing argument 'SPEC' (a file, or - for stdin), or --template T.",
            ctx=click.get_current_context(silent=True),
        )
    if template is not None:
        return compile_template(template, **kw)
    from ..api import compile_spec

    assert spec is not None
    return compile_spec(spec, **kw)

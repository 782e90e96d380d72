"""The built-in dataset templates: whole app schemas shipped as package data.

Each template is a spec file ``datagen/templates/NAME.yaml`` whose first line is a comment with
its one-line description. ``datagen templates``, ``templates show``, ``init --template`` and
``generate --template`` read them through :func:`text`, found with :mod:`importlib.resources`,
so they work from an installed package as from a checkout.

Example:
    >>> NAMES
    ('ecommerce', 'saas', 'healthcare', 'finance')
    >>> description("finance").startswith("A retail bank")
    True
    >>> "name: acme" in for_dataset("saas", "acme").splitlines()
    True
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import TYPE_CHECKING

from ..errors import UsageError, suggest

if TYPE_CHECKING:
    from ..plan import Compiled

# the order `datagen templates` lists them in (tests check it names every shipped file)
NAMES = ("ecommerce", "saas", "healthcare", "finance")

_NAME_LINE = re.compile(r"^name:[^\n]*$", re.M)


class UnknownTemplate(UsageError):
    """A template name that is not one of :data:`NAMES` (a bad argument, as ``--format x``)."""


def shipped() -> list[str]:
    """The names of the template files in the package, sorted."""
    files = resources.files(__name__)
    return sorted(p.name[: -len(".yaml")] for p in files.iterdir() if p.name.endswith(".yaml"))


def _check(name: str) -> None:
    if name not in NAMES:
        hint = suggest(name, NAMES)
        raise UnknownTemplate(
            f"unknown template {name!r}" + (f" ({hint})" if hint else "")
            + f"; the templates are: {', '.join(NAMES)}"
        )  # fmt: skip


@functools.cache
def text(name: str) -> str:
    """The YAML of template ``name``; :class:`UnknownTemplate` names the known ones."""
    _check(name)
    return resources.files(__name__).joinpath(f"{name}.yaml").read_text("utf-8")


def description(name: str) -> str:
    """The template's one-line description: its first comment line."""
    first = text(name).split("\n", 1)[0]
    return first.removeprefix("#").strip()


def for_dataset(name: str, dataset: str) -> str:
    """Template ``name``'s YAML with its top-level ``name:`` set to ``dataset``."""
    return _NAME_LINE.sub(lambda _: f"name: {dataset}", text(name), count=1)


def source_name(name: str) -> str:
    """How errors and the dump's header name a template's spec: ``<template saas>``."""
    return f"<template {name}>"


def compile_template(name: str, **kw) -> Compiled:
    """Compile template ``name`` like :func:`datagen.api.compile_spec` (seed, rows, scale)."""
    from ..api import compile_spec_text  # local: the templates list needs no compiler

    return compile_spec_text(text(name), source_name(name), **kw)

"""``datagen explain``: per column, the generator it got and why (SPEC section 2's rules).

Reads a compiled plan, never generates: keys (foreign keys, counters, unique and composite
keys), an explicit ``generator``, a CHECK that reshaped the column, the name's words, or the
type's default; plus the NULL share and any CHECK ordering the column against another.

Example:
    >>> from datagen.api import compile_spec_text
    >>> spec = '''
    ... version: 1
    ... name: x
    ... tables:
    ...   - name: users
    ...     rows: 3
    ...     columns:
    ...       - {name: id, type: bigserial, primary_key: true}
    ...       - {name: billingCity, type: text}
    ... '''
    >>> [(e.column, e.generator) for e in explain(compile_spec_text(spec))]
    [('id', 'counter'), ('billingCity', 'city')]
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import click

from .generators import semantic
from .plan.pairs import PairSide
from .plan.sources import (
    CompositeSource,
    FkPick,
    FkSource,
    GenSource,
    SerialSource,
    Source,
    UniqueSource,
)
from .spec.expressions import referenced_columns

if TYPE_CHECKING:
    from .plan import Compiled, TablePlan
    from .spec.model import Column


@dataclass(frozen=True)
class Explained:
    """One column's generator and the rule that chose it."""

    table: str
    column: str
    type: str
    generator: str
    rule: str  # key | explicit | check | name | type default
    why: str
    nulls: float = 0.0


def _generator_reason(plan: TablePlan, col: Column, name: str) -> tuple[str, str]:
    """(rule, why) for a column filled by generator ``name``."""
    t = plan.table
    if col.generator:
        return "explicit", f"generator: {col.generator}"
    checks = [
        c.expression
        for c in t.checks
        if c.column == col.name or col.name in referenced_columns(c.expression)
    ]
    over = plan.overrides.get(col.name)
    if over is not None and over.generator == name:
        return "check", f"CHECK ({'; '.join(checks)}) makes it {name} within the bounds"
    found = semantic.detect(col.name, plan.context(col, False).pgtype.base, t.name, col.type.length)
    if found is not None and found.generator == name:
        within = f"; its values lie within CHECK ({'; '.join(checks)})" if over else ""
        return "name", found.reason(col.name) + within
    return "type default", f"the default for {col.type.ddl()}"


def _source(plan: TablePlan, col: Column, src: Source) -> tuple[str, str, str]:
    """(generator, rule, why) of one column's source."""
    extra = ""
    if isinstance(src, PairSide):
        p = src.ordered.pair
        extra = f"; ordered by CHECK ({p.expression})"
        src = src.inner
    left = {path for path, _ in plan.unenforced}
    for p in plan.pairs:
        if col.name in (p.low, p.high) and p.path not in left and p.expression not in extra:
            extra += f"; CHECK ({p.expression}) holds in its lifecycle order"
    if isinstance(src, FkSource):
        fk, pick = src.pick.fk, src.pick
        how = "one-to-one" if pick.one_to_one else fk.distribution
        params = ", ".join(f"{k} {v:g}" for k, v in pick.fingerprint()["params"].items())
        how += f", {params}" if params else ""
        return "foreign key", "key", f"references {fk.ref_table}.{src.ref} ({how}){extra}"
    if isinstance(src, SerialSource):
        what = "a serial type" if col.type.is_serial else "an integer primary key"
        return "counter", "key", f"counts 1, 2, 3 ({what}){extra}"
    if isinstance(src, CompositeSource):
        member = src.comp.members[src.member]
        cols = ", ".join(src.comp.columns)
        if isinstance(member, FkPick):
            ref = member.fk.ref_columns[src.position]
            return "foreign key", "key", f"key ({cols}): distinct pairs; references {ref}"
        rule, why = _generator_reason(plan, col, member.name)
        return member.name, "key", f"key ({cols}): distinct combinations; {why}{extra}"
    if isinstance(src, GenSource):
        element = getattr(src.gen, "element", None)  # an array: its elements' generator
        name = element.name if element is not None else src.gen.name
        rule, why = _generator_reason(plan, col, name)
        if element is not None:
            name, why = f"{name}[]", f"{why} (each element)"
        if isinstance(src, UniqueSource):
            why = f"unique: distinct values; {why}"
        return name, rule, why + extra
    return type(src).__name__, "key", extra.lstrip("; ")


def explain(c: Compiled) -> list[Explained]:
    """Every column of every table, in the spec's order."""
    out = []
    for plan in c.plan.all():
        for col in plan.table.columns:
            src = plan.sources[col.name]
            gen, rule, why = _source(plan, col, src)
            inner = getattr(src, "inner", src)
            nulls = inner.null_rate if not isinstance(inner, FkSource) else inner.pick.null_rate
            out.append(Explained(plan.table.name, col.name, col.type.ddl(), gen, rule, why, nulls))
    return out


@click.command("explain")
@click.argument("spec")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per column, for tools.")
def explain_command(spec: str, as_json: bool) -> None:
    """Show, per column of SPEC, the generator it gets and why.

    The reasons follow SPEC's order of rules: a key (foreign key, counter, unique or composite
    key), an explicit `generator`, a CHECK that reshaped the column, the words of its name
    (`billing_city` ends in `city`), or its type's default. Nothing is generated.

    \b
    Examples:
      datagen explain datasets/shop.yaml
      datagen explain datasets/shop.yaml --json | jq 'select(.rule == "type default")'
    """
    from .api import compile_spec

    rows = explain(compile_spec(spec))
    if as_json:
        for e in rows:
            click.echo(json.dumps(asdict(e), ensure_ascii=False))
        return
    width = max([len(f"{e.table}.{e.column}") for e in rows] + [6])
    gwidth = max([len(e.generator) for e in rows] + [9])
    for e in rows:
        nulls = f" (NULL {e.nulls:.0%})" if e.nulls else ""
        click.echo(f"{e.table + '.' + e.column:<{width}}  {e.generator:<{gwidth}}  {e.why}{nulls}")

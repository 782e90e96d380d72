"""The user reference in docs/ stays complete and correct as the code changes.

Each test reads the code's own lists (the JSON Schema, the generator registry, the CLI's commands)
and fails naming what the docs lack: a schema key without a row in its section's key table, a
generator or command without a section, a YAML example that is not a valid spec. No PostgreSQL.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import click
import pytest

import datagen
from datagen.cli import cli
from datagen.generators import REGISTRY, TYPE_DEFAULTS
from datagen.generators.person import PEOPLE_TABLES
from datagen.generators.semantic import declared_rules
from datagen.plan import DatasetPlan

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SCHEMA_FILE = ROOT / "datagen" / "spec" / "spec.schema.json"
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$", re.M)
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)
# a section documenting one schema object says which, in a comment: <!-- schema: #/$defs/x -->
SCHEMA_MARK = re.compile(r"<!--\s*schema:\s*(\S+)\s*-->")


def doc_text(name: str) -> str:
    return (DOCS / name).read_text("utf-8")


def sections(text: str, own: bool = False) -> list[tuple[str, str]]:
    """(heading, body) per heading; a body runs to the next heading of the same or higher level
    (with ``own``: to the next heading of any level, leaving out subsections).

    Fenced code is blanked first (keeping offsets), so a ``#`` line in an example is no heading.
    """
    blank = FENCE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    found = list(HEADING.finditer(blank))
    out = []
    for i, m in enumerate(found):
        level, end = len(m.group(1)), len(text)
        for later in found[i + 1 :]:
            if own or len(later.group(1)) <= level:
                end = later.start()
                break
        out.append((m.group(2), text[m.end() : end]))
    return out


def section_for(text: str, code: str) -> str | None:
    """The body of the first section whose heading contains ``code`` in backticks."""
    for heading, body in sections(text):
        if f"`{code}`" in heading:
            return body
    return None


def yaml_blocks() -> list[tuple[str, int, str]]:
    """(file, line, text) of every fenced ```yaml block in docs/*.md."""
    out = []
    for path in sorted(DOCS.glob("*.md")):
        text = path.read_text("utf-8")
        for m in FENCE.finditer(text):
            if m.group(1).strip() == "yaml":
                out.append((path.name, text.count("\n", 0, m.start()) + 1, m.group(2)))
    return out


def schema_objects() -> dict[str, list[str]]:
    """JSON pointer -> property names, for every object with ``properties`` in the schema."""
    found: dict[str, list[str]] = {}

    def walk(node: object, pointer: str) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("properties"), dict):
                found[pointer] = list(node["properties"])
            for key, value in node.items():
                walk(value, f"{pointer}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{pointer}/{i}")

    walk(json.loads(SCHEMA_FILE.read_text("utf-8")), "#")
    return found


# ---- (a) every key of the JSON Schema --------------------------------------------------------


def test_schema_walk_finds_the_nested_objects():
    """Guards the walk itself: it must reach objects inside $defs, oneOf and properties."""
    objects = schema_objects()
    assert {"#", "#/$defs/table", "#/$defs/column", "#/$defs/foreignKey"} <= set(objects)
    assert "#/$defs/foreignKey/properties/references" in objects
    assert "null_rate" in objects["#/$defs/column"]


def test_every_schema_property_is_mentioned_in_the_docs():
    text = "\n".join(p.read_text("utf-8") for p in sorted(DOCS.glob("*.md")))
    names = {name for props in schema_objects().values() for name in props}
    missing = sorted(n for n in names if f"`{n}`" not in text)
    assert not missing, f"schema properties not mentioned as `name` in docs/*.md: {missing}"


@pytest.mark.parametrize("pointer", sorted(schema_objects()))
def test_every_schema_object_has_a_key_table_in_spec_md(pointer):
    """The section marked ``<!-- schema: POINTER -->`` has a table row per property."""
    own = sections(doc_text("spec.md"), own=True)
    found = [(h, b) for h, b in own if pointer in SCHEMA_MARK.findall(b)]
    assert len(found) == 1, f"docs/spec.md needs one section marked <!-- schema: {pointer} -->"
    heading, body = found[0]
    rows = set(re.findall(r"^\|\s*`([^`]+)`", body, re.M))
    missing = [p for p in schema_objects()[pointer] if p not in rows]
    assert not missing, f"docs/spec.md section {heading!r} has no key table row for {missing}"


def test_schema_marks_name_real_objects():
    marks = SCHEMA_MARK.findall(doc_text("spec.md"))
    stale = sorted(set(marks) - set(schema_objects()))
    assert not stale, f"docs/spec.md marks objects the schema no longer has: {stale}"


# ---- (b) every generator -----------------------------------------------------------------------


def test_every_generator_has_a_section():
    text = doc_text("generators.md")
    missing = sorted(name for name in REGISTRY if section_for(text, name) is None)
    assert not missing, f"docs/generators.md has no heading with `name` for: {missing}"


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_generator_section_documents_its_params_and_types(name):
    body = section_for(doc_text("generators.md"), name)
    assert body is not None, f"docs/generators.md has no section for `{name}`"
    cls = REGISTRY[name]
    missing = [p for p in cls.params if f"`{p}`" not in body]
    assert not missing, f"section `{name}` does not mention its params {missing}"
    assert "Fills:" in body, f"section `{name}` does not say which types it fills"
    types = sorted(cls.types or ())
    absent = [t for t in types if f"`{t}`" not in body]
    assert not absent, f"section `{name}` does not name the types it fills: {absent}"


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_generator_section_has_an_example_using_it(name):
    """A valid spec in the section has a column whose generator is ``name``."""
    body = section_for(doc_text("generators.md"), name)
    assert body is not None, f"docs/generators.md has no section for `{name}`"
    used = set()
    for m in FENCE.finditer(body):
        if m.group(1).strip() == "yaml":
            ds = datagen.load_spec_text(m.group(2), f"generators.md `{name}`")
            for plan in DatasetPlan(ds).all():
                used |= {g.name for g in plan.generators.values()}
    assert name in used, f"no ```yaml example in section `{name}` uses it (uses {sorted(used)})"


def test_semantic_names_are_documented_in_their_generators_sections():
    """Each rule's words, spelled snake_case, in its generator's section and in the table."""
    text = doc_text("generators.md")
    table = dict(sections(text))["Semantic names"]
    missing = []
    for gen, cls in REGISTRY.items():
        body = section_for(text, gen) or ""
        row = next((r for r in table.splitlines() if r.startswith(f"| [`{gen}`]")), "")
        for spelled in (r.spelled for r in declared_rules(cls)):
            if f"`{spelled}`" not in body or f"`{spelled}`" not in row:
                missing.append((spelled, gen))
    assert not missing, f"column names selecting a generator, not documented: {missing}"


def test_people_tables_words_are_documented():
    words = re.findall(r"[a-z]+", PEOPLE_TABLES.split(")")[0])
    text = doc_text("generators.md")
    missing = [w for w in words if f"`{w}`" not in text]
    assert not missing, f"table-of-people words missing from docs/generators.md: {missing}"


def test_type_defaults_table_matches_the_code():
    body = dict(sections(doc_text("generators.md")))["Type defaults"]
    rows = [line for line in body.splitlines() if line.startswith("|")]
    wrong = []
    for pgtype, gen in TYPE_DEFAULTS.items():
        spelled = "an `enum` type" if pgtype == "enum" else f"`{pgtype}`"
        if not any(spelled in row and f"[`{gen}`]" in row for row in rows):
            wrong.append((pgtype, gen))
    assert not wrong, f"type defaults missing or wrong in docs/generators.md: {wrong}"


# ---- (c) every YAML example is a valid spec ------------------------------------------------------


def test_there_are_examples_to_check():
    files = {f for f, _, _ in yaml_blocks()}
    assert {"spec.md", "generators.md"} <= files
    assert len(yaml_blocks()) >= len(REGISTRY)


@pytest.mark.parametrize("where", [f"{f}:{line}" for f, line, _ in yaml_blocks()])
def test_yaml_example_is_a_valid_spec(where):
    """Every ```yaml block is a whole spec (``version: 1`` first) that loads and generates."""
    text = {f"{f}:{line}": t for f, line, t in yaml_blocks()}[where]
    assert text.startswith("version: 1\n"), (
        f"{where}: a ```yaml block must be a whole spec starting with 'version: 1' "
        "(use ```text for fragments)"
    )
    ds = datagen.load_spec_text(text, where)
    assert sum(t.rows for t in ds.tables) <= 10_000, f"{where}: keep examples small"
    out = io.BytesIO()
    datagen.generate(ds, out)
    assert out.getvalue().endswith(b"-- PostgreSQL database dump complete\n--\n\n")


def test_a_broken_example_would_fail():
    """The check in test_yaml_example_is_a_valid_spec catches a wrong example."""
    with pytest.raises(datagen.SpecError):
        datagen.load_spec_text(
            "version: 1\nname: x\ntables:\n  - {name: t, rows: 1, columns: [{name: a, type: intgr}]}"
        )


# ---- (d) every CLI command ------------------------------------------------------------------------


def test_every_cli_command_has_a_section():
    text = doc_text("cli.md")
    missing = sorted(n for n in cli.commands if section_for(text, f"datagen {n}") is None)
    assert not missing, f"docs/cli.md has no heading with `datagen NAME` for: {missing}"


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_cli_section_documents_every_option(name):
    body = section_for(doc_text("cli.md"), f"datagen {name}")
    assert body is not None, f"docs/cli.md has no section for `datagen {name}`"
    missing = []
    for param in cli.commands[name].params:
        if isinstance(param, click.Option) and "--help" not in param.opts:
            missing += [o for o in param.opts if f"`{o}" not in body]
    assert not missing, f"section `datagen {name}` does not document {missing}"


def test_global_options_are_documented():
    text = doc_text("cli.md")
    missing = [o for p in cli.params for o in p.opts if f"`{o}`" not in text]
    assert not missing, f"docs/cli.md does not document the global options {missing}"


# ---- README and links -----------------------------------------------------------------------------

README_START = """# datagen

Run the main job on a fresh machine (installs into `.venv`, compiles `datasets/*.yaml` into `build/`):

    python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/datagen build

Set up and run the whole test suite (lint, format check, mypy, tests against a throwaway PostgreSQL, coverage):

    ./scripts/test.sh
"""


def test_readme_keeps_its_first_lines_and_points_at_the_docs():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert readme.startswith(README_START)
    assert "../shared" not in readme, "README.md points at a file users do not have"
    for page in ("spec.md", "generators.md", "cli.md"):
        assert f"](docs/{page})" in readme, f"README.md does not link to docs/{page}"


@pytest.mark.parametrize("page", ["README.md", *sorted(p.name for p in DOCS.glob("*.md"))])
def test_relative_links_resolve(page):
    path = ROOT / page if page == "README.md" else DOCS / page
    text = path.read_text("utf-8")
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", FENCE.sub("", text)):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        dest = (path.parent / file).resolve() if file else path
        if not dest.exists():
            broken.append(target)
        elif anchor and dest.suffix == ".md":
            anchors = {_anchor(h) for h, _ in sections(dest.read_text("utf-8"))}
            if anchor not in anchors:
                broken.append(target)
    assert not broken, f"{page}: broken links {broken}"


def _anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")

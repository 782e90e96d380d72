"""datagen: a dataset compiler for PostgreSQL.

Declare tables in a YAML or JSON spec; datagen compiles it into PostgreSQL dumps full of realistic,
deterministic fake data.

Example:
    >>> import io, datagen
    >>> spec = datagen.compile_spec_text('''
    ... version: 1
    ... name: tiny
    ... seed: 1
    ... tables:
    ...   - name: users
    ...     rows: 2
    ...     columns:
    ...       - {name: id, type: bigserial, primary_key: true}
    ... ''')
    >>> out = io.BytesIO()
    >>> _ = datagen.generate(spec, out)
    >>> b"COPY public.users (id) FROM stdin;\\n1\\n2\\n\\\\.\\n" in out.getvalue()
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "DatagenError",
    "SpecError",
    "__version__",
    "compile_spec",
    "compile_spec_text",
    "generate",
    "load_spec",
    "load_spec_text",
    "validate",
]

# Public names are imported on first use: ``import datagen.rand`` (say, in a worker process)
# must not pay for the spec loader, jsonschema, yaml, faker and doit that ``datagen.api`` pulls in.
_LAZY = {
    "DatagenError": ".errors",
    "SpecError": ".errors",
    "compile_spec": ".api",
    "compile_spec_text": ".api",
    "generate": ".api",
    "load_spec": ".api",
    "load_spec_text": ".api",
    "validate": ".api",
}

if TYPE_CHECKING:
    from .api import (
        compile_spec,
        compile_spec_text,
        generate,
        load_spec,
        load_spec_text,
        validate,
    )
    from .errors import DatagenError, SpecError


def __getattr__(name: str) -> Any:
    """Import a public name's module the first time the name is used (PEP 562); a submodule
    (``datagen.api``, ``datagen.plan``) is imported the first time it is named, too."""
    from importlib import import_module
    from importlib.util import find_spec

    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
    elif not name.startswith("_") and find_spec(f"{__name__}.{name}") is not None:
        value = import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

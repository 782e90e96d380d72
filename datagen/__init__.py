"""datagen: a dataset compiler for PostgreSQL.

Declare tables in a YAML or JSON spec; datagen compiles it into PostgreSQL dumps full of realistic,
deterministic fake data.

Example:
    >>> import io, datagen
    >>> ds = datagen.load_spec_text('''
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
    >>> _ = datagen.generate(ds, out)
    >>> b"COPY public.users (id) FROM stdin;\\n1\\n2\\n\\\\.\\n" in out.getvalue()
    True
"""

__version__ = "0.1.0"

from .api import generate, load_spec, load_spec_text, validate
from .errors import DatagenError, SpecError

__all__ = [
    "DatagenError",
    "SpecError",
    "__version__",
    "generate",
    "load_spec",
    "load_spec_text",
    "validate",
]

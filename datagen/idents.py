"""SQL identifiers and literals, quoted the way PostgreSQL's ``quote_identifier`` does.

Every name a user writes reaches the SQL through :func:`quote_ident`, so ``"Order Items"``,
``user`` or ``x"; DROP TABLE y; --`` load as exactly those names and never run as SQL.

Example:
    >>> quote_ident("orders"), quote_ident("user"), quote_ident('a"b')
    ('orders', '"user"', '"a""b"')
    >>> default_name("orders", "customer_id", "fkey")
    'orders_customer_id_fkey'
"""

from __future__ import annotations

import re

NAMEDATALEN = 64  # PostgreSQL identifiers keep at most NAMEDATALEN - 1 bytes

# Keywords PostgreSQL does not accept as a bare column or table name (reserved, type/function-name
# and column-name keywords). Quoting an identifier that did not need it is harmless; this list only
# keeps the dump as readable as pg_dump's.
KEYWORDS = frozenset(
    """
    all analyse analyze and any array as asc asymmetric both case cast check collate column
    constraint create current_catalog current_date current_role current_time current_timestamp
    current_user default deferrable desc distinct do else end except false fetch for foreign from
    grant group having in initially intersect into lateral leading limit localtime localtimestamp
    not null offset on only or order placing primary references returning select session_user some
    symmetric system_user table then to trailing true union unique user using variadic when where
    window with authorization binary collation concurrently cross current_schema freeze full ilike
    inner is isnull join left like natural notnull outer overlaps right similar tablesample verbose
    between bigint bit boolean char character coalesce dec decimal exists extract float greatest
    grouping inout int integer interval json json_array json_arrayagg json_exists json_object
    json_objectagg json_query json_scalar json_serialize json_table json_value least merge_action
    national nchar none normalize nullif numeric out overlay position precision real row setof
    smallint substring time timestamp treat trim values varchar xmlattributes xmlconcat xmlelement
    xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable
    """.split()
)

_PLAIN = re.compile(r"[a-z_][a-z0-9_$]*")


def quote_ident(name: str) -> str:
    """Quote an identifier unless it is a plain lower-case non-keyword name."""
    if _PLAIN.fullmatch(name) and name not in KEYWORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str, name: str) -> str:
    """``schema.name``, each part quoted as needed."""
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def comment_line(text: str) -> str:
    r"""``text`` made safe for a one-line ``--`` comment, as pg_dump's ``sanitize_line`` does.

    A line break in a name would end the comment and let the rest of the name run as SQL, so
    CR and LF become spaces (and U+2028/U+2029, which some tools also break on).

    Example:
        >>> comment_line("t\nDROP TABLE x; --")
        't DROP TABLE x; --'
    """
    return re.sub("[\r\n\u2028\u2029]", " ", text)


def quote_literal(text: str) -> str:
    """A standard-conforming string literal (backslashes are ordinary characters)."""
    return "'" + text.replace("'", "''") + "'"


def _clip(name: str, limit: int) -> str:
    """Cut ``name`` to at most ``limit`` UTF-8 bytes without splitting a character."""
    data = name.encode("utf-8")
    if len(data) <= limit:
        return name
    return data[:limit].decode("utf-8", errors="ignore")


def default_name(name1: str, name2: str | None, label: str) -> str:
    """PostgreSQL's ``makeObjectName``: ``name1_name2_label`` shortened to fit 63 bytes.

    The longer of the two names loses a byte at a time until the whole fits, as the server does.
    """
    overhead = len(label.encode()) + 1 + (1 if name2 else 0)
    len1 = len(name1.encode("utf-8"))
    len2 = len(name2.encode("utf-8")) if name2 else 0
    avail = NAMEDATALEN - 1 - overhead
    while len1 + len2 > avail:
        if len1 > len2:
            len1 -= 1
        else:
            len2 -= 1
    parts = [_clip(name1, len1)]
    if name2:
        parts.append(_clip(name2, len2))
    return "_".join([*parts, label])


def unique_name(name1: str, name2: str | None, label: str, taken: set[str]) -> str:
    """PostgreSQL's ``ChooseRelationName``: the default name, or with 1, 2, ... added if taken."""
    name = default_name(name1, name2, label)
    n = 0
    while name in taken:
        n += 1
        name = default_name(name1, name2, f"{label}{n}")
    taken.add(name)
    return name

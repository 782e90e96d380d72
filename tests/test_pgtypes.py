from __future__ import annotations

import pytest

from datagen.idents import default_name, quote_ident, quote_literal, unique_name
from datagen.pgtypes import TypeParseError, parse_type


@pytest.mark.parametrize(
    ("spelling", "ddl"),
    [
        ("int", "integer"),
        ("INT8", "bigint"),
        ("serial", "integer"),
        ("bigserial", "bigint"),
        ("decimal(10, 2)", "numeric(10,2)"),
        ("numeric(7)", "numeric(7,0)"),
        ("numeric", "numeric"),
        ("float", "double precision"),
        ("float4", "real"),
        ("bool", "boolean"),
        ("character varying(20)", "character varying(20)"),
        ("varchar", "character varying"),
        ("char", "character(1)"),
        ("character(3)", "character(3)"),
        ("timestamp with time zone", "timestamp with time zone"),
        ("timestamptz", "timestamp with time zone"),
        ("timestamp", "timestamp without time zone"),
        ("time", "time without time zone"),
        ("text[]", "text[]"),
        ("varchar(5)[]", "character varying(5)[]"),
        ("jsonb", "jsonb"),
        ("mood", "public.mood"),
        ("Odd Type[]", 'public."Odd Type"[]'),
    ],
)
def test_spellings(spelling, ddl):
    assert parse_type(spelling, {"mood": ["a"], "Odd Type": ["x"]}).ddl() == ddl


@pytest.mark.parametrize(
    ("spelling", "why"),
    [
        ("integr", "unknown type"),
        ("text[][]", "multi-dimensional"),
        ("serial[]", "serial types cannot be array elements"),
        ("varchar(0)", "length must be"),
        ("varchar(1,2)", "takes one length"),
        ("numeric(2,5)", "scale at most"),
        ("numeric(1,2,3)", "takes a precision and a scale"),
        ("integer(4)", "takes no arguments"),
        ("varchar(x)", "unknown type"),
        ("", "unknown type"),
    ],
)
def test_bad_spellings(spelling, why):
    with pytest.raises(TypeParseError, match=why):
        parse_type(spelling)


def test_types_know_serials_and_quoting():
    assert parse_type("serial").is_serial and not parse_type("integer").is_serial
    assert parse_type("bigserial").same_as(parse_type("bigint"))
    assert not parse_type("integer").quoted and parse_type("date").quoted
    assert parse_type("int[]").quoted and parse_type("int[]").int_range is None


def test_identifiers():
    assert quote_ident("orders") == "orders"
    assert quote_ident("Orders") == '"Orders"'
    assert quote_ident("select") == '"select"'
    assert quote_ident("order items") == '"order items"'
    assert quote_ident('x"; drop') == '"x""; drop"'
    assert quote_ident("ünï") == '"ünï"'
    assert quote_literal("it's") == "'it''s'"


def test_default_names_follow_postgres():
    assert default_name("orders", None, "pkey") == "orders_pkey"
    long = default_name("a" * 40, "b" * 40, "fkey")
    assert len(long) == 63 and long.endswith("_fkey")
    assert (long.count("a"), long.count("b")) == (29, 28)  # as the server: name2 gives on ties
    multi = default_name("é" * 40, None, "pkey")
    assert len(multi.encode()) <= 63 and multi.encode().decode()  # never splits a character
    taken: set[str] = set()
    assert unique_name("t", "c", "key", taken) == "t_c_key"
    assert unique_name("t", "c", "key", taken) == "t_c_key1"

"""One table with a column for every registered generator (and the unique and array paths), for
tests that must cover each generator: threaded determinism and per-generator golden digests."""

from __future__ import annotations

import yaml

# generator -> (column type, params); every registered generator must appear here
COLUMNS: dict[str, tuple[str, dict]] = {
    "birth_date": ("date", {}),
    "boolean": ("boolean", {"true_rate": 0.3}),
    "bytea": ("bytea", {"min_length": 2, "max_length": 9}),
    "cidr": ("cidr", {}),
    "city": ("text", {}),
    "code": ("varchar(12)", {"length": 10}),
    "constant": ("text", {"value": "fixed"}),
    "created_at": ("timestamptz", {}),
    "email": ("varchar(20)", {}),  # too-long addresses shorten their local part
    "enum": ("text", {"values": ["red", "green", "blue"]}),
    "faker": ("text", {"provider": "color_name"}),  # per row: the slow path, kept cheap here
    "first_name": ("text", {}),
    "full_name": ("text", {}),
    "interval": ("interval", {"max_days": 40}),
    "ipv4": ("inet", {}),
    "json": ("jsonb", {}),
    "last_name": ("text", {}),
    "macaddr": ("macaddr", {}),
    "pattern": ("varchar(24)", {"regex": r"(INV|CRN)-[A-Z]{2}\d{3,5}(/[a-z]+)?"}),
    "phone": ("varchar(14)", {}),  # only the formats that fit
    "range": ("numeric(10,2)", {"min": 1, "max": 500, "distribution": "normal"}),
    "sequence": ("bigint", {"start": 100, "step": 3}),
    "template": ("varchar(16)", {"template": "{g_first_name} {g_last_name} #{code}"}),
    "time": ("time", {}),
    "timeseries": (
        "timestamp",
        {"start": "2024-01-01", "end": "2024-06-30", "pattern": "business_hours"},
    ),
    "updated_at": ("timestamptz", {}),
    "uuid": ("uuid", {}),
    "weighted_enum": ("text", {"values": {"free": 70, "pro": 25, "enterprise": 5}}),
    "words": ("text", {"min_words": 1, "max_words": 5}),
    "cancelled_at": ("timestamptz", {}),
    "completed_at": ("date", {}),
    "confirmed_at": ("timestamp", {}),
    "deleted_at": ("timestamptz", {}),
    "expires_at": ("date", {}),
    "last_seen_at": ("timestamptz", {}),
    "paid_at": ("timestamptz", {}),
    "shipped_at": ("timestamptz", {}),
    "sentence": ("varchar(60)", {}),  # cut at a word, closed by a period
    "paragraph": ("text", {"min_sentences": 1, "max_sentences": 3}),
    "title": ("text", {}),
    "slug": ("text", {}),
    "tags": ("text", {}),
    "url": ("text", {}),
    "path": ("text", {}),
    "referrer": ("text", {}),
    "user_agent": ("text", {}),
    "browser": ("text", {}),
    "os": ("text", {}),
    "device_type": ("text", {}),
    "event_type": ("text", {}),
    "http_method": ("text", {}),
    "status_code": ("integer", {}),
    "utm_source": ("text", {}),
    "utm_medium": ("text", {}),
    "utm_campaign": ("text", {}),
    "session_id": ("char(32)", {}),
    "ipv6": ("inet", {}),
    "duration": ("integer", {}),
    "properties": ("jsonb", {}),
    "file_name": ("text", {}),
    "mime_type": ("text", {}),
    "file_size": ("bigint", {}),
    "age": ("integer", {}),
    "avatar_url": ("text", {}),
    "bio": ("varchar(120)", {}),
    "date_of_birth": ("date", {}),
    "display_name": ("text", {}),
    "gender": ("char(1)", {}),
    "job_title": ("text", {}),
    "locale": ("text", {}),
    "middle_name": ("text", {}),
    "name_prefix": ("text", {}),
    "password_hash": ("char(60)", {}),
    "timezone": ("text", {}),
    "username": ("varchar(24)", {}),
    "street_address": ("varchar(40)", {}),
    "street": ("text", {}),
    "address_line2": ("text", {}),
    "address": ("text", {}),
    "state": ("text", {}),
    "state_code": ("char(2)", {}),
    "postal_code": ("varchar(10)", {}),
    "country": ("text", {"language": "english"}),
    "country_code": ("char(3)", {}),
    "latitude": ("numeric(9,6)", {}),
    "longitude": ("double precision", {}),
    "company_name": ("varchar(30)", {}),
    "legal_name": ("text", {}),
    "industry": ("text", {}),
    "website": ("text", {}),
    "domain": ("varchar(40)", {}),
    "logo_url": ("text", {}),
    "vat_number": ("text", {}),
    "employee_count": ("smallint", {}),
    "founded_year": ("integer", {}),
    "revenue": ("numeric(14,2)", {}),
    # commerce, payments, quantities
    "sku": ("varchar(12)", {}),
    "product_name": ("varchar(40)", {}),
    "currency": ("char(3)", {}),
    "color": ("text", {}),
    "category": ("text", {}),
    "brand": ("text", {}),
    "ean": ("char(13)", {}),
    "upc": ("text", {}),
    "isbn": ("text", {}),
    "order_number": ("varchar(20)", {}),
    "status": ("varchar(12)", {}),
    "payment_method": ("text", {}),
    "credit_card": ("varchar(19)", {}),
    "card_last4": ("char(4)", {}),
    "card_brand": ("text", {}),
    "card_expiry": ("char(5)", {}),
    "cvv": ("char(3)", {}),
    "iban": ("varchar(34)", {}),
    "bic": ("varchar(11)", {}),
    "transaction_id": ("text", {}),
    "price": ("numeric(10,2)", {}),
    "cost": ("numeric(10,2)", {}),
    "subtotal": ("numeric(10,2)", {}),
    "tax": ("numeric(10,2)", {}),
    "discount": ("numeric(10,2)", {}),
    "shipping_cost": ("numeric(10,2)", {}),
    "total": ("numeric(10,2)", {}),
    "quantity": ("integer", {}),
    "stock": ("integer", {}),
    "weight": ("real", {}),
    "rating": ("numeric(2,1)", {}),
    "year": ("smallint", {}),
    "count": ("integer", {}),
    "percent": ("numeric(5,2)", {}),
    "score": ("integer", {}),
}

ROWS = 3000


def spec_text(rows: int = ROWS) -> str:
    """A spec whose table ``g`` has one column per generator, named ``g_<generator>``, plus a
    unique code, a unique range and an array column (the permuted and array paths)."""
    columns: list[dict] = [{"name": "id", "type": "bigserial", "primary_key": True}]
    for name, (ty, params) in COLUMNS.items():
        col = {"name": f"g_{name}", "type": ty, "generator": name}
        if params:
            col["params"] = params
        columns.append(col)
    columns += [
        {"name": "u_code", "type": "char(6)", "unique": True},
        {"name": "u_range", "type": "integer", "unique": True},
        {"name": "tags", "type": "text[]", "params": {"length": [0, 3]}},
        {"name": "maybe", "type": "text", "generator": "words", "null_rate": 0.25},
    ]
    doc = {
        "version": 1,
        "name": "generators",
        "seed": 7,
        "tables": [{"name": "g", "rows": rows, "columns": columns}],
    }
    return yaml.safe_dump(doc, sort_keys=False)

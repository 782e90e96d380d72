"""Name detection as a table: (column name, type, table) -> (generator, group), or nothing.

One row per name the issue lists for an ordinary app schema (person, address, company, commerce,
payments, web and events, time), and the names that must *not* match: against the type (an
``integer`` called ``email``), near misses (``account_id``, ``email_count``, ``created_by``) and
words whose meaning depends on the table (``state`` of an order, ``name`` of anything).
"""

from __future__ import annotations

import pytest

from datagen.generators import semantic_match

# (column, base type, char/varchar length, table, expected)
TABLE = [
    # person
    ("username", "varchar", None, "users", ("username", "")),
    ("password_hash", "varchar", 60, "users", ("password_hash", "")),
    ("gender", "text", None, "users", ("gender", "")),
    ("age", "integer", None, "users", ("age", "")),
    ("date_of_birth", "date", None, "users", ("date_of_birth", "")),
    ("display_name", "text", None, "users", ("display_name", "")),
    ("job_title", "text", None, "users", ("job_title", "")),
    ("bio", "text", None, "users", ("bio", "")),
    ("avatar_url", "text", None, "users", ("avatar_url", "")),
    ("locale", "varchar", 10, "users", ("locale", "")),
    ("timezone", "text", None, "users", ("timezone", "")),
    ("firstName", "text", None, "t", ("first_name", "")),
    ("email2", "text", None, "t", ("email", "")),
    ("emails", "text", None, "t", ("email", "")),
    ("billing_email", "text", None, "t", ("email", "billing")),
    ("homePhone", "text", None, "t", ("phone", "home")),
    # address
    ("street", "text", None, "addresses", ("street", "")),
    ("street_address", "text", None, "addresses", ("street_address", "")),
    ("address_line1", "text", None, "addresses", ("street_address", "")),
    ("address_line2", "text", None, "addresses", ("address_line2", "")),
    ("address", "text", None, "addresses", ("address", "")),
    ("city", "text", None, "addresses", ("city", "")),
    ("town", "text", None, "addresses", ("city", "")),
    ("state", "text", None, "addresses", ("state", "")),
    ("state_code", "char", 2, "addresses", ("state_code", "")),
    ("postal_code", "text", None, "addresses", ("postal_code", "")),
    ("zip", "varchar", 10, "addresses", ("postal_code", "")),
    ("country", "text", None, "addresses", ("country", "")),
    ("country_code", "char", 2, "addresses", ("country_code", "")),
    ("country", "char", 2, "addresses", ("country_code", "")),
    ("latitude", "numeric", None, "addresses", ("latitude", "")),
    ("longitude", "double precision", None, "addresses", ("longitude", "")),
    ("shipping_city", "text", None, "orders", ("city", "shipping")),
    # company
    ("name", "text", None, "companies", ("company_name", "")),
    ("company_name", "text", None, "t", ("company_name", "")),
    ("legal_name", "text", None, "t", ("legal_name", "")),
    ("industry", "text", None, "t", ("industry", "")),
    ("website", "text", None, "t", ("website", "")),
    ("domain", "text", None, "t", ("domain", "")),
    ("logo_url", "text", None, "t", ("logo_url", "")),
    ("vat_number", "varchar", 20, "t", ("vat_number", "")),
    ("employee_count", "integer", None, "t", ("employee_count", "")),
    ("founded_year", "smallint", None, "t", ("founded_year", "")),
    ("revenue", "numeric", None, "companies", ("revenue", "")),
    # commerce
    ("sku", "varchar", 32, "products", ("sku", "")),
    ("name", "text", None, "products", ("product_name", "")),
    ("title", "text", None, "products", ("product_name", "")),
    ("description", "text", None, "products", ("paragraph", "")),
    ("price", "numeric", None, "products", ("price", "")),
    ("cost", "numeric", None, "products", ("cost", "")),
    ("currency", "char", 3, "t", ("currency", "")),
    ("currency_code", "char", 3, "t", ("currency", "")),
    ("quantity", "integer", None, "t", ("quantity", "")),
    ("stock", "integer", None, "t", ("stock", "")),
    ("weight", "numeric", None, "t", ("weight", "")),
    ("color", "text", None, "t", ("color", "")),
    ("category", "text", None, "t", ("category", "")),
    ("brand", "text", None, "t", ("brand", "")),
    ("ean", "char", 13, "t", ("ean", "")),
    ("isbn", "text", None, "t", ("isbn", "")),
    ("rating", "smallint", None, "t", ("rating", "")),
    ("order_number", "varchar", 32, "orders", ("order_number", "")),
    ("status", "varchar", 20, "orders", ("status", "")),
    ("subtotal", "numeric", None, "orders", ("subtotal", "")),
    ("tax", "numeric", None, "orders", ("tax", "")),
    ("discount", "numeric", None, "orders", ("discount", "")),
    ("total", "numeric", None, "orders", ("total", "")),
    # payments
    ("payment_method", "text", None, "payments", ("payment_method", "")),
    ("credit_card", "varchar", 19, "t", ("credit_card", "")),
    ("card_number", "varchar", 19, "t", ("credit_card", "")),
    ("card_last4", "char", 4, "t", ("card_last4", "")),
    ("card_expiry", "varchar", 5, "t", ("card_expiry", "")),
    ("cvv", "char", 3, "t", ("cvv", "")),
    ("iban", "varchar", 34, "t", ("iban", "")),
    ("bic", "varchar", 11, "t", ("bic", "")),
    ("transaction_id", "varchar", 64, "t", ("transaction_id", "")),
    # web
    ("url", "text", None, "t", ("url", "")),
    ("referrer", "text", None, "t", ("referrer", "")),
    ("user_agent", "text", None, "t", ("user_agent", "")),
    ("event_type", "text", None, "events", ("event_type", "")),
    ("event_name", "text", None, "events", ("event_type", "")),
    ("session_id", "varchar", 64, "t", ("session_id", "")),
    ("ip", "text", None, "t", ("ipv4", "")),
    ("ip_address", "inet", None, "t", ("ipv4", "")),
    ("duration_ms", "integer", None, "t", ("duration", "")),
    ("properties", "jsonb", None, "t", ("properties", "")),
    ("tags", "text", None, "t", ("tags", "")),
    # time
    ("created_at", "timestamptz", None, "t", ("created_at", "")),
    ("placedAt", "timestamp", None, "t", ("confirmed_at", "")),
    ("delivered_on", "date", None, "t", ("completed_at", "")),
    ("last_login_at", "timestamptz", None, "t", ("last_seen_at", "")),
    ("deleted_at", "timestamptz", None, "t", ("deleted_at", "")),
    # never against the type, never a near miss
    ("email", "integer", None, "t", None),
    ("created_at", "text", None, "t", None),
    ("name", "text", None, "t", None),
    ("account_id", "bigint", None, "t", None),
    ("company_id", "bigint", None, "t", None),
    ("event_id", "bigint", None, "t", None),
    ("is_active", "boolean", None, "t", None),
    ("description", "integer", None, "t", None),
    ("price", "text", None, "t", None),
    ("discount_code", "text", None, "t", None),
    ("age", "text", None, "t", None),
    ("zip", "integer", None, "t", None),
    ("country", "integer", None, "t", None),
    ("state", "text", None, "orders", None),
    ("title", "integer", None, "t", None),
    ("position", "integer", None, "t", None),
    ("currency", "integer", None, "t", None),
    ("street_number", "integer", None, "t", None),
    ("created_by", "bigint", None, "t", None),
    ("updated_by", "text", None, "t", None),
    ("phone", "integer", None, "t", None),
    ("city_id", "integer", None, "t", None),
    ("notes", "integer", None, "t", None),
    ("tags", "integer", None, "t", None),
    ("url_count", "integer", None, "t", ("count", "url")),
]


@pytest.mark.parametrize(("column", "base", "length", "table", "want"), TABLE)
def test_detection(column, base, length, table, want):
    assert semantic_match(column, base, table, length) == want

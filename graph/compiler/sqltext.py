"""SQL expressions that render values exactly as the Python path serialises them."""

UTC_SECONDS = "'YYYY-MM-DD\"T\"HH24:MI:SS'"


def quote_literal(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def base64url(text_sql: str) -> str:
    """base64url without padding of a text expression (as base64.urlsafe_b64encode + rstrip)."""
    return (
        f"rtrim(translate(encode(convert_to({text_sql}, 'UTF8'), 'base64'), E'+/\\n', '-_'), '=')"
    )


def global_id(type_name: str, key_sql: str) -> str:
    """The opaque global ID of graph.ids.encode_id."""
    return base64url(f"{quote_literal(type_name + ':')} || {key_sql}")


def timestamp(value_sql: str) -> str:
    """A timestamptz as datetime.isoformat() of asyncpg's UTC value (and as orjson writes it)."""
    utc = f"({value_sql} AT TIME ZONE 'UTC')"
    return (
        f"(to_char({utc}, {UTC_SECONDS}) || "
        f"coalesce(nullif(to_char({utc}, '.US'), '.000000'), '') || '+00:00')"
    )


def json_flag(column_sql: str, key: str) -> str:
    """bool(features.get(key, False)) for a JSONB object of booleans."""
    return f"coalesce(({column_sql} -> {quote_literal(key)}) = 'true'::jsonb, false)"

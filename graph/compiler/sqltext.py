"""SQL expressions that render values exactly as the Python path serialises them."""

UTC_FORMAT = "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"'"


def quote_literal(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def base64url(text_sql: str) -> str:
    """base64url without padding of a text expression (as base64.urlsafe_b64encode + rstrip).

    replace() rather than translate() and rtrim(): translate() costs about ten times as much per
    call, and it runs for every global ID and cursor of a page ('=' occurs only as padding).
    """
    encoded = f"encode(convert_to({text_sql}, 'UTF8'), 'base64')"
    return f"replace(replace(replace(replace({encoded}, E'\\n', ''), '+', '-'), '/', '_'), '=', '')"


def global_id(type_name: str, key_sql: str) -> str:
    """The opaque global ID of graph.ids.encode_id."""
    return base64url(f"{quote_literal(type_name + ':')} || {key_sql}")


def timestamp(value_sql: str) -> str:
    """A timestamptz as datetime.isoformat() of asyncpg's UTC value (and as orjson writes it)."""
    # One to_char with the microseconds and the offset, then the zero fraction dropped (the
    # date and time hold no '.', so '.000000+' can only be an empty fraction).
    return f"replace(to_char(({value_sql} AT TIME ZONE 'UTC'), {UTC_FORMAT}), '.000000+', '+')"


def json_flag(column_sql: str, key: str) -> str:
    """bool(features.get(key, False)) for a JSONB object of booleans."""
    return f"coalesce(({column_sql} -> {quote_literal(key)}) = 'true'::jsonb, false)"

"""Content negotiation for GraphQL over HTTP: which media type a response is sent as."""

from functools import lru_cache

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
WILDCARDS = ("*/*", "application/*")


def _entries(accept: str) -> list[tuple[str, float, int]]:
    entries = []
    for position, part in enumerate(accept.split(",")):
        media_type, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media_type and quality > 0:
            entries.append((media_type.lower(), quality, position))
    return sorted(entries, key=lambda entry: (-entry[1], entry[2]))


@lru_cache(maxsize=256)
def choose_media_type(accept: str | None) -> str | None:
    """The response media type for an Accept header; None when nothing we send is acceptable.

    No Accept header means application/json (the spec's rule for legacy clients); a wildcard
    gets application/json too, until the spec's watershed makes the new type the default.
    Remembered per header value (clients send a handful of distinct ones).
    """
    if not accept or not accept.strip():
        return JSON
    for media_type, _, _ in _entries(accept):
        if media_type == GRAPHQL_RESPONSE_JSON:
            return GRAPHQL_RESPONSE_JSON
        if media_type == JSON or media_type in WILDCARDS:
            return JSON
    return None


@lru_cache(maxsize=256)
def prefers_html(accept: str | None) -> bool:
    """True when a browser asks for a page (text/html ranked above JSON)."""
    if not accept:
        return False
    for media_type, _, _ in _entries(accept):
        if media_type == "text/html":
            return True
        if media_type in (JSON, GRAPHQL_RESPONSE_JSON):
            return False
    return False

"""Automatic persisted queries (Apollo's APQ protocol), beside the trusted documents.

A client sends `extensions.persistedQuery = {"version": 1, "sha256Hash": "<hex>"}`:

- without `query`: the text registered under that hash runs — a trusted document first, else
  one registered earlier by any client on any worker (table `persisted_queries`); an unknown
  hash answers `PersistedQueryNotFound` with code PERSISTED_QUERY_NOT_FOUND, on which Apollo's
  link resends the request with the query;
- with `query`: the hash must be the SHA-256 of the query ("provided sha does not match
  query", BAD_USER_INPUT, otherwise), and a query that parses is registered for everyone.

The table is a bounded cache: past `capacity` rows, the least recently used go. Each worker
keeps the documents it used last in memory, so a hit usually reads nothing. Clients restricted
to trusted documents are served from the trusted registry only.
"""

import logging
import os
import re
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any

from graphql import GraphQLError
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graph.errors import ErrorCode
from graph.extensions.limits import parse_within_limits
from graph.extensions.trusted_documents import TrustedDocuments, document_hash, resolve_query
from graph.http.request import GraphQLParams, HTTPProblem

logger = logging.getLogger(__name__)
HEX_DIGEST = re.compile(r"^[0-9a-fA-F]{64}$")
NOT_FOUND_MESSAGE = "PersistedQueryNotFound"
NOT_SUPPORTED_MESSAGE = "PersistedQueryNotSupported"
HASH_MISMATCH_MESSAGE = "provided sha does not match query"

_GET = text(
    "UPDATE persisted_queries SET last_used_at = clock_timestamp() WHERE sha256 = :sha256 "
    "RETURNING document"
)
_REGISTER = text(
    "INSERT INTO persisted_queries (sha256, document, last_used_at) "
    "VALUES (:sha256, :document, clock_timestamp()) "
    "ON CONFLICT (sha256) DO UPDATE SET last_used_at = excluded.last_used_at"
)
_EVICT = text(
    "DELETE FROM persisted_queries WHERE sha256 IN ("
    " SELECT sha256 FROM persisted_queries ORDER BY last_used_at DESC, sha256 OFFSET :capacity)"
)


@dataclass(frozen=True)
class PersistedQuerySettings:
    """How many registered documents PostgreSQL keeps (0 turns APQ off) and each worker caches."""

    capacity: int = 10_000
    memory_size: int = 1_000

    @classmethod
    def from_environment(cls) -> "PersistedQuerySettings":
        """BRAINGAIN_APQ_CAPACITY (rows; `0` disables registration) and BRAINGAIN_APQ_MEMORY."""
        return cls(
            capacity=int(os.environ.get("BRAINGAIN_APQ_CAPACITY", str(cls.capacity))),
            memory_size=int(os.environ.get("BRAINGAIN_APQ_MEMORY", str(cls.memory_size))),
        )


class PersistedQueryStore:
    """Registered documents by hash: a small LRU per worker in front of the shared table."""

    def __init__(self, settings: PersistedQuerySettings) -> None:
        self.settings = settings
        self.sessionmaker: async_sessionmaker[AsyncSession] | None = None
        self.memory: OrderedDict[str, str] = OrderedDict()

    @property
    def enabled(self) -> bool:
        """False when BRAINGAIN_APQ_CAPACITY is 0."""
        return self.settings.capacity > 0

    def open(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        """Use this database (set by the app's lifespan)."""
        self.sessionmaker = sessionmaker

    def _remember(self, digest: str, document: str) -> None:
        self.memory[digest] = document
        self.memory.move_to_end(digest)
        while len(self.memory) > self.settings.memory_size:
            self.memory.popitem(last=False)

    async def get(self, digest: str) -> str | None:
        """The document registered under `digest`, marking it used; None when unknown."""
        cached = self.memory.get(digest)
        if cached is not None:
            self.memory.move_to_end(digest)
            return cached
        if self.sessionmaker is None:
            return None
        async with self.sessionmaker() as session:
            document = (await session.execute(_GET, {"sha256": digest})).scalar_one_or_none()
            await session.commit()
        if document is not None:
            self._remember(digest, document)
        return document

    async def register(self, digest: str, document: str) -> None:
        """Store `document` under its hash for every worker, evicting the least recently used."""
        self._remember(digest, document)
        if self.sessionmaker is None:
            return
        try:
            async with self.sessionmaker() as session:
                await session.execute(_REGISTER, {"sha256": digest, "document": document})
                await session.execute(_EVICT, {"capacity": self.settings.capacity})
                await session.commit()
        except DBAPIError as error:
            # Best effort: two workers evicting at once may deadlock; the query still runs,
            # and the next worker without it answers PersistedQueryNotFound once more.
            logger.warning("persisted query %s not registered: %s", digest[:12], error)


def _persisted_hash(extension: Any) -> str:
    """The lower-case hex hash of a well-formed `persistedQuery` extension; 400 otherwise."""
    if not isinstance(extension, dict) or extension.get("version") != 1:
        raise HTTPProblem(
            400,
            "Unsupported `extensions.persistedQuery`: send "
            '{"version": 1, "sha256Hash": "<hex SHA-256 of the query>"}.',
        )
    digest = extension.get("sha256Hash")
    if not isinstance(digest, str) or not HEX_DIGEST.match(digest):
        raise HTTPProblem(
            400, "`extensions.persistedQuery.sha256Hash` must be 64 hexadecimal characters."
        )
    return digest.lower()


class PersistedQueries:
    """Turns a request's parameters into the document to run: trusted documents and APQ."""

    def __init__(
        self, documents: TrustedDocuments, store: PersistedQueryStore, max_tokens: int
    ) -> None:
        self.documents = documents
        self.store = store
        self.max_tokens = max_tokens
        """Only documents that parse within the token limit are registered."""

    async def resolve(self, params: GraphQLParams, trusted_only: bool) -> GraphQLParams:
        """`params` with `query` filled in and `persistedQuery` taken out of `extensions`;
        HTTPProblem when the document cannot be found, does not match or is not allowed."""
        extension = params.extensions.get("persistedQuery")
        if extension is None or params.document_id is not None:
            query = resolve_query(params, self.documents, trusted_only)
            return params if query is params.query else replace(params, query=query)
        digest = _persisted_hash(extension)
        rest = {key: value for key, value in params.extensions.items() if key != "persistedQuery"}
        if params.query is None:
            document = self.documents.get(digest)
            if document is None and self.store.enabled and not trusted_only:
                document = await self.store.get(digest)
            if document is None:
                raise self._miss(trusted_only)
            return replace(params, query=document, extensions=rest)
        if document_hash(params.query) != digest:
            raise HTTPProblem(400, HASH_MISMATCH_MESSAGE)
        plain = replace(params, extensions=rest)
        query = resolve_query(plain, self.documents, trusted_only)
        if (
            query is not None
            and self.store.enabled
            and not self.documents.contains_text(query)
            and not isinstance(parse_within_limits(query, self.max_tokens), GraphQLError)
        ):
            await self.store.register(digest, query)
        return replace(plain, query=query)

    def _miss(self, trusted_only: bool) -> HTTPProblem:
        if self.store.enabled or trusted_only:
            return HTTPProblem(400, NOT_FOUND_MESSAGE, code=ErrorCode.PERSISTED_QUERY_NOT_FOUND)
        return HTTPProblem(400, NOT_SUPPORTED_MESSAGE, code=ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED)

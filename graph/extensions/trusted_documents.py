"""Trusted documents: a registry of persisted operations, addressed by their SHA-256.

The registry is a directory (or one file) of JSON manifests, each mapping a document id
(`sha256:<hex>` or the bare hex digest) to the document's text, as GraphQL Codegen's client
preset writes `persisted-documents.json`; Apollo's persisted-query manifests
(`{"operations": [{"id", "body"}]}`) load too. Every id must be the SHA-256 of its text.
Clients send `documentId` (GraphQL over HTTP) or Apollo's
`extensions.persistedQuery.sha256Hash` instead of `query`.
"""

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from graph.errors import ErrorCode
from graph.http.request import GraphQLParams, HTTPProblem

HEX_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def document_hash(text: str) -> str:
    """The hex SHA-256 of a document's UTF-8 text."""
    return hashlib.sha256(text.encode()).hexdigest()


def _digest(document_id: str) -> str | None:
    digest = document_id.removeprefix("sha256:").lower()
    return digest if HEX_DIGEST.match(digest) else None


class TrustedDocuments:
    """Registered operations by SHA-256 digest."""

    def __init__(self, documents: Mapping[str, str] | None = None) -> None:
        self.documents: dict[str, str] = {}
        for document_id, text in (documents or {}).items():
            self.add(document_id, text)

    def add(self, document_id: str, text: str, source: str = "registry") -> None:
        """Register `text` under `document_id`, which must be its SHA-256."""
        digest = _digest(document_id)
        if digest is None or digest != document_hash(text):
            raise ValueError(f"{source}: {document_id!r} is not the SHA-256 of its document")
        self.documents[digest] = text

    @classmethod
    def load(cls, path: Path | None) -> "TrustedDocuments":
        """Every manifest under `path` (a JSON file or a directory of them)."""
        registry = cls()
        if path is None:
            return registry
        files = sorted(path.glob("*.json")) if path.is_dir() else [path]
        for file in files:
            manifest: Any = orjson.loads(file.read_bytes())
            entries: dict[str, str] = (
                {item["id"]: item["body"] for item in manifest["operations"]}
                if isinstance(manifest, dict) and "operations" in manifest
                else manifest
            )
            for document_id, text in entries.items():
                registry.add(document_id, text, source=str(file))
        return registry

    def __len__(self) -> int:
        return len(self.documents)

    def get(self, document_id: str) -> str | None:
        """The registered text for an id, if any."""
        digest = _digest(document_id)
        return self.documents.get(digest) if digest else None

    def contains_text(self, text: str) -> bool:
        """True when exactly this text is registered."""
        return document_hash(text) in self.documents


def requested_document_id(params: GraphQLParams) -> str | None:
    """The document id a client sent (`documentId` or Apollo's persistedQuery hash)."""
    if params.document_id is not None:
        return params.document_id
    persisted = params.extensions.get("persistedQuery")
    if isinstance(persisted, dict) and isinstance(persisted.get("sha256Hash"), str):
        return f"sha256:{persisted['sha256Hash']}"
    return None


def resolve_query(
    params: GraphQLParams, registry: TrustedDocuments, trusted_only: bool
) -> str | None:
    """The document text to run, or HTTPProblem when a registered operation is required."""
    document_id = requested_document_id(params)
    if document_id is not None and params.query is None:
        text = registry.get(document_id)
        if text is None:
            raise HTTPProblem(
                400,
                f"Unknown document {document_id[:80]!r}: only operations registered in the "
                "trusted-document registry can be run by id.",
                code=ErrorCode.NOT_FOUND,
            )
        return text
    if trusted_only and (params.query is None or not registry.contains_text(params.query)):
        raise HTTPProblem(
            403,
            "This client may run registered operations only: send `documentId` "
            "(`sha256:<hex>`) of a trusted document instead of the query text.",
            code=ErrorCode.FORBIDDEN,
        )
    return params.query

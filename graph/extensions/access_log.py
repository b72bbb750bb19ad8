"""Writes the consent access log once per operation, after every field has resolved."""

from collections.abc import AsyncIterator
from typing import Any

from strawberry.extensions import SchemaExtension

from graph.services.consent import log_reads


async def write_consent_reads(context: Any) -> None:
    """Commit the request's consent reads (`Context.consent_reads`) as access-log rows, in the
    request's session; then forget them, so they are written once. Both read paths call it."""
    reads = getattr(context, "consent_reads", None)
    if not reads:
        return
    database = getattr(context, "writer", None) or context.database  # never a replica
    async with database.session() as session:
        try:
            await log_reads(session, context.viewer, reads, context.request_id)
            await session.commit()
        except Exception:
            await session.rollback()  # the session stays usable for whatever runs next
            raise
    reads.clear()


class ConsentAccessLog(SchemaExtension):
    """Institution reads of consent-gated fields become access-log rows, committed at the end."""

    async def on_execute(self) -> AsyncIterator[None]:
        """Let the operation run, then record what it read under consent."""
        yield
        await write_consent_reads(self.execution_context.context)

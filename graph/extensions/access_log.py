"""Writes the consent access log once per operation, after every field has resolved."""

from collections.abc import AsyncIterator
from typing import Any

from strawberry.extensions import SchemaExtension

from graph.services.consent import log_reads


class ConsentAccessLog(SchemaExtension):
    """Institution reads of consent-gated fields become access-log rows, committed at the end."""

    async def on_execute(self) -> AsyncIterator[None]:
        """Let the operation run, then record what it read under consent."""
        yield
        context: Any = self.execution_context.context
        reads = getattr(context, "consent_reads", None)
        if not reads:
            return
        async with context.database.session() as session:
            log_reads(session, context.viewer, reads, context.request_id)
            await session.commit()
        reads.clear()

"""Data export: one JSON document of everything the portal holds about an engineer.

The document is built inside PostgreSQL in one statement (`DOCUMENT`) and stored on the
export's row, never passing through Python. A small account's export is built in the
requesting transaction; a large one is left PENDING for the export worker
(`braingain export-worker`), which claims it with `FOR UPDATE SKIP LOCKED` like the mail
worker. The download link carries a secret returned once and stored only as its SHA-256;
it works for the engineer who asked, until `expires_at`, after which the document is dropped.
"""

import asyncio
import contextlib
import enum
import hashlib
import logging
import os
import secrets
import socket
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, false, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.enums import DataExportStatus
from db.models import DataExport
from db.queries.data_export import BUILD, SIZE
from graph.auth.viewer import Viewer
from graph.services.problems import reject

logger = logging.getLogger("braingain.exports")

TOKEN_PREFIX = "bgx_"
"""Names the token's one purpose (a data-export download), so it is never taken for another."""
TOKEN_BYTES = 32
DOWNLOAD_PATH = "/exports/{token}"


class DataRightsErrorCode(enum.Enum):
    """Why a data-rights mutation was refused."""

    NOT_FOUND = "NOT_FOUND"
    EXPORT_UNDER_WAY = "EXPORT_UNDER_WAY"
    CONFIRMATION_MISMATCH = "CONFIRMATION_MISMATCH"
    SOLE_COORDINATOR = "SOLE_COORDINATOR"
    ALREADY_ERASED = "ALREADY_ERASED"


@dataclass(frozen=True)
class ExportSettings:
    """How exports are produced (BRAINGAIN_EXPORT_*)."""

    inline_rows: int = 2000
    """Accounts holding at most this many rows are exported in the request itself."""
    lifetime: timedelta = timedelta(days=7)
    """How long a ready export can be downloaded."""
    lease: timedelta = timedelta(minutes=10)
    """A RUNNING claim older than this belongs to a worker that died."""

    @classmethod
    def from_environment(cls) -> "ExportSettings":
        """Read BRAINGAIN_EXPORT_INLINE_ROWS and BRAINGAIN_EXPORT_LIFETIME_HOURS."""
        default = cls()
        rows = os.environ.get("BRAINGAIN_EXPORT_INLINE_ROWS")
        hours = os.environ.get("BRAINGAIN_EXPORT_LIFETIME_HOURS")
        return cls(
            inline_rows=int(rows) if rows else default.inline_rows,
            lifetime=timedelta(hours=float(hours)) if hours else default.lifetime,
        )


def runs_in_process(is_production: bool) -> bool:
    """BRAINGAIN_EXPORT_WORKER: `in-process` builds queued exports inside the server, `off`
    (the default) leaves them to `braingain export-worker`; `braingain serve` sets in-process
    outside production, so the demo builds large exports by itself."""
    choice = os.environ.get("BRAINGAIN_EXPORT_WORKER", "").strip().lower()
    if choice not in ("", "in-process", "off"):
        raise ValueError(f"BRAINGAIN_EXPORT_WORKER: expected in-process or off, got {choice!r}")
    return choice == "in-process"


def digest(token: str) -> str:
    """The stored form of a download token."""
    return hashlib.sha256(token.encode()).hexdigest()


def own_exports(viewer: Viewer) -> ColumnElement[bool]:
    """The exports a viewer may read: their own, as the signed-in engineer (nobody else's)."""
    if viewer.engineer_id is None:
        return false()
    return DataExport.engineer_id == viewer.engineer_id


def download_path(token: str) -> str:
    """Where the export behind `token` is downloaded (relative to the API's origin)."""
    return DOWNLOAD_PATH.format(token=token)


async def build(
    session: AsyncSession, export_id: int, engineer_id: int, settings: ExportSettings
) -> None:
    """Build the document of an export and mark it READY; no commit."""
    await session.execute(
        BUILD,
        {
            "id": engineer_id,
            "export_id": export_id,
            "lifetime": settings.lifetime,
        },
    )


async def request(
    session: AsyncSession, engineer_id: int, settings: ExportSettings
) -> tuple[DataExport, str]:
    """Request an export for the engineer: built now when the account is small, else queued;
    returns the row and the download token (returned once; only its hash is kept). Refused
    while another export of theirs is under way; no commit."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    statement = (
        insert(DataExport)
        .values(
            engineer_id=engineer_id,
            status=DataExportStatus.PENDING.value,
            token_hash=digest(token),
        )
        .on_conflict_do_nothing(
            index_elements=[DataExport.engineer_id],
            index_where=text("status IN ('PENDING', 'RUNNING')"),
        )
        .returning(DataExport.id)
    )
    export_id = await session.scalar(statement)
    if export_id is None:
        raise reject(
            DataRightsErrorCode.EXPORT_UNDER_WAY,
            "An export of your data is already being prepared; wait for it to be ready.",
        )
    rows = int(await session.scalar(SIZE, {"id": engineer_id}) or 0)
    if rows <= settings.inline_rows:
        await build(session, export_id, engineer_id, settings)
    row = await session.get(DataExport, export_id, populate_existing=True)
    assert row is not None
    return row, token


async def delete(session: AsyncSession, viewer: Viewer, export_id: int) -> int:
    """Delete one of the viewer's exports (not while the worker builds it); no commit."""
    row = await session.scalar(
        select(DataExport).where(DataExport.id == export_id, own_exports(viewer)).with_for_update()
    )
    if row is None:
        raise reject(
            DataRightsErrorCode.NOT_FOUND, "No such export of yours.", "input", "dataExport"
        )
    if row.status == DataExportStatus.RUNNING:
        raise reject(
            DataRightsErrorCode.EXPORT_UNDER_WAY,
            "The export is being built; delete it once it is ready.",
            "input",
            "dataExport",
        )
    await session.delete(row)
    await session.flush()
    return export_id


@dataclass(frozen=True)
class Download:
    """What a download token leads to."""

    engineer_id: int
    status: DataExportStatus
    expired: bool
    document: str | None


async def find_download(session: AsyncSession, token: str) -> Download | None:
    """The export behind a download token, or None (malformed or unknown token)."""
    if not token.startswith(TOKEN_PREFIX) or not 20 <= len(token) <= 100:
        return None
    row = (
        await session.execute(
            select(
                DataExport.engineer_id,
                DataExport.status,
                (DataExport.expires_at <= text("clock_timestamp()")).label("expired"),
                text("CASE WHEN status = 'READY' THEN document::text END"),
            ).where(DataExport.token_hash == digest(token))
        )
    ).first()
    if row is None:
        return None
    engineer_id, status, expired, document = row
    return Download(engineer_id, DataExportStatus(status), bool(expired), document)


CLAIM = text(
    """
UPDATE data_exports SET status = 'RUNNING', claimed_by = :worker, claimed_at = clock_timestamp()
WHERE id = (
    SELECT id FROM data_exports
    WHERE status = 'PENDING'
       OR (status = 'RUNNING' AND claimed_at < clock_timestamp() - CAST(:lease AS interval))
    ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
)
RETURNING id, engineer_id
"""
)

EXPIRE = text(
    """
UPDATE data_exports SET status = 'EXPIRED', document = NULL
WHERE status = 'READY' AND expires_at <= clock_timestamp()
"""
)


class ExportWorker:
    """Builds queued exports one at a time and expires old ones; several may run at once."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: ExportSettings,
        name: str | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.built = 0

    async def expire(self) -> int:
        """Drop the documents of exports past their expiry; how many."""
        async with self.sessionmaker() as session:
            result = await session.execute(EXPIRE)
            await session.commit()
        return int(getattr(result, "rowcount", 0) or 0)

    async def run_once(self) -> bool:
        """Build one queued export (committing the claim first); False when none was queued."""
        lease = self.settings.lease
        async with self.sessionmaker() as session:
            claimed = (await session.execute(CLAIM, {"worker": self.name, "lease": lease})).first()
            await session.commit()
        if claimed is None:
            return False
        export_id, engineer_id = claimed
        try:
            async with self.sessionmaker() as session:
                await build(session, export_id, engineer_id, self.settings)
                await session.commit()
        except Exception as error:  # a failed build is recorded, not retried forever
            logger.exception("export %s failed", export_id)
            async with self.sessionmaker() as session:
                await session.execute(
                    text(
                        "UPDATE data_exports SET status = 'FAILED', last_error = :error"
                        " WHERE id = :id"
                    ),
                    {"id": export_id, "error": repr(error)[:500]},
                )
                await session.commit()
            return True
        self.built += 1
        return True

    async def run(self, stop: asyncio.Event | None = None, poll_seconds: float = 2.0) -> None:
        """Build exports as they are queued until `stop` is set (or the task is cancelled)."""
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                await self.expire()
                while not stop.is_set() and await self.run_once():
                    pass
            except Exception:  # the database may be away: log, wait, try again
                logger.exception("export worker round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), poll_seconds)

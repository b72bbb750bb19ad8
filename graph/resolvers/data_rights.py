"""Data-rights mutations (export, discard an export, erase the account) and the export node."""

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from graph.auth.permissions import require_engineer, require_scope, requires
from graph.auth.scopes import Scope
from graph.context import Info
from graph.resolvers.mutation import Answers, decode, run
from graph.services import data_export as exports
from graph.services import erasure
from graph.services.data_export import DataRightsErrorCode
from graph.services.problems import Rejected
from graph.types.data_rights import DataExport

REQUEST = (
    "Ask for a copy of everything the portal holds about you, as one JSON document. A small "
    "account's export is ready at once; a large one is built in the background (watch its "
    "`status` through `node`). `downloadPath` is returned only here: GET it with your access "
    "token until `expiresAt`. One export at a time." + requires(Scope.PROFILES_WRITE)
)
DELETE = "Delete one of your exports (its document and link) before it expires." + requires(
    Scope.PROFILES_WRITE
)
ERASE = (
    "Erase your account: your profile, skills, history, memberships, consents, tokens and "
    "feeds are deleted; what you wrote in shared places (forum posts, notes, applications) is "
    "replaced; others' records of work with you stay, naming `a former member`. Confirm by "
    "typing your handle. Cannot be undone; signs you out everywhere."
    + requires(Scope.PROFILES_WRITE)
)


@strawberry.type(description="Why a data-rights mutation was refused.")
class DataRightsUserError:
    """An expected failure, tied to the input field that caused it."""

    field: list[str] | None = strawberry.field(description="Path to the offending input field.")
    code: DataRightsErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation.")


ANSWERS = Answers(DataRightsUserError, DataRightsErrorCode, under=())


@strawberry.type(description="Result of dataExportRequest.")
class DataExportRequestPayload:
    """The export and its download link, or why nothing changed."""

    data_export: DataExport | None = strawberry.field(
        description="The export: READY at once for a small account, else PENDING."
    )
    download_path: str | None = strawberry.field(
        description="Where to GET the document (with your access token), relative to the "
        "API's origin; shown only in this payload, it works once the export is READY and "
        "until it expires."
    )
    user_errors: list[DataRightsUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.input(description="An export of yours to delete.")
class DataExportDeleteInput:
    """An export."""

    data_export: strawberry.ID = strawberry.field(description="ID of the data export.")


@strawberry.type(description="Result of dataExportDelete.")
class DataExportDeletePayload:
    """Which export was deleted, or why nothing changed."""

    deleted_data_export_id: strawberry.ID | None = strawberry.field(
        description="ID of the deleted export; null when refused."
    )
    user_errors: list[DataRightsUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.input(description="Confirmation that your account is to be erased.")
class AccountEraseInput:
    """The confirmation."""

    confirmation: str = strawberry.field(description="Your handle, typed out (`@` optional).")


@strawberry.type(description="Result of accountErase.")
class AccountErasePayload:
    """Whether the account was erased."""

    erased: bool = strawberry.field(description="True when the account is erased.")
    user_errors: list[DataRightsUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


async def data_export_request(info: Info) -> DataExportRequestPayload:
    """dataExportRequest."""
    engineer_id = require_engineer(info.context.viewer)
    require_scope(info.context.viewer, Scope.PROFILES_WRITE)
    settings = exports.ExportSettings.from_environment()

    async def work(session: AsyncSession) -> tuple[models.DataExport, str]:
        return await exports.request(session, engineer_id, settings)

    result = await run(info, work)
    if isinstance(result, Rejected):
        return DataExportRequestPayload(
            data_export=None, download_path=None, user_errors=ANSWERS.errors(result)
        )
    row, token = result
    return DataExportRequestPayload(
        data_export=DataExport.from_model(row),
        download_path=exports.download_path(token),
        user_errors=[],
    )


async def data_export_delete(
    info: Info,
    input: Annotated[DataExportDeleteInput, strawberry.argument(description="The export.")],
) -> DataExportDeletePayload:
    """dataExportDelete."""
    require_engineer(info.context.viewer)
    require_scope(info.context.viewer, Scope.PROFILES_WRITE)
    viewer = info.context.viewer

    async def work(session: AsyncSession) -> int:
        key = decode(
            str(input.data_export),
            "DataExport",
            DataRightsErrorCode.NOT_FOUND,
            "input",
            "dataExport",
        )
        return await exports.delete(session, viewer, key)

    result = await run(info, work)
    if isinstance(result, Rejected):
        return DataExportDeletePayload(
            deleted_data_export_id=None, user_errors=ANSWERS.errors(result)
        )
    return DataExportDeletePayload(deleted_data_export_id=input.data_export, user_errors=[])


async def account_erase(
    info: Info,
    input: Annotated[AccountEraseInput, strawberry.argument(description="The confirmation.")],
) -> AccountErasePayload:
    """accountErase."""
    viewer = info.context.viewer
    engineer_id = require_engineer(viewer)
    require_scope(viewer, Scope.PROFILES_WRITE)

    async def work(session: AsyncSession) -> models.Engineer:
        return await erasure.erase(
            session, viewer, engineer_id, input.confirmation, info.context.request_id
        )

    result = await run(info, work)
    if isinstance(result, Rejected):
        return AccountErasePayload(erased=False, user_errors=ANSWERS.errors(result))
    return AccountErasePayload(erased=True, user_errors=[])


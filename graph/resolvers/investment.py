"""Investment asks and soft commitments: the root list, `node` fetchers and mutations.

Each mutation is `<entity><Verb>(input:)`, runs its service in one transaction
(graph.resolvers.mutation), writes notification (and, for the startup's actions, audit) rows in
it, and returns the changed object with `userErrors`. Nothing here moves money.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.enums import InvestmentStage
from graph.auth.permissions import requires
from graph.auth.scopes import Scope
from graph.context import Info
from graph.resolvers.mutation import Answers, decode, run_checked
from graph.services import investment as service
from graph.services.investment import InvestmentErrorCode
from graph.types.connection import After, Before, Connection, First, Last
from graph.types.investment import InvestmentAsk, InvestmentCommitment
from graph.types.sql_only import unserved

Code = InvestmentErrorCode
POST_SCOPE = requires(Scope.OPPORTUNITIES_WRITE)
COMMIT_SCOPE = requires(Scope.ENGAGEMENTS_WRITE)


def investment_asks(
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
) -> Connection[InvestmentAsk]:
    """Every investment ask, newest first (asks are public)."""
    raise unserved()


@strawberry.type(description="Why an investment mutation was refused.")
class InvestmentUserError:
    """An expected failure, tied to the input field that caused it."""

    field: list[str] | None = strawberry.field(description="Path to the offending input field.")
    code: InvestmentErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation.")


ANSWERS = Answers(InvestmentUserError, InvestmentErrorCode)


@strawberry.type(description="Result of a mutation on an investment ask.")
class InvestmentAskPayload:
    """The ask as it is now, or why nothing changed."""

    ask: InvestmentAsk | None = strawberry.field(
        description="The ask after the change; null when refused."
    )
    user_errors: list[InvestmentUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of a mutation on a soft commitment.")
class InvestmentCommitmentPayload:
    """The commitment as it is now, or why nothing changed."""

    commitment: InvestmentCommitment | None = strawberry.field(
        description="The commitment after the change; null when refused."
    )
    user_errors: list[InvestmentUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.input(description="An investment ask to post.")
class InvestmentAskCreateInput:
    """The startup and what it asks for."""

    institution: strawberry.ID = strawberry.field(
        description="ID of the startup (an institution of kind STARTUP) you are staff of."
    )
    title: str = strawberry.field(description="A one-line summary, 1–200 characters.")
    amount_sought: str = strawberry.field(
        description="Amount sought, a decimal string above 0 with at most two decimals."
    )
    currency: str = strawberry.field(description="ISO 4217 code of three capital letters.")
    stage: InvestmentStage = strawberry.field(description="The startup's stage.")
    sector: str | None = strawberry.field(
        default=None, description="Slug of the startup's sector (optional)."
    )
    use_of_funds: str = strawberry.field(
        description="What the money would be used for, 1–5,000 characters."
    )


@strawberry.input(description="One investment ask to act on.")
class InvestmentAskInput:
    """The ask."""

    ask: strawberry.ID = strawberry.field(description="ID of the ask.")


@strawberry.input(description="A soft commitment to record.")
class InvestmentCommitInput:
    """The ask, the amount, conditions, disclosure."""

    ask: strawberry.ID = strawberry.field(description="ID of an OPEN ask.")
    amount: str = strawberry.field(
        description="Amount, a decimal string above 0 with at most two decimals, in the ask's "
        "currency."
    )
    conditions: str = strawberry.field(
        default="", description="Your conditions, at most 2,000 characters."
    )
    disclosed: bool = strawberry.field(
        default=False,
        description="Let the startup's staff see who you are (otherwise you only count in the "
        "total).",
    )


@strawberry.input(description="Changes to your soft commitment; omitted fields stay.")
class InvestmentCommitmentChangeInput:
    """The commitment and what changes."""

    commitment: strawberry.ID = strawberry.field(description="ID of your ACTIVE commitment.")
    amount: str | None = strawberry.field(default=None, description="A new amount.")
    conditions: str | None = strawberry.field(default=None, description="New conditions.")
    disclosed: bool | None = strawberry.field(default=None, description="New disclosure choice.")


@strawberry.input(description="One soft commitment to act on.")
class InvestmentCommitmentInput:
    """The commitment."""

    commitment: strawberry.ID = strawberry.field(description="ID of your commitment.")


async def _ask_payload(
    info: Info, work: Callable[[AsyncSession], Awaitable[models.InvestmentAsk]]
) -> InvestmentAskPayload:
    result = await run_checked(info, work, scope=Scope.OPPORTUNITIES_WRITE)
    return ANSWERS.payload(InvestmentAskPayload, result, ask=InvestmentAsk.from_model)


async def _commitment_payload(
    info: Info, work: Callable[[AsyncSession], Awaitable[models.InvestmentCommitment]]
) -> InvestmentCommitmentPayload:
    result = await run_checked(info, work, scope=Scope.ENGAGEMENTS_WRITE, engineer=True)
    return ANSWERS.payload(
        InvestmentCommitmentPayload, result, commitment=InvestmentCommitment.from_model
    )


ASK_CREATE = (
    "Post an OPEN investment ask for a startup (its staff, or its client); audited. Nothing "
    "moves money: contributors record soft commitments only." + POST_SCOPE
)


async def investment_ask_create(
    info: Info,
    input: Annotated[InvestmentAskCreateInput, strawberry.argument(description="The ask.")],
) -> InvestmentAskPayload:
    """investmentAskCreate."""

    async def work(session: AsyncSession) -> models.InvestmentAsk:
        institution = decode(input.institution, "Institution", Code.NOT_FOUND, "institution")
        draft = service.AskDraft(
            title=input.title,
            amount_sought=input.amount_sought,
            currency=input.currency,
            stage=input.stage,
            sector=input.sector,
            use_of_funds=input.use_of_funds,
        )
        return await service.create_ask(
            session, info.context.viewer, institution, draft, request_id=info.context.request_id
        )

    return await _ask_payload(info, work)


ASK_CLOSE = (
    "Close an OPEN ask (the startup's staff): commitments freeze and the committers are "
    "told; audited." + POST_SCOPE
)


async def investment_ask_close(
    info: Info,
    input: Annotated[InvestmentAskInput, strawberry.argument(description="The ask.")],
) -> InvestmentAskPayload:
    """investmentAskClose."""

    async def work(session: AsyncSession) -> models.InvestmentAsk:
        key = decode(input.ask, "InvestmentAsk", Code.NOT_FOUND, "ask")
        return await service.close_ask(
            session, info.context.viewer, key, request_id=info.context.request_id
        )

    return await _ask_payload(info, work)


COMMIT = (
    "Record a soft commitment to an OPEN ask (a signed-in engineer, not the startup's staff): "
    "an amount, conditions and whether the startup may see who you are; one per ask. The "
    "startup's staff are told (without your name unless you disclose it). No money moves."
    + COMMIT_SCOPE
)


async def investment_commit(
    info: Info,
    input: Annotated[InvestmentCommitInput, strawberry.argument(description="The commitment.")],
) -> InvestmentCommitmentPayload:
    """investmentCommit."""

    async def work(session: AsyncSession) -> models.InvestmentCommitment:
        key = decode(input.ask, "InvestmentAsk", Code.NOT_FOUND, "ask")
        return await service.commit(
            session,
            info.context.viewer,
            key,
            amount=input.amount,
            conditions=input.conditions,
            disclosed=input.disclosed,
        )

    return await _commitment_payload(info, work)


COMMITMENT_CHANGE = (
    "Change your ACTIVE commitment (amount, conditions, disclosure) while the ask is open."
    + COMMIT_SCOPE
)


async def investment_commitment_change(
    info: Info,
    input: Annotated[
        InvestmentCommitmentChangeInput, strawberry.argument(description="The changes.")
    ],
) -> InvestmentCommitmentPayload:
    """investmentCommitmentChange."""

    async def work(session: AsyncSession) -> models.InvestmentCommitment:
        key = decode(input.commitment, "InvestmentCommitment", Code.NOT_FOUND, "commitment")
        return await service.change(
            session,
            info.context.viewer,
            key,
            amount=input.amount,
            conditions=input.conditions,
            disclosed=input.disclosed,
        )

    return await _commitment_payload(info, work)


COMMITMENT_WITHDRAW = (
    "Withdraw your commitment while the ask is open: it stops counting in the total." + COMMIT_SCOPE
)


async def investment_commitment_withdraw(
    info: Info,
    input: Annotated[InvestmentCommitmentInput, strawberry.argument(description="Which one.")],
) -> InvestmentCommitmentPayload:
    """investmentCommitmentWithdraw."""

    async def work(session: AsyncSession) -> models.InvestmentCommitment:
        key = decode(input.commitment, "InvestmentCommitment", Code.NOT_FOUND, "commitment")
        return await service.withdraw(session, info.context.viewer, key)

    return await _commitment_payload(info, work)

"""Hall of Fame fields: the public list, nominations, rounds, their `node(id:)` fetchers, and
the mutations (nominate; council: vote, open and close rounds)."""

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from graph.context import Info
from graph.resolvers.mutation import Answers, run_checked
from graph.services import hall_of_fame as service
from graph.services.hall_of_fame_errors import HallOfFameErrorCode
from graph.services.problems import Rejected
from graph.types.connection import After, Before, Connection, First, Last
from graph.types.hall_of_fame import (
    HallOfFameFilter,
    HallOfFameNomination,
    HallOfFameRound,
    NominationFilter,
)
from graph.types.sql_only import unserved

COUNCIL = " The council only (council admins); audited."
HALL_OF_FAME = (
    "The Hall of Fame: inducted engineers with their citation and the evidence (each item as "
    "far as you may see it), the latest year first. Public."
)
NOMINATIONS = (
    "Nominations you may see, newest first: the council sees all of them; everyone else "
    "sees inducted ones and their own."
)
ROUNDS = "Every Hall of Fame round, the latest year first. Public."
NOMINATE = (
    "Nominate an engineer (not yourself) in the open round with a citation linking evidence "
    "of their own work: ledger entries, engagements they contributed to, events they spoke "
    "at, forum answers of theirs that were accepted. Signed-in engineers."
)
VOTE = (
    "Vote once on a nomination under review in the open round (not on your own nomination, "
    "nor one naming you); decided when the round closes." + COUNCIL
)
ROUND_OPEN = "Open the Hall of Fame round of a year (one per year, one open at a time)." + COUNCIL
ROUND_CLOSE = (
    "Close a round: each nomination under review with quorum and a majority in favour is "
    "inducted, the others are not; nominees inducted and nominators are notified." + COUNCIL
)


def hall_of_fame(
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    filter: Annotated[
        HallOfFameFilter | None,
        strawberry.argument(description="A year, a sector, a chapter to narrow the list."),
    ] = None,
) -> Connection[HallOfFameNomination]:
    """Inducted nominations."""
    raise unserved()


def hall_of_fame_nominations(
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    filter: Annotated[
        NominationFilter | None,
        strawberry.argument(description="A year, a sector, a chapter, statuses."),
    ] = None,
) -> Connection[HallOfFameNomination]:
    """Nominations the viewer may see."""
    raise unserved()


def hall_of_fame_rounds(info: Info) -> list[HallOfFameRound]:
    """Every round."""
    raise unserved()


@strawberry.type(description="Why a Hall of Fame mutation was refused.")
class HallOfFameUserError:
    """An expected failure, tied to the input field that caused it."""

    field: list[str] | None = strawberry.field(description="Path to the offending input field.")
    code: HallOfFameErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation.")


ANSWERS = Answers(HallOfFameUserError, HallOfFameErrorCode)


@strawberry.type(description="Result of a mutation on a nomination.")
class HallOfFameNominationPayload:
    """The nomination as it is now, or why nothing changed."""

    nomination: HallOfFameNomination | None = strawberry.field(
        description="The nomination after the change; null when refused."
    )
    user_errors: list[HallOfFameUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of a mutation on a round.")
class HallOfFameRoundPayload:
    """The round as it is now, or why nothing changed."""

    round: HallOfFameRound | None = strawberry.field(
        description="The round after the change; null when refused."
    )
    user_errors: list[HallOfFameUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.input(description="A nomination to the Hall of Fame.")
class HallOfFameNominateInput:
    """Who, why, and the evidence."""

    nominee: strawberry.ID = strawberry.field(description="The engineer nominated.")
    citation: str = strawberry.field(description="Why they deserve it (20–4,000 characters).")
    evidence: list[strawberry.ID] = strawberry.field(
        description="1–20 IDs of the nominee's ledger entries, engagements they contributed "
        "to, events they spoke at, and accepted forum answers of theirs."
    )


@strawberry.input(description="A council member's vote.")
class HallOfFameVoteInput:
    """The nomination and the vote."""

    nomination: strawberry.ID = strawberry.field(description="The nomination voted on.")
    in_favour: bool = strawberry.field(description="True to induct, false against.")


@strawberry.input(description="The year of a new round.")
class HallOfFameRoundOpenInput:
    """A year."""

    year: int = strawberry.field(description="The year the round is for.")


@strawberry.input(description="The round to close.")
class HallOfFameRoundCloseInput:
    """A round."""

    round: strawberry.ID = strawberry.field(description="The open round to close.")


def _nomination(result: models.HallOfFameNomination | Rejected) -> HallOfFameNominationPayload:
    return ANSWERS.payload(
        HallOfFameNominationPayload, result, nomination=HallOfFameNomination.from_model
    )


def _round(result: models.HallOfFameRound | Rejected) -> HallOfFameRoundPayload:
    return ANSWERS.payload(HallOfFameRoundPayload, result, round=HallOfFameRound.from_model)


async def hall_of_fame_nominate(
    info: Info,
    input: Annotated[HallOfFameNominateInput, strawberry.argument(description="The nomination.")],
) -> HallOfFameNominationPayload:
    """hallOfFameNominate."""
    async def work(session: AsyncSession) -> models.HallOfFameNomination:
        return await service.nominate(
            session,
            info.context.viewer,
            info.context.registry,
            input.nominee,
            input.citation,
            list(input.evidence),
        )

    return _nomination(await run_checked(info, work, engineer=True))


async def hall_of_fame_vote(
    info: Info,
    input: Annotated[HallOfFameVoteInput, strawberry.argument(description="The vote.")],
) -> HallOfFameNominationPayload:
    """hallOfFameVote."""
    async def work(session: AsyncSession) -> models.HallOfFameNomination:
        return await service.vote(
            session,
            info.context.viewer,
            input.nomination,
            input.in_favour,
            request_id=info.context.request_id,
        )

    return _nomination(await run_checked(info, work, engineer=True))


async def hall_of_fame_round_open(
    info: Info,
    input: Annotated[HallOfFameRoundOpenInput, strawberry.argument(description="The year.")],
) -> HallOfFameRoundPayload:
    """hallOfFameRoundOpen."""
    async def work(session: AsyncSession) -> models.HallOfFameRound:
        return await service.round_open(
            session, info.context.viewer, input.year, request_id=info.context.request_id
        )

    return _round(await run_checked(info, work, engineer=True))


async def hall_of_fame_round_close(
    info: Info,
    input: Annotated[HallOfFameRoundCloseInput, strawberry.argument(description="The round.")],
) -> HallOfFameRoundPayload:
    """hallOfFameRoundClose."""
    async def work(session: AsyncSession) -> models.HallOfFameRound:
        return await service.round_close(
            session, info.context.viewer, input.round, request_id=info.context.request_id
        )

    return _round(await run_checked(info, work, engineer=True))

"""Investment asks and soft commitments: who may post, commit, change and withdraw.

Nothing here moves money: a commitment is a statement of intent the startup may follow up.
"""

import enum
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import (
    CommitmentStatus,
    InstitutionKind,
    InvestmentAskStatus,
    InvestmentStage,
    NotificationKind,
)
from db.models import Institution, InvestmentAsk, InvestmentCommitment, Sector
from db.models.investment import AMOUNT_MAX, CONDITIONS_MAX, TITLE_MAX, USE_OF_FUNDS_MAX
from graph.auth.viewer import Viewer
from graph.ids import encode_id
from graph.services import audit
from graph.services.notification import notify
from graph.services.problems import reject
from graph.services.staff import acts_for, require_staff, tell_staff

CURRENCY = re.compile(r"^[A-Z]{3}$")


class InvestmentErrorCode(enum.Enum):
    """Why an investment mutation was refused."""

    NOT_FOUND = "NOT_FOUND"
    NOT_STAFF = "NOT_STAFF"
    NOT_A_STARTUP = "NOT_A_STARTUP"
    ASK_CLOSED = "ASK_CLOSED"
    ALREADY_CLOSED = "ALREADY_CLOSED"
    ALREADY_COMMITTED = "ALREADY_COMMITTED"
    ALREADY_WITHDRAWN = "ALREADY_WITHDRAWN"
    OWN_ASK = "OWN_ASK"
    INVALID_AMOUNT = "INVALID_AMOUNT"
    INVALID_CURRENCY = "INVALID_CURRENCY"
    INVALID_TITLE = "INVALID_TITLE"
    INVALID_USE_OF_FUNDS = "INVALID_USE_OF_FUNDS"
    INVALID_CONDITIONS = "INVALID_CONDITIONS"
    UNKNOWN_SECTOR = "UNKNOWN_SECTOR"


Code = InvestmentErrorCode


@dataclass(frozen=True)
class AskDraft:
    """What a startup states when it posts an ask."""

    title: str
    amount_sought: str
    currency: str
    stage: InvestmentStage
    sector: str | None
    use_of_funds: str


def amount_of(value: str, field: str) -> Decimal:
    """A positive amount with at most two decimals, below AMOUNT_MAX; INVALID_AMOUNT else."""
    try:
        amount = Decimal(value.strip())
    except (InvalidOperation, AttributeError):
        raise reject(Code.INVALID_AMOUNT, "Give the amount as a decimal number.", field) from None
    if (
        not amount.is_finite()
        or amount <= 0
        or amount > AMOUNT_MAX
        or amount != amount.quantize(Decimal("0.01"))
    ):
        raise reject(
            Code.INVALID_AMOUNT,
            f"An amount is above 0, at most {AMOUNT_MAX}, with at most two decimals.",
            field,
        )
    return amount.quantize(Decimal("0.01"))


def ask_snapshot(row: InvestmentAsk) -> dict[str, Any]:
    """What the audit log records of an ask."""
    return {"status": row.status, "amountSought": str(row.amount_sought), "title": row.title}


async def _staff(session: AsyncSession, viewer: Viewer, institution_id: int) -> None:
    await require_staff(
        session, viewer, institution_id, Code.NOT_STAFF, "Only the startup's staff may do this."
    )


async def create_ask(
    session: AsyncSession,
    viewer: Viewer,
    institution_id: int,
    draft: AskDraft,
    *,
    request_id: str = "",
) -> InvestmentAsk:
    """Staff of a STARTUP institution post an OPEN ask."""
    institution = await session.get(Institution, institution_id)
    if institution is None:
        raise reject(Code.NOT_FOUND, "No such institution.", "institution")
    await _staff(session, viewer, institution_id)
    if institution.kind != InstitutionKind.STARTUP:
        raise reject(Code.NOT_A_STARTUP, "Only a startup posts investment asks.", "institution")
    title = draft.title.strip()
    if not 1 <= len(title) <= TITLE_MAX:
        raise reject(Code.INVALID_TITLE, f"A title has 1–{TITLE_MAX} characters.", "title")
    amount = amount_of(draft.amount_sought, "amountSought")
    if not CURRENCY.match(draft.currency):
        raise reject(Code.INVALID_CURRENCY, "An ISO 4217 code, e.g. PKR or USD.", "currency")
    use = draft.use_of_funds.strip()
    if not 1 <= len(use) <= USE_OF_FUNDS_MAX:
        raise reject(
            Code.INVALID_USE_OF_FUNDS,
            f"Say what the money is for, in 1–{USE_OF_FUNDS_MAX} characters.",
            "useOfFunds",
        )
    sector_id = None
    if draft.sector is not None:
        sector_id = await session.scalar(select(Sector.id).where(Sector.slug == draft.sector))
        if sector_id is None:
            raise reject(Code.UNKNOWN_SECTOR, "No sector has this slug.", "sector")
    row = InvestmentAsk(
        institution_id=institution_id,
        posted_by_id=viewer.engineer_id,
        title=title,
        amount_sought=amount,
        currency=draft.currency,
        stage=draft.stage.value,
        sector_id=sector_id,
        use_of_funds=use,
    )
    session.add(row)
    await session.flush()
    audit.record(
        session,
        viewer,
        "investmentAsk.create",
        row,
        chapter_id=None,
        before=None,
        after=ask_snapshot(row),
        request_id=request_id,
    )
    await session.flush()
    return row


async def _ask(session: AsyncSession, ask_id: int) -> InvestmentAsk:
    """The ask, row-locked (commitments to one ask serialise on it)."""
    row = await session.get(InvestmentAsk, ask_id, with_for_update=True)
    if row is None:
        raise reject(Code.NOT_FOUND, "No such investment ask.", "ask")
    return row


async def close_ask(
    session: AsyncSession, viewer: Viewer, ask_id: int, *, request_id: str = ""
) -> InvestmentAsk:
    """Staff close an OPEN ask; its active committers are told; audited."""
    row = await _ask(session, ask_id)
    await _staff(session, viewer, row.institution_id)
    if row.status == InvestmentAskStatus.CLOSED:
        raise reject(Code.ALREADY_CLOSED, "The ask is already closed.")
    await audit.audited_update(
        session,
        viewer,
        "investmentAsk.close",
        row,
        ask_snapshot,
        chapter_id=None,
        request_id=request_id,
        status=InvestmentAskStatus.CLOSED.value,
        closed_at=datetime.now(UTC),
    )
    committers = await session.scalars(
        select(InvestmentCommitment.committer_id).where(
            InvestmentCommitment.ask_id == row.id,
            InvestmentCommitment.status == CommitmentStatus.ACTIVE,
        )
    )
    await notify(
        session,
        list(committers),
        NotificationKind.INVESTMENT_ASK_CLOSED,
        actor_id=viewer.engineer_id,
        payload={"askId": encode_id("InvestmentAsk", row.id), "title": row.title},
    )
    return row


def _conditions(text: str | None) -> str:
    value = (text or "").strip()
    if len(value) > CONDITIONS_MAX:
        raise reject(
            Code.INVALID_CONDITIONS,
            f"Conditions are at most {CONDITIONS_MAX} characters.",
            "conditions",
        )
    return value


async def _tell_staff(
    session: AsyncSession, row: InvestmentAsk, commitment: InvestmentCommitment, action: str
) -> None:
    """Tell the startup's staff; the committer is named only when they disclose themselves."""
    await tell_staff(
        session,
        row.institution_id,
        NotificationKind.INVESTMENT_COMMITMENT_CHANGED,
        excluding=commitment.committer_id,
        actor_id=commitment.committer_id if commitment.disclosed else None,
        payload={"askId": encode_id("InvestmentAsk", row.id), "action": action},
    )


async def commit(
    session: AsyncSession,
    viewer: Viewer,
    ask_id: int,
    *,
    amount: str,
    conditions: str | None,
    disclosed: bool,
) -> InvestmentCommitment:
    """A contributor records a soft commitment to an OPEN ask (one per ask; a withdrawn one
    is renewed); the startup's staff are told."""
    row = await _ask(session, ask_id)
    if viewer.engineer_id is None:
        raise reject(Code.NOT_FOUND, "Only an engineer commits.")
    if row.status != InvestmentAskStatus.OPEN:
        raise reject(Code.ASK_CLOSED, "The ask is closed.", "ask")
    if await acts_for(session, viewer, row.institution_id):
        raise reject(Code.OWN_ASK, "Staff do not commit to their own startup's ask.", "ask")
    value = amount_of(amount, "amount")
    text = _conditions(conditions)
    found = await session.scalar(
        select(InvestmentCommitment)
        .where(
            InvestmentCommitment.ask_id == row.id,
            InvestmentCommitment.committer_id == viewer.engineer_id,
        )
        .with_for_update()
    )
    if found is not None and found.status == CommitmentStatus.ACTIVE:
        raise reject(
            Code.ALREADY_COMMITTED, "You already committed; change that commitment instead.", "ask"
        )
    if found is None:
        found = InvestmentCommitment(ask_id=row.id, committer_id=viewer.engineer_id)
        session.add(found)
    found.amount = value
    found.conditions = text
    found.disclosed = disclosed
    found.status = CommitmentStatus.ACTIVE.value
    found.withdrawn_at = None
    await session.flush()
    await session.refresh(found)
    await _tell_staff(session, row, found, "COMMITTED")
    return found


async def _own(
    session: AsyncSession, viewer: Viewer, commitment_id: int
) -> tuple[InvestmentCommitment, InvestmentAsk]:
    """The viewer's own ACTIVE commitment to an OPEN ask, locked; NOT_FOUND for anyone else's."""
    found = await session.get(InvestmentCommitment, commitment_id, with_for_update=True)
    if found is None or found.committer_id != viewer.engineer_id:
        raise reject(Code.NOT_FOUND, "No such commitment of yours.", "commitment")
    row = await _ask(session, found.ask_id)
    if found.status == CommitmentStatus.WITHDRAWN:
        raise reject(Code.ALREADY_WITHDRAWN, "The commitment was withdrawn.", "commitment")
    if row.status != InvestmentAskStatus.OPEN:
        raise reject(Code.ASK_CLOSED, "The ask is closed: commitments no longer change.")
    return found, row


async def change(
    session: AsyncSession,
    viewer: Viewer,
    commitment_id: int,
    *,
    amount: str | None,
    conditions: str | None,
    disclosed: bool | None,
) -> InvestmentCommitment:
    """The committer changes the amount, conditions or disclosure while the ask is open."""
    found, row = await _own(session, viewer, commitment_id)
    if amount is not None:
        found.amount = amount_of(amount, "amount")
    if conditions is not None:
        found.conditions = _conditions(conditions)
    if disclosed is not None:
        found.disclosed = disclosed
    await session.flush()
    await session.refresh(found)
    await _tell_staff(session, row, found, "CHANGED")
    return found


async def withdraw(
    session: AsyncSession, viewer: Viewer, commitment_id: int
) -> InvestmentCommitment:
    """The committer withdraws while the ask is open: it no longer counts in the total."""
    found, row = await _own(session, viewer, commitment_id)
    found.status = CommitmentStatus.WITHDRAWN.value
    found.withdrawn_at = datetime.now(UTC)
    await session.flush()
    await session.refresh(found)
    await _tell_staff(session, row, found, "WITHDRAWN")
    return found

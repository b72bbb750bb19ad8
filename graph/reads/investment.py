"""Investment reads: startups' asks and contributors' soft commitments, and who sees what.

The rule of this domain, stated once here as SQL in the declaration below: a commitment
shows to its committer, and to the startup's staff only when the committer chose to disclose
themselves. Undisclosed commitments still count in the ask's total and count, which only the
startup's staff read; nobody else can tell who made them.
"""

from sqlalchemy import ColumnElement, and_, exists, or_

from db import models
from db.models import InvestmentAsk, InvestmentCommitment
from db.queries.investment import (
    ASK_ORDERING,
    COMMITMENT_ORDERING,
    commitment_count,
    committed_total,
)
from graph.auth.viewer import Viewer
from graph.chapters import ChapterRegistry
from graph.compiler import sqltext
from graph.compiler.declaration import (
    Column,
    Declaration,
    Link,
    Paged,
    RootConnection,
    Rule,
    ToOne,
    TypeMapping,
    columns,
    global_id,
)
from graph.reads.contribution import _over_row
from graph.services.staff import staff_side


def startup_staff(viewer: Viewer, _: ChapterRegistry | None = None) -> ColumnElement[bool]:
    """SQL over asks: the viewer is staff of the startup that posted it (or its client)."""
    return staff_side(viewer, InvestmentAsk.institution_id)


def commitments_visible(viewer: Viewer, _: ChapterRegistry | None = None) -> ColumnElement[bool]:
    """SQL over commitments: the committer's own, and disclosed ones for the startup's staff."""
    disclosed_to_staff = and_(
        InvestmentCommitment.disclosed,
        exists().where(InvestmentAsk.id == InvestmentCommitment.ask_id, startup_staff(viewer)),
    )
    if viewer.engineer_id is None:
        return disclosed_to_staff
    return or_(InvestmentCommitment.committer_id == viewer.engineer_id, disclosed_to_staff)


TOTAL_SQL = _over_row(committed_total(), models.InvestmentAsk)
COUNT_SQL = _over_row(commitment_count(), models.InvestmentAsk)
_STAFF_ONLY = "investment_ask_staff"

DECLARATION = Declaration(
    types=(
        TypeMapping(
            "InvestmentAsk",
            "investment_asks",
            {
                "id": global_id("InvestmentAsk"),
                "title": Column("{t}.title"),
                "amountSought": Column("{t}.amount_sought::text"),
                **columns(
                    currency="currency", stage="stage", status="status", useOfFunds="use_of_funds"
                ),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "closedAt": Column(sqltext.timestamp("{t}.closed_at")),
                "institution": ToOne(Link("Institution", "{c}.id = {p}.institution_id")),
                "sector": ToOne(Link("Sector", "{c}.id = {p}.sector_id")),
                "committedTotal": Column(TOTAL_SQL, visible_if=_STAFF_ONLY),
                "commitmentCount": Column(COUNT_SQL, visible_if=_STAFF_ONLY),
                "viewerCommitment": ToOne(
                    Link(
                        "InvestmentCommitment",
                        "{c}.ask_id = {p}.id AND {c}.committer_id = {viewer[engineer_id]}",
                    )
                ),
                "commitments": Paged(
                    Link("InvestmentCommitment", "{c}.ask_id = {p}.id"),
                    COMMITMENT_ORDERING,
                    models.InvestmentCommitment,
                    visibility="investment_commitment",
                ),
            },
            models.InvestmentAsk,
        ),
        TypeMapping(
            "InvestmentCommitment",
            "investment_commitments",
            {
                "id": global_id("InvestmentCommitment"),
                "amount": Column("{t}.amount::text"),
                **columns(conditions="conditions", disclosed="disclosed", status="status"),
                "createdAt": Column(sqltext.timestamp("{t}.created_at")),
                "updatedAt": Column(sqltext.timestamp("{t}.updated_at")),
                "withdrawnAt": Column(sqltext.timestamp("{t}.withdrawn_at")),
                "ask": ToOne(Link("InvestmentAsk", "{c}.id = {p}.ask_id")),
                "committer": ToOne(Link("Engineer", "{c}.id = {p}.committer_id")),
            },
            models.InvestmentCommitment,
        ),
    ),
    connections={"investmentAsks": RootConnection("InvestmentAsk", ASK_ORDERING)},
    nodes={"InvestmentAsk": None, "InvestmentCommitment": "investment_commitment"},
    rules={
        "investment_commitment": Rule(InvestmentCommitment, commitments_visible),
        _STAFF_ONLY: Rule(InvestmentAsk, startup_staff),
    },
)

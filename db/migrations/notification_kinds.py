"""The notification kinds each revision allows, for the `kind IN (...)` checks on
`notifications` and `notification_preferences`.

Several revisions add kinds. Each states the kinds before and after it from this one list, so a
revision never drops the kinds an earlier one added (and its downgrade removes only its own).
"""

KINDS_0012 = (
    "APPLICATION_RECEIVED", "APPLICATION_SHORTLISTED", "APPLICATION_ACCEPTED",
    "APPLICATION_DECLINED", "APPLICATION_WITHDRAWN", "INVITATION_RECEIVED",
    "INVITATION_ANSWERED", "ENGAGEMENT_CHANGED", "COUNTERSIGN_REQUESTED", "FEEDBACK_DUE",
    "PROBLEM_REPORTED", "EVENT_CANCELLED", "EVENT_MOVED", "EVENT_WAITLIST_PROMOTED",
    "CHAPTER_ANNOUNCEMENT", "FORUM_REPLY", "FORUM_MENTION", "MEMBERSHIP_APPROVED",
    "MEMBERSHIP_REJECTED", "MEMBERSHIP_SUSPENDED", "MEMBERSHIP_ROLE_CHANGED",
)  # fmt: skip
"""The kinds after revision 0012."""

ADDED: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "0013",
        ("PROGRAMME_APPLICATION_RECEIVED", "PROGRAMME_APPLICATION_DECIDED", "PROGRAMME_MATCHED"),
    ),
    (
        "0014",
        (
            "INVESTMENT_COMMITMENT_CHANGED", "INVESTMENT_ASK_CLOSED", "PANEL_NOMINATED",
            "PANEL_CANDIDACY_RECEIVED", "PANEL_APPOINTED", "PANEL_MEMBERSHIP_ENDED",
        ),
    ),
    (
        "0015",
        (
            "PROJECT_TEAM_INVITED", "PROPOSAL_SUBMITTED", "PROPOSAL_REVIEWED",
            "PROJECT_MILESTONE_ADDED", "PROJECT_DELIVERABLE_SUBMITTED", "PROJECT_ASSESSED",
        ),
    ),
    (
        "0016",
        (
            "RFP_INVITATION", "RFP_CLOSED", "PROPOSAL_AWARDED", "PROPOSAL_NOT_AWARDED",
            "CONTRACT_MILESTONE_SUBMITTED", "CONTRACT_MILESTONE_ACCEPTED",
            "CONTRACT_MILESTONE_REWORK", "CONTRACT_REVIEWED",
        ),
    ),
    ("0018", ("HALL_OF_FAME_INDUCTED", "HALL_OF_FAME_DECIDED")),
)  # fmt: skip
"""The kinds each later revision adds, in revision order."""


def kinds_after(revision: str) -> tuple[str, ...]:
    """Every kind allowed once `revision` (zero-padded, e.g. "0014") has run."""
    kinds: tuple[str, ...] = KINDS_0012
    for added_by, added in ADDED:
        if added_by <= revision:
            kinds += added
    return kinds


def quoted(kinds: tuple[str, ...]) -> str:
    """The kinds as an SQL list: 'A', 'B', ..."""
    return ", ".join(f"'{kind}'" for kind in kinds)


KIND_TABLES = ("notifications", "notification_preferences")
"""The tables whose `kind` column the checks hold."""


def set_kinds(kinds: tuple[str, ...]) -> None:
    """Replace both tables' kind checks with `kinds` (rows of other kinds deleted first)."""
    from alembic import op

    listed = quoted(kinds)
    for table in KIND_TABLES:
        op.execute(f"DELETE FROM {table} WHERE kind NOT IN ({listed})")
        op.drop_constraint(op.f(f"ck_{table}_kind_known"), table, type_="check")
        op.create_check_constraint(op.f(f"ck_{table}_kind_known"), table, f"kind IN ({listed})")

"""Contribution mutations: opportunities, applications and engagement transitions.

Each is `<entity><Verb>(input:)`, runs its service in one transaction (graph.resolvers.mutation)
and returns the changed object with `userErrors`.
"""

from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from typing import Annotated, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.enums import Discipline, EngagementKind, OpportunityVisibility, SkillLevel
from graph.auth.permissions import require_scope, requires
from graph.auth.scopes import Scope
from graph.context import Info
from graph.resolvers.mutation import decode, run
from graph.services import application as applications
from graph.services import engagement as engagements
from graph.services import opportunity as opportunities
from graph.services.application import ApplicationErrorCode
from graph.services.engagement import EngagementErrorCode
from graph.services.opportunity import OpportunityErrorCode
from graph.services.problems import Rejected, reject
from graph.types.engagement import Engagement
from graph.types.opportunity import Application, Opportunity

RowT = TypeVar("RowT")


@strawberry.type(description="Why an opportunity mutation was refused.")
class OpportunityUserError:
    """An expected failure, tied to the input field that caused it."""

    field: list[str] | None = strawberry.field(description="Path to the offending input field.")
    code: OpportunityErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation.")


@strawberry.type(description="Why an application mutation was refused.")
class ApplicationUserError:
    """An expected failure, tied to the input field that caused it."""

    field: list[str] | None = strawberry.field(description="Path to the offending input field.")
    code: ApplicationErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation.")


@strawberry.type(description="Why an engagement mutation was refused.")
class EngagementUserError:
    """An expected failure, tied to the input field that caused it."""

    field: list[str] | None = strawberry.field(description="Path to the offending input field.")
    code: EngagementErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation.")


@strawberry.type(description="Result of a mutation that changes an opportunity.")
class OpportunityPayload:
    """The opportunity as it is now, or why nothing changed."""

    opportunity: Opportunity | None = strawberry.field(
        description="The opportunity after the change; null when refused."
    )
    user_errors: list[OpportunityUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of a mutation that changes an application.")
class ApplicationPayload:
    """The application as it is now (and the engagement an accept created), or why not."""

    application: Application | None = strawberry.field(
        description="The application after the change; null when refused."
    )
    engagement: Engagement | None = strawberry.field(
        description="The engagement created by `applicationAccept`; null otherwise."
    )
    user_errors: list[ApplicationUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of a mutation that changes an engagement.")
class EngagementPayload:
    """The engagement as it is now, or why nothing changed."""

    engagement: Engagement | None = strawberry.field(
        description="The engagement after the change; null when refused."
    )
    user_errors: list[EngagementUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.input(description="A skill an opportunity wants, at a minimum level.")
class OpportunitySkillInput:
    """Skill and level."""

    skill: strawberry.ID = strawberry.field(description="ID of the skill.")
    minimum_level: SkillLevel = strawberry.field(description="The lowest level that counts.")


@strawberry.input(description="A new opportunity (created as a DRAFT).")
class OpportunityCreateInput:
    """What the seeker asks for."""

    kind: EngagementKind = strawberry.field(description="The kind of contribution wanted.")
    title: str = strawberry.field(description="Short statement of the need, 3–200 characters.")
    description: str = strawberry.field(default="", description="The need in full.")
    hours_per_month: int = strawberry.field(description="Effort, 1–200 hours per month.")
    duration_months: int = strawberry.field(description="Duration, 1–60 months.")
    institution: strawberry.ID | None = strawberry.field(
        default=None, description="Post on behalf of this institution (its staff or client)."
    )
    sectors: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="IDs of the sectors it is in."
    )
    skills: list[OpportunitySkillInput] = strawberry.field(
        default_factory=list, description="Skills wanted, each with a minimum level."
    )
    disciplines: list[Discipline] = strawberry.field(
        default_factory=list, description="Engineering disciplines wanted."
    )
    languages: list[str] = strawberry.field(
        default_factory=list, description="Languages the work happens in (ISO 639-1)."
    )
    timezone_window_start: int = strawberry.field(
        default=0, description="First UTC hour the seeker can meet (0–23)."
    )
    timezone_window_end: int = strawberry.field(
        default=24, description="UTC hour the meeting window ends (exclusive, 1–24)."
    )
    remote: bool = strawberry.field(default=True, description="Can be done remotely.")
    country_code: str | None = strawberry.field(default=None, description="Country, on site.")
    city: str | None = strawberry.field(default=None, description="City, when on site.")
    deadline: datetime | None = strawberry.field(
        default=None, description="When applications close (must be in the future)."
    )
    visibility: OpportunityVisibility = strawberry.field(
        default=OpportunityVisibility.PUBLIC, description="Who may see it."
    )
    chapters: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Chapters whose members see a CHAPTER opportunity."
    )


@strawberry.input(description="One opportunity to act on.")
class OpportunityInput:
    """The opportunity."""

    opportunity: strawberry.ID = strawberry.field(description="ID of the opportunity.")


@strawberry.input(description="A consultancy proposal.")
class ProposalInput:
    """Price, currency, timeline and approach."""

    price: str = strawberry.field(description='Price asked, as a decimal string ("1500.00").')
    currency: str = strawberry.field(description="ISO 4217 currency code, e.g. USD.")
    timeline: str = strawberry.field(description="When the work will be delivered.")
    approach: str = strawberry.field(description="How the work will be done.")


@strawberry.input(description="An application to an opportunity.")
class ApplicationSubmitInput:
    """Opportunity, message and (for consultancy) the proposal."""

    opportunity: strawberry.ID = strawberry.field(description="ID of an open opportunity.")
    message: str = strawberry.field(description="Why you, 1–5,000 characters.")
    proposal: ProposalInput | None = strawberry.field(
        default=None, description="Required for CONSULTANCY opportunities, refused otherwise."
    )


@strawberry.input(description="One application to act on.")
class ApplicationInput:
    """The application."""

    application: strawberry.ID = strawberry.field(description="ID of the application.")


@strawberry.input(description="An application to decline, with the reason.")
class ApplicationDeclineInput:
    """The application and the reason."""

    application: strawberry.ID = strawberry.field(description="ID of the application.")
    reason: str = strawberry.field(description="Why, 1–1,000 characters (the applicant sees it).")


@strawberry.input(description="One engagement to move along its lifecycle.")
class EngagementInput:
    """The engagement."""

    engagement: strawberry.ID = strawberry.field(description="ID of the engagement.")


@strawberry.input(description="An engagement to act on, with the reason.")
class EngagementReasonInput:
    """The engagement and the reason."""

    engagement: strawberry.ID = strawberry.field(description="ID of the engagement.")
    reason: str = strawberry.field(description="Why (cancellation reason, problem, resolution).")


def _field(problem_field: tuple[str, ...]) -> list[str] | None:
    return ["input", *problem_field] if problem_field else None


def _opportunity_payload(result: models.Opportunity | Rejected) -> OpportunityPayload:
    if isinstance(result, Rejected):
        errors = [
            OpportunityUserError(
                field=_field(p.field), code=OpportunityErrorCode(p.code.value), message=p.message
            )
            for p in result.problems
        ]
        return OpportunityPayload(opportunity=None, user_errors=errors)
    return OpportunityPayload(opportunity=Opportunity.from_model(result), user_errors=[])


def _application_payload(
    result: tuple[models.Application, models.Engagement | None] | Rejected,
) -> ApplicationPayload:
    if isinstance(result, Rejected):
        errors = [
            ApplicationUserError(
                field=_field(p.field), code=ApplicationErrorCode(p.code.value), message=p.message
            )
            for p in result.problems
        ]
        return ApplicationPayload(application=None, engagement=None, user_errors=errors)
    application, engagement = result
    return ApplicationPayload(
        application=Application.from_model(application),
        engagement=Engagement.from_model(engagement) if engagement is not None else None,
        user_errors=[],
    )


def _engagement_payload(result: models.Engagement | Rejected) -> EngagementPayload:
    if isinstance(result, Rejected):
        errors = [
            EngagementUserError(
                field=_field(p.field), code=EngagementErrorCode(p.code.value), message=p.message
            )
            for p in result.problems
        ]
        return EngagementPayload(engagement=None, user_errors=errors)
    return EngagementPayload(engagement=Engagement.from_model(result), user_errors=[])


OPPORTUNITY_CREATE = (
    "Post an opportunity as a DRAFT, for yourself or on an institution's behalf."
    + requires(Scope.OPPORTUNITIES_WRITE)
)


async def opportunity_create(
    info: Info,
    input: Annotated[OpportunityCreateInput, strawberry.argument(description="The need.")],
) -> OpportunityPayload:
    """opportunityCreate."""
    viewer = info.context.viewer
    require_scope(viewer, Scope.OPPORTUNITIES_WRITE)
    code = OpportunityErrorCode.NOT_FOUND

    async def work(session: AsyncSession) -> models.Opportunity:
        draft = opportunities.OpportunityDraft(
            kind=input.kind,
            title=input.title,
            description=input.description,
            hours_per_month=input.hours_per_month,
            duration_months=input.duration_months,
            sector_ids=[decode(s, "Sector", code, "input", "sectors") for s in input.sectors],
            skills=[
                (decode(s.skill, "Skill", code, "input", "skills"), s.minimum_level)
                for s in input.skills
            ],
            disciplines=input.disciplines,
            timezone_window=(input.timezone_window_start, input.timezone_window_end),
            languages=input.languages,
            remote=input.remote,
            country_code=input.country_code,
            city=input.city,
            deadline=input.deadline,
            visibility=input.visibility,
            chapter_ids=[decode(c, "Chapter", code, "input", "chapters") for c in input.chapters],
        )
        institution_id = (
            decode(input.institution, "Institution", code, "input", "institution")
            if input.institution is not None
            else None
        )
        return await opportunities.create(session, viewer, draft, institution_id=institution_id)

    return _opportunity_payload(await run(info, work))


def _opportunity_transition(action: str) -> Callable[..., Awaitable[OpportunityPayload]]:
    async def resolve(
        info: Info,
        input: Annotated[OpportunityInput, strawberry.argument(description="The opportunity.")],
    ) -> OpportunityPayload:
        require_scope(info.context.viewer, Scope.OPPORTUNITIES_WRITE)

        async def work(session: AsyncSession) -> models.Opportunity:
            key = decode(
                input.opportunity, "Opportunity", OpportunityErrorCode.NOT_FOUND, "input", "id"
            )
            return await opportunities.transition(session, info.context.viewer, key, action)

        return _opportunity_payload(await run(info, work))

    return resolve


opportunity_publish = _opportunity_transition("publish")
opportunity_close = _opportunity_transition("close")
opportunity_reopen = _opportunity_transition("reopen")
OPPORTUNITY_TRANSITION = "; the seeker side only." + requires(Scope.OPPORTUNITIES_WRITE)

APPLICATION_SUBMIT = (
    "Apply to an open opportunity you may see and whose kind you offer (a proposal for "
    "CONSULTANCY); the seeker side is notified." + requires(Scope.ENGAGEMENTS_WRITE)
)


async def application_submit(
    info: Info,
    input: Annotated[ApplicationSubmitInput, strawberry.argument(description="The application.")],
) -> ApplicationPayload:
    """applicationSubmit."""
    viewer = info.context.viewer
    require_scope(viewer, Scope.ENGAGEMENTS_WRITE)

    async def work(session: AsyncSession) -> tuple[models.Application, None]:
        key = decode(
            input.opportunity,
            "Opportunity",
            ApplicationErrorCode.NOT_FOUND,
            "input",
            "opportunity",
        )
        proposal = (
            applications.Proposal(
                _price(input.proposal.price),
                input.proposal.currency,
                input.proposal.timeline,
                input.proposal.approach,
            )
            if input.proposal is not None
            else None
        )
        return await applications.apply(session, viewer, key, input.message, proposal), None

    return _application_payload(await run(info, work))


def _price(value: str) -> Decimal:
    """A decimal string as a Decimal; INVALID_PROPOSAL when it is not one."""
    try:
        price = Decimal(value)
    except ArithmeticError:
        price = Decimal("NaN")
    if not price.is_finite():
        raise reject(
            ApplicationErrorCode.INVALID_PROPOSAL,
            "The price is a decimal number.",
            "input",
            "proposal",
            "price",
        )
    return price


def _application_key(value: str) -> int:
    return decode(value, "Application", ApplicationErrorCode.NOT_FOUND, "input", "application")


def _application_action(
    act: Callable[
        [AsyncSession, Info, int], Awaitable[tuple[models.Application, models.Engagement | None]]
    ],
) -> Callable[..., Awaitable[ApplicationPayload]]:
    async def resolve(
        info: Info,
        input: Annotated[ApplicationInput, strawberry.argument(description="The application.")],
    ) -> ApplicationPayload:
        require_scope(info.context.viewer, Scope.ENGAGEMENTS_WRITE)

        async def work(
            session: AsyncSession,
        ) -> tuple[models.Application, models.Engagement | None]:
            return await act(session, info, _application_key(input.application))

        return _application_payload(await run(info, work))

    return resolve


async def _accept(
    session: AsyncSession, info: Info, key: int
) -> tuple[models.Application, models.Engagement | None]:
    return await applications.accept(session, info.context.viewer, key)


def _simple(
    verb: Callable[[AsyncSession, object, int], Awaitable[models.Application]],
) -> Callable[[AsyncSession, Info, int], Awaitable[tuple[models.Application, None]]]:
    async def act(session: AsyncSession, info: Info, key: int) -> tuple[models.Application, None]:
        return await verb(session, info.context.viewer, key), None

    return act


application_accept = _application_action(_accept)
application_shortlist = _application_action(_simple(applications.shortlist))  # type: ignore[arg-type]
application_withdraw = _application_action(_simple(applications.withdraw))  # type: ignore[arg-type]
application_reopen = _application_action(_simple(applications.reopen))  # type: ignore[arg-type]
APPLICATION_ACCEPT = (
    "Accept an application (the seeker side): a PROPOSED engagement is created within the "
    "contributor's capacity, or CAPACITY_EXCEEDED." + requires(Scope.ENGAGEMENTS_WRITE)
)
APPLICATION_SHORTLIST = "Shortlist an application (the seeker side)." + requires(
    Scope.ENGAGEMENTS_WRITE
)
APPLICATION_WITHDRAW = "Withdraw your application." + requires(Scope.ENGAGEMENTS_WRITE)
APPLICATION_REOPEN = "Reopen your withdrawn application while the opportunity is open." + (
    requires(Scope.ENGAGEMENTS_WRITE)
)
APPLICATION_DECLINE = "Decline an application with a reason (the seeker side)." + requires(
    Scope.ENGAGEMENTS_WRITE
)


async def application_decline(
    info: Info,
    input: Annotated[
        ApplicationDeclineInput, strawberry.argument(description="The application and reason.")
    ],
) -> ApplicationPayload:
    """applicationDecline."""
    require_scope(info.context.viewer, Scope.ENGAGEMENTS_WRITE)

    async def work(session: AsyncSession) -> tuple[models.Application, None]:
        key = _application_key(input.application)
        return await applications.decline(session, info.context.viewer, key, input.reason), None

    return _application_payload(await run(info, work))


def _engagement_transition(
    action: str, *, reason: bool
) -> Callable[..., Awaitable[EngagementPayload]]:
    async def work_for(info: Info, engagement: str, text: str | None) -> EngagementPayload:
        require_scope(info.context.viewer, Scope.ENGAGEMENTS_WRITE)

        async def work(session: AsyncSession) -> models.Engagement:
            key = decode(engagement, "Engagement", EngagementErrorCode.NOT_FOUND, "input", "id")
            return await engagements.transition(
                session,
                info.context.viewer,
                key,
                action,
                reason=text,
                request_id=info.context.request_id,
            )

        return _engagement_payload(await run(info, work))

    if reason:

        async def with_reason(
            info: Info,
            input: Annotated[
                EngagementReasonInput, strawberry.argument(description="Engagement and reason.")
            ],
        ) -> EngagementPayload:
            return await work_for(info, input.engagement, input.reason)

        return with_reason

    async def plain(
        info: Info,
        input: Annotated[EngagementInput, strawberry.argument(description="The engagement.")],
    ) -> EngagementPayload:
        return await work_for(info, input.engagement, None)

    return plain


engagement_start = _engagement_transition("start", reason=False)
engagement_decline = _engagement_transition("decline", reason=False)
engagement_complete = _engagement_transition("complete", reason=False)
engagement_cancel = _engagement_transition("cancel", reason=True)
engagement_report_problem = _engagement_transition("reportProblem", reason=True)
engagement_resolve_problem = _engagement_transition("resolveProblem", reason=True)
ENGAGEMENT_SCOPE = requires(Scope.ENGAGEMENTS_WRITE)
ENGAGEMENT_DESCRIPTIONS = {
    "start": "Start a PROPOSED engagement (the contributor).",
    "decline": "Decline a PROPOSED engagement (the contributor).",
    "complete": "Complete an ACTIVE engagement (the seeker side); feedback becomes due.",
    "cancel": "Cancel with a reason (a party, or a council admin: audited).",
    "reportProblem": "Report a problem (a party): the engagement pauses; council admins hear.",
    "resolveProblem": "Resolve the open problem (council admins; audited): the engagement resumes.",
}

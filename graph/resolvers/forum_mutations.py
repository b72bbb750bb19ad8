"""Forum mutations: threads, replies, votes, accepted answers, reports and moderation."""

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from db import models
from db.enums import ForumReportStatus
from graph.auth.permissions import requires
from graph.auth.scopes import Scope
from graph.context import Info
from graph.errors import BadUserInput
from graph.ids import decode_id
from graph.resolvers.mutation import Answers, decode, run_checked
from graph.services import forum_moderation as moderation
from graph.services import forum_writing as service
from graph.services.forum_moderation import ModerationAction
from graph.services.forum_writing import ForumErrorCode
from graph.services.problems import Rejected, reject
from graph.types.forum import ForumPost, ForumThread
from graph.types.forum_report import ForumReport


@strawberry.type(description="Why a forum mutation was refused.")
class ForumUserError:
    """An expected failure, tied to the input field that caused it."""

    field: list[str] | None = strawberry.field(description="Path to the offending input field.")
    code: ForumErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation.")


ANSWERS = Answers(ForumUserError, ForumErrorCode, under=())


@strawberry.type(description="Result of a mutation that changes a thread.")
class ForumThreadPayload:
    """The thread as it is now, or why nothing changed."""

    thread: ForumThread | None = strawberry.field(
        description="The thread after the change; null when refused."
    )
    user_errors: list[ForumUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of a mutation that changes a reply.")
class ForumPostPayload:
    """The reply as it is now, or why nothing changed."""

    post: ForumPost | None = strawberry.field(
        description="The reply after the change; null when refused."
    )
    user_errors: list[ForumUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of a mutation that files or settles a report.")
class ForumReportPayload:
    """The report as it is now, or why nothing changed."""

    report: ForumReport | None = strawberry.field(
        description="The report after the change; null when refused."
    )
    user_errors: list[ForumUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of a moderation action on a thread or reply.")
class ForumModeratePayload:
    """The moderated thread or reply, or why nothing changed."""

    thread: ForumThread | None = strawberry.field(
        description="The thread after the change; null when a reply was moderated or refused."
    )
    post: ForumPost | None = strawberry.field(
        description="The reply after the change; null when a thread was moderated or refused."
    )
    user_errors: list[ForumUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.input(description="A new thread.")
class ForumThreadCreateInput:
    """Category, title, body and tags."""

    category: strawberry.ID = strawberry.field(description="ID of the category to post in.")
    title: str = strawberry.field(description="The question or subject, 3–200 characters.")
    body: str = strawberry.field(description="The opening text, 1–20,000 characters.")
    tags: list[str] | None = strawberry.field(
        default=None,
        description="Up to five lower-case tags (words joined by hyphens, 32 characters each).",
    )


@strawberry.input(description="A reply to a thread.")
class ForumPostCreateInput:
    """Thread and body."""

    thread: strawberry.ID = strawberry.field(description="ID of the thread to reply to.")
    body: str = strawberry.field(description="The reply, 1–20,000 characters.")


@strawberry.input(description="A new body for one of your replies.")
class ForumPostEditInput:
    """Post and body."""

    post: strawberry.ID = strawberry.field(description="ID of your reply.")
    body: str = strawberry.field(description="The new text, 1–20,000 characters.")


@strawberry.input(description="A vote on a reply.")
class ForumPostVoteInput:
    """Post and value."""

    post: strawberry.ID = strawberry.field(description="ID of the reply.")
    value: int = strawberry.field(description="1 (up), -1 (down) or 0 (take your vote back).")


@strawberry.input(description="The accepted answer of one of your threads.")
class ForumThreadAcceptAnswerInput:
    """Thread and post."""

    thread: strawberry.ID = strawberry.field(description="ID of your thread.")
    post: strawberry.ID | None = strawberry.field(
        default=None, description="ID of a visible reply in it; null clears the accepted answer."
    )


@strawberry.input(description="A report to the moderators.")
class ForumReportInput:
    """Target and reason."""

    target: strawberry.ID = strawberry.field(description="ID of the thread or reply to report.")
    reason: str = strawberry.field(description="What is wrong, 1–500 characters.")


@strawberry.input(description="A moderation action.")
class ForumModerateInput:
    """Target and action."""

    target: strawberry.ID = strawberry.field(description="ID of the thread or reply.")
    action: ModerationAction = strawberry.field(
        description="HIDE/UNHIDE (threads and replies), LOCK/UNLOCK and PIN/UNPIN (threads)."
    )


@strawberry.input(description="How a moderator settles a report.")
class ForumReportResolveInput:
    """Report and outcome."""

    report: strawberry.ID = strawberry.field(description="ID of the open report.")
    status: ForumReportStatus = strawberry.field(
        description="RESOLVED (acted on it) or DISMISSED (nothing to act on)."
    )


def _thread_payload(result: models.ForumThread | Rejected) -> ForumThreadPayload:
    return ANSWERS.payload(ForumThreadPayload, result, thread=ForumThread.from_model)


def _post_payload(result: models.ForumPost | Rejected) -> ForumPostPayload:
    return ANSWERS.payload(ForumPostPayload, result, post=ForumPost.from_model)


def _report_payload(result: models.ForumReport | Rejected) -> ForumReportPayload:
    return ANSWERS.payload(ForumReportPayload, result, report=ForumReport.from_model)


NOT_A_TARGET = "Not the ID of a thread or reply."


def _target(global_id: str) -> tuple[int | None, int | None]:
    """(thread key, post key) of a thread or reply ID; NOT_FOUND for anything else."""
    try:
        decoded = decode_id(global_id)
    except BadUserInput:
        raise reject(ForumErrorCode.NOT_FOUND, NOT_A_TARGET, "input", "target") from None
    if decoded.type_name == "ForumThread":
        return decoded.key, None
    if decoded.type_name == "ForumPost":
        return None, decoded.key
    raise reject(ForumErrorCode.NOT_FOUND, NOT_A_TARGET, "input", "target")


THREAD_CREATE = (
    "Start a thread. Chapter categories take threads from the chapter's active members only."
    + requires(Scope.FORUM_WRITE)
)
POST_CREATE = (
    "Reply to a thread; refused on locked threads (except for their moderators)."
    + requires(Scope.FORUM_WRITE)
)
POST_EDIT = "Edit one of your replies (not in locked threads)." + requires(Scope.FORUM_WRITE)
POST_VOTE = "Vote on someone else's reply: 1, -1, or 0 to take the vote back." + requires(
    Scope.FORUM_WRITE
)
ACCEPT_ANSWER = "Mark a reply as the answer to your thread (or clear it)." + requires(
    Scope.FORUM_WRITE
)
REPORT = "Report a thread or reply to its moderators (once while your report is open)." + requires(
    Scope.FORUM_WRITE
)
MODERATE = (
    "Hide or unhide a thread or reply, lock or pin a thread; audited. Council admins alone "
    "moderate global and sector categories." + requires(Scope.FORUM_MODERATE, chapter=True)
)
REPORT_RESOLVE = "Settle an open report as resolved or dismissed; audited." + requires(
    Scope.FORUM_MODERATE, chapter=True
)


async def forum_thread_create(
    info: Info,
    input: Annotated[ForumThreadCreateInput, strawberry.argument(description="The thread.")],
) -> ForumThreadPayload:
    """forumThreadCreate."""
    async def work(session: AsyncSession) -> models.ForumThread:
        key = decode(input.category, "ForumCategory", ForumErrorCode.NOT_FOUND, "input", "category")
        return await service.create_thread(
            session,
            info.context.viewer,
            key,
            title=input.title,
            body=input.body,
            tags=input.tags,
        )

    return _thread_payload(await run_checked(info, work, engineer=True))


async def forum_post_create(
    info: Info,
    input: Annotated[ForumPostCreateInput, strawberry.argument(description="The reply.")],
) -> ForumPostPayload:
    """forumPostCreate."""
    async def work(session: AsyncSession) -> models.ForumPost:
        key = decode(input.thread, "ForumThread", ForumErrorCode.NOT_FOUND, "input", "thread")
        return await service.create_post(session, info.context.viewer, key, body=input.body)

    return _post_payload(await run_checked(info, work, engineer=True))


async def forum_post_edit(
    info: Info,
    input: Annotated[ForumPostEditInput, strawberry.argument(description="Reply and text.")],
) -> ForumPostPayload:
    """forumPostEdit."""
    async def work(session: AsyncSession) -> models.ForumPost:
        key = decode(input.post, "ForumPost", ForumErrorCode.NOT_FOUND, "input", "post")
        return await service.edit_post(session, info.context.viewer, key, body=input.body)

    return _post_payload(await run_checked(info, work, engineer=True))


async def forum_post_vote(
    info: Info,
    input: Annotated[ForumPostVoteInput, strawberry.argument(description="Reply and vote.")],
) -> ForumPostPayload:
    """forumPostVote."""
    async def work(session: AsyncSession) -> models.ForumPost:
        key = decode(input.post, "ForumPost", ForumErrorCode.NOT_FOUND, "input", "post")
        return await service.vote(session, info.context.viewer, key, input.value)

    return _post_payload(await run_checked(info, work, engineer=True))


async def forum_thread_accept_answer(
    info: Info,
    input: Annotated[
        ForumThreadAcceptAnswerInput, strawberry.argument(description="Thread and reply.")
    ],
) -> ForumThreadPayload:
    """forumThreadAcceptAnswer."""
    async def work(session: AsyncSession) -> models.ForumThread:
        key = decode(input.thread, "ForumThread", ForumErrorCode.NOT_FOUND, "input", "thread")
        post_key = (
            decode(input.post, "ForumPost", ForumErrorCode.NOT_IN_THREAD, "input", "post")
            if input.post is not None
            else None
        )
        return await service.accept_answer(session, info.context.viewer, key, post_key)

    return _thread_payload(await run_checked(info, work, engineer=True))


async def forum_report(
    info: Info,
    input: Annotated[ForumReportInput, strawberry.argument(description="Target and reason.")],
) -> ForumReportPayload:
    """forumReport."""
    async def work(session: AsyncSession) -> models.ForumReport:
        thread_key, post_key = _target(input.target)
        return await service.report(
            session,
            info.context.viewer,
            thread_id=thread_key,
            post_id=post_key,
            reason=input.reason,
        )

    return _report_payload(await run_checked(info, work, engineer=True))


async def forum_moderate(
    info: Info,
    input: Annotated[ForumModerateInput, strawberry.argument(description="Target and action.")],
) -> ForumModeratePayload:
    """forumModerate."""
    async def work(session: AsyncSession) -> models.ForumThread | models.ForumPost:
        thread_key, post_key = _target(input.target)
        return await moderation.moderate(
            session,
            info.context.viewer,
            thread_id=thread_key,
            post_id=post_key,
            action=input.action,
            request_id=info.context.request_id,
        )

    result = await run_checked(info, work, engineer=True)
    if isinstance(result, Rejected):
        return ForumModeratePayload(thread=None, post=None, user_errors=ANSWERS.errors(result))
    if isinstance(result, models.ForumThread):
        return ForumModeratePayload(
            thread=ForumThread.from_model(result), post=None, user_errors=[]
        )
    return ForumModeratePayload(thread=None, post=ForumPost.from_model(result), user_errors=[])


async def forum_report_resolve(
    info: Info,
    input: Annotated[ForumReportResolveInput, strawberry.argument(description="The outcome.")],
) -> ForumReportPayload:
    """forumReportResolve."""
    async def work(session: AsyncSession) -> models.ForumReport:
        key = decode(input.report, "ForumReport", ForumErrorCode.NOT_FOUND, "input", "report")
        return await moderation.resolve_report(
            session, info.context.viewer, key, input.status, info.context.request_id
        )

    return _report_payload(await run_checked(info, work, engineer=True))

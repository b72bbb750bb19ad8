"""Account mutations for people who are not signed in: sign up, verify email, reset password."""

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Account
from db.models import Engineer as EngineerRow
from graph.context import Info
from graph.resolvers.mutation import Answers, run
from graph.services import account as service
from graph.services.account import AccountErrorCode
from graph.services.problems import Rejected
from graph.types.engineer import Engineer


@strawberry.type(description="Why an account mutation was refused.")
class AccountUserError:
    """An expected failure, tied to the input field that caused it."""

    field: list[str] | None = strawberry.field(description="Path to the offending input field.")
    code: AccountErrorCode = strawberry.field(description="Machine-readable reason.")
    message: str = strawberry.field(description="Human-readable explanation.")


ANSWERS = Answers(AccountUserError, AccountErrorCode)


@strawberry.input(description="A new engineer's account and the start of their profile.")
class AccountSignUpInput:
    """Sign-up details."""

    email: str = strawberry.field(
        description="Email to sign in with; a link to confirm it is mailed."
    )
    password: str = strawberry.field(description="At least 12 characters.")
    handle: str = strawberry.field(
        description="Public handle: lower-case letters, digits, hyphens."
    )
    name: str = strawberry.field(description="Full name.")
    country_code: str = strawberry.field(description="ISO 3166-1 alpha-2 country of residence.")
    city: str = strawberry.field(description="City of residence.")
    is_overseas: bool = strawberry.field(description="True when living abroad.")


@strawberry.input(description="The token from the confirmation mail.")
class AccountVerifyEmailInput:
    """A mailed token."""

    token: str = strawberry.field(description="Single-use token from the mail (valid 24 hours).")


@strawberry.input(description="Where to mail a password-reset token.")
class AccountRequestPasswordResetInput:
    """An email."""

    email: str = strawberry.field(description="The account's email.")


@strawberry.input(description="A new password, proven by the mailed reset token.")
class AccountResetPasswordInput:
    """A token and a password."""

    token: str = strawberry.field(description="Single-use token from the mail (valid 1 hour).")
    password: str = strawberry.field(description="The new password, at least 12 characters.")


@strawberry.type(description="Result of signing up.")
class AccountSignUpPayload:
    """The new engineer, or why nothing was created."""

    engineer: Engineer | None = strawberry.field(
        description="The new engineer (sign in once the email is confirmed); null when refused."
    )
    user_errors: list[AccountUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


@strawberry.type(description="Result of an account mutation that returns no object.")
class AccountPayload:
    """Success flag and userErrors."""

    ok: bool = strawberry.field(description="True when the request was carried out.")
    user_errors: list[AccountUserError] = strawberry.field(
        description="Why the mutation was refused; empty on success."
    )


SIGN_UP = (
    "Open an account: creates the engineer's profile and mails a confirmation token. "
    "No token needed."
)
VERIFY_EMAIL = "Confirm an account's email with the mailed single-use token. No token needed."
REQUEST_RESET = (
    "Mail a password-reset token if an account uses this email. Always answers ok, so that it "
    "cannot reveal who has an account. No token needed."
)
RESET = (
    "Set a new password with the mailed single-use token; signs the engineer out of every app "
    "(refresh tokens are revoked). No token needed."
)


async def account_sign_up(
    info: Info, input: Annotated[AccountSignUpInput, strawberry.argument(description="Details.")]
) -> AccountSignUpPayload:
    """accountSignUp."""
    form = service.SignUp(
        email=input.email,
        password=input.password,
        handle=input.handle,
        name=input.name,
        country_code=input.country_code,
        city=input.city,
        is_overseas=input.is_overseas,
    )

    async def work(session: AsyncSession) -> EngineerRow:
        account = await service.sign_up(session, form, info.context.site)
        return await session.get_one(EngineerRow, account.engineer_id)

    result = await run(info, work)
    return ANSWERS.payload(AccountSignUpPayload, result, engineer=Engineer.from_model)


def _ok(result: object) -> AccountPayload:
    if isinstance(result, Rejected):
        return AccountPayload(ok=False, user_errors=ANSWERS.errors(result))
    return AccountPayload(ok=True, user_errors=[])


async def account_verify_email(
    info: Info,
    input: Annotated[AccountVerifyEmailInput, strawberry.argument(description="The token.")],
) -> AccountPayload:
    """accountVerifyEmail."""

    async def work(session: AsyncSession) -> Account:
        return await service.verify_email(session, input.token)

    return _ok(await run(info, work))


async def account_request_password_reset(
    info: Info,
    input: Annotated[AccountRequestPasswordResetInput, strawberry.argument(description="Email.")],
) -> AccountPayload:
    """accountRequestPasswordReset."""

    async def work(session: AsyncSession) -> None:
        await service.request_password_reset(session, input.email, info.context.site)

    return _ok(await run(info, work))


async def account_reset_password(
    info: Info,
    input: Annotated[
        AccountResetPasswordInput, strawberry.argument(description="Token, password.")
    ],
) -> AccountPayload:
    """accountResetPassword."""

    async def work(session: AsyncSession) -> Account:
        return await service.reset_password(session, input.token, input.password)

    return _ok(await run(info, work))

"""Fuzz the live server with schemathesis's GraphQL mode; collect every bad answer."""

from typing import Any

import requests
import schemathesis.graphql
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from graph.errors import ErrorCode

CODES = {code.value for code in ErrorCode}
LEAKS = ("Traceback", "sqlalchemy", "asyncpg", "SELECT ", "psycopg", 'File "')


def problem_with(response: requests.Response) -> str | None:
    """Why a response is unacceptable: a 5xx, a body that is not JSON, or an unmasked error."""
    if response.status_code >= 500:
        return f"HTTP {response.status_code}"
    try:
        body: Any = response.json()
    except ValueError:
        return "body is not JSON"
    for error in body.get("errors") or ():
        code = (error.get("extensions") or {}).get("code")
        if code not in CODES:
            return f"error without a documented code: {error}"
        if code == ErrorCode.INTERNAL.value:
            return f"internal error: {error}"
    text = response.text
    leak = next((marker for marker in LEAKS if marker in text), None)
    return f"leaks {leak!r}: {text[:300]}" if leak else None


def fuzz(base_url: str, examples_per_operation: int, derandomize: bool = True) -> list[str]:
    """Run `examples_per_operation` generated queries per root field; return the failures."""
    schema = schemathesis.graphql.from_url(f"{base_url}/graphql")
    session = requests.Session()
    failures: list[str] = []
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # a schema that loaded has no Err

        @given(case=operation.as_strategy(), _=st.just(None))
        @settings(
            max_examples=examples_per_operation,
            deadline=None,
            database=None,
            derandomize=derandomize,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any, _: None) -> None:
            nonlocal calls
            calls += 1
            response = case.call(session=session)
            problem = problem_with(response)
            if problem is not None:
                failures.append(f"{case.operation.label}: {problem}\n{case.body}")

        check()
    if calls == 0:
        failures.append("no case was generated")
    return failures

"""Fuzz the live server: schemathesis's valid documents, and hostile requests with their codes."""

import json
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

import requests
import schemathesis.graphql
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from graph.errors import ErrorCode
from tests.support.adversarial import FAMILIES, Attack

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


def attack_problem(attack: Attack, response: requests.Response) -> str | None:
    """Why the answer to a hostile request is wrong: a 5xx, a leak, no error, or another code."""
    problem = problem_with(response)
    if problem is not None:
        return problem
    codes = [
        (error.get("extensions") or {}).get("code") for error in response.json().get("errors") or ()
    ]
    if not codes:
        return f"HTTP {response.status_code} without an error"
    if set(codes) != {attack.code}:
        return f"codes {codes}, expected {attack.code}"
    if attack.code == ErrorCode.UNAUTHENTICATED.value and response.status_code != 401:
        return f"HTTP {response.status_code} for a bad token, expected 401"
    return None


def run_attacks(
    family: st.SearchStrategy[Attack],
    examples: int,
    send: Callable[[Attack], str | None],
) -> list[str]:
    """Send `examples` attacks drawn from `family`; return the failures `send` reports."""
    failures: list[str] = []

    @given(attack=family)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(attack: Attack) -> None:
        problem = send(attack)
        if problem is not None:
            failures.append(f"{attack.describe()}\n  -> {problem}")

    check()
    return failures


def attack_over_http(base_url: str, examples: int) -> list[str]:
    """Every adversarial family, `examples` each, POSTed to /graphql; the failures."""
    session = requests.Session()

    def send(attack: Attack) -> str | None:
        response = session.post(
            f"{base_url}/graphql", json=attack.body, headers=attack.headers, timeout=30
        )
        return attack_problem(attack, response)

    return [
        failure for family in FAMILIES.values() for failure in run_attacks(family, examples, send)
    ]


def _socket_problem(attack: Attack, socket: ClientConnection, number: int) -> str | None:
    socket.send(json.dumps({"id": str(number), "type": "subscribe", "payload": attack.body}))
    try:
        message = json.loads(socket.recv(timeout=30))
    except ConnectionClosed as closed:
        code = closed.rcvd.code if closed.rcvd else None
        if attack.closes_socket and code == 4400:
            return None
        return f"socket closed with {code}, expected an error with {attack.code}"
    if attack.closes_socket:
        return f"got {message}, expected the socket closed with 4400"
    if message["type"] == "error":
        errors = message["payload"]
    elif message["type"] == "next":
        errors = message["payload"].get("errors") or []
    else:
        return f"unexpected message {message}"
    codes = [(error.get("extensions") or {}).get("code") for error in errors]
    if set(codes) != {attack.code}:
        return f"codes {codes} over the socket, expected {attack.code}"
    if message["type"] == "next":
        socket.recv(timeout=30)  # the `complete` that follows a result
    return None


def attack_over_websocket(ws_url: str, examples: int) -> list[str]:
    """The adversarial families that fit a `subscribe`, over graphql-transport-ws; the failures."""
    with ExitStack() as sockets:
        state: dict[str, Any] = {"socket": None, "number": 0}

        def socket() -> ClientConnection:
            if state["socket"] is None:
                opened = sockets.enter_context(
                    connect(ws_url, subprotocols=[Subprotocol("graphql-transport-ws")])
                )
                opened.send(json.dumps({"type": "connection_init", "payload": {}}))
                assert json.loads(opened.recv(timeout=10))["type"] == "connection_ack"
                state["socket"] = opened
            opened_socket: ClientConnection = state["socket"]
            return opened_socket

        def send(attack: Attack) -> str | None:
            if not attack.over_websocket:
                return None
            state["number"] += 1
            current = socket()
            problem = _socket_problem(attack, current, state["number"])
            if attack.closes_socket:
                current.close()  # the server closed it (4400): the next attack opens another
                state["socket"] = None
            return problem

        return [
            failure
            for family in FAMILIES.values()
            for failure in run_attacks(family, examples, send)
        ]

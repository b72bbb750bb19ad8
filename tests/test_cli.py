"""The `braingain` command: schema export, chapter checks, and the one-command server."""

import asyncio
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import psutil
import pytest

from db.engine import DatabaseLocation, to_libpq_url
from graph.cli import main
from graph.cli.server import SERVING
from graph.federation import public_sdl
from graph.schema import schema


def test_schema_export_writes_the_sdl(tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"
    assert main(["schema", "export", "-o", str(target)]) == 0
    assert target.read_text() == public_sdl(schema.as_str()) + "\n"
    subgraph = tmp_path / "schema.federation.graphql"
    assert main(["schema", "export", "--federation", "-o", str(subgraph)]) == 0
    assert subgraph.read_text() == schema.as_str() + "\n"


def test_chapters_check_accepts_the_shipped_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chapters", "check"]) == 0
    assert "ok  gulf-uae" in capsys.readouterr().out


def test_chapters_check_rejects_a_typo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shipped = Path(__file__).resolve().parent.parent / "chapters_config" / "gulf-uae.toml"
    (tmp_path / "gulf-uae.toml").write_text(shipped.read_text().replace("timezone", "timezon", 1))
    monkeypatch.setenv("BRAINGAIN_CHAPTERS_DIR", str(tmp_path))
    assert main(["chapters", "check"]) == 1
    error = capsys.readouterr().err
    assert "gulf-uae.toml" in error
    assert "timezon" in error


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(data_dir: Path, port: int) -> subprocess.Popen[str]:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment["BRAINGAIN_DATA_DIR"] = str(data_dir)
    return subprocess.Popen(
        [sys.executable, "-m", "graph.cli", "serve", "--port", str(port), "--scale", "0.02"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _query(port: int, document: str) -> dict[str, object]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": document}).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(json.loads(response.read()))


def _wait_ready(process: subprocess.Popen[str], port: int) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("server did not come up")


def _postgres_running(data_dir: Path, grace_seconds: float = 10.0) -> bool:
    """Whether the embedded server of `data_dir` still runs once `grace_seconds` have passed
    (its processes exit a moment after the API returns)."""
    deadline = time.monotonic() + grace_seconds
    while True:
        running = any(
            str(data_dir) in " ".join(process.info["cmdline"] or [])
            for process in psutil.process_iter(["name", "cmdline"])
            if process.info["name"] == "postgres"
        )
        if not running or time.monotonic() > deadline:
            return running
        time.sleep(0.2)


def test_serve_starts_embedded_database_seeds_once_and_stops_on_sigterm(tmp_path: Path) -> None:
    # Given no DATABASE_URL, when the server starts for the first time
    port = _free_port()
    first = _start(tmp_path, port)
    try:
        _wait_ready(first, port)
        # Then it serves seeded demo data
        body = _query(
            port, "{ engineers(first: 1) { totalCount } chapters(first: 1) { totalCount } }"
        )
        data = body["data"]
        assert isinstance(data, dict)
        engineers = data["engineers"]["totalCount"]
        assert engineers >= 40
        assert data["chapters"]["totalCount"] >= 8
    finally:
        first.send_signal(signal.SIGTERM)
        output, _ = first.communicate(timeout=30)
    # And SIGTERM stops both the API and the embedded database
    assert first.returncode is not None
    assert _postgres_running(tmp_path) is False
    assert "seeded" in output
    # And every line it printed is a JSON log line with a UTC ISO 8601 time, but the one for
    # humans with the URL (README: "Logs")
    lines = output.splitlines()
    assert lines.count(f"{SERVING}http://127.0.0.1:{port}/graphql") == 1
    records = [json.loads(line) for line in lines if not line.startswith(SERVING)]
    for record in records:
        assert datetime.fromisoformat(record["time"]).utcoffset() == timedelta(0), record
    assert any("Uvicorn running on" in record["message"] for record in records)

    # When it starts again, it reuses the data instead of seeding twice
    second = _start(tmp_path, port)
    try:
        _wait_ready(second, port)
        data = _query(port, "{ engineers(first: 1) { totalCount } }")["data"]
        assert isinstance(data, dict)
        assert data["engineers"]["totalCount"] == engineers
    finally:
        second.send_signal(signal.SIGINT)
        output, _ = second.communicate(timeout=30)
    assert "nothing seeded" in output
    assert _postgres_running(tmp_path) is False


@pytest.fixture
def operator_database(database: DatabaseLocation, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A throwaway database beside the test database, named by DATABASE_URL: the CLI commits
    through its own engine, so it cannot share the rolled-back test transaction."""
    parts = urlsplit(to_libpq_url(database.url))  # the query may hold a socket path (embedded)
    throwaway = f"{parts.path.lstrip('/')}_cli"

    async def run(statement: str) -> None:
        connection = await asyncpg.connect(parts._replace(path="/postgres").geturl())
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run(f'DROP DATABASE IF EXISTS "{throwaway}" WITH (FORCE)'))
    asyncio.run(run(f'CREATE DATABASE "{throwaway}"'))
    url = parts._replace(path=f"/{throwaway}").geturl()
    monkeypatch.setenv("DATABASE_URL", url)
    yield url
    asyncio.run(run(f'DROP DATABASE IF EXISTS "{throwaway}" WITH (FORCE)'))


async def _write(url: str, *statements: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


async def _rows(url: str, query: str) -> list[tuple[Any, ...]]:
    connection = await asyncpg.connect(url)
    try:
        return [tuple(row) for row in await connection.fetch(query)]
    finally:
        await connection.close()


ENGINEER = (
    "INSERT INTO engineers (handle, name, email, country_code, city) "
    "VALUES ('{handle}', 'Test', '{handle}@example.org', 'PK', 'Lahore')"
)


def test_admins_grant_and_revoke(
    operator_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a migrated database with an engineer who has an account, and one who has none
    assert main(["db", "upgrade"]) == 0
    asyncio.run(
        _write(
            operator_database,
            ENGINEER.format(handle="chair"),
            "INSERT INTO accounts (engineer_id, email) "
            "SELECT id, email FROM engineers WHERE handle = 'chair'",
            ENGINEER.format(handle="no-account"),
        )
    )
    capsys.readouterr()

    # When the operator grants the admin role, to both, and to nobody
    granted = main(["admins", "grant", "--engineer", "chair"])
    granted_output = capsys.readouterr().out
    no_account = main(["admins", "grant", "--engineer", "no-account"])
    no_account_error = capsys.readouterr().err
    unknown = main(["admins", "grant", "--engineer", "ghost"])
    unknown_error = capsys.readouterr().err
    role = asyncio.run(_rows(operator_database, "SELECT global_role FROM accounts"))
    revoked = main(["admins", "revoke", "--engineer", "chair"])

    # Then only the account holder becomes admin, the change is audited, and it can be undone
    assert granted == 0
    assert "chair (chair@example.org) is now COUNCIL_ADMIN" in granted_output
    assert role == [("COUNCIL_ADMIN",)]
    assert (no_account, unknown) == (1, 1)
    assert "has no account" in no_account_error
    assert "no engineer 'ghost'" in unknown_error
    assert revoked == 0
    assert asyncio.run(_rows(operator_database, "SELECT global_role FROM accounts")) == [
        ("MEMBER",)
    ]
    audit = asyncio.run(
        _rows(
            operator_database,
            "SELECT action, actor_client_id, before, after FROM audit_log ORDER BY id",
        )
    )
    assert [(action, actor) for action, actor, _, _ in audit] == [
        ("account.global_role", "braingain-cli"),
        ("account.global_role", "braingain-cli"),
    ]
    assert json.loads(audit[0][3]) == {"globalRole": "COUNCIL_ADMIN"}


def test_staff_create_opens_an_account_with_a_one_time_password_link(
    operator_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a migrated database with an institution
    assert main(["db", "upgrade"]) == 0
    asyncio.run(
        _write(
            operator_database,
            "INSERT INTO institutions (slug, name, kind, country_code, city, verified) "
            "VALUES ('nust', 'NUST', 'UNIVERSITY', 'PK', 'Islamabad', true)",
        )
    )
    capsys.readouterr()

    # When the operator opens a staff account, then repeats it, and tries bad input
    created = main(["staff", "create", "--institution", "nust", "--email", "Registrar@NUST.edu.pk"])
    output = capsys.readouterr().out
    again = main(["staff", "create", "--institution", "nust", "--email", "registrar@nust.edu.pk"])
    again_output = capsys.readouterr().out
    no_institution = main(["staff", "create", "--institution", "nope", "--email", "a@b.pk"])
    bad_email = main(["staff", "create", "--institution", "nust", "--email", "not-an-email"])

    # Then one passwordless staff account exists, linked to the institution, with a mailed
    # single-use set-password token that the CLI printed once
    assert created == 0
    token = re.search(r"set-password token: (\S+)", output)
    assert token is not None
    assert "reset-password?token=" in output
    accounts = asyncio.run(
        _rows(
            operator_database,
            "SELECT a.email, a.password_hash, i.slug, e.handle, e.city FROM accounts a"
            " JOIN institutions i ON i.id = a.institution_id"
            " JOIN engineers e ON e.id = a.engineer_id",
        )
    )
    assert accounts == [("registrar@nust.edu.pk", None, "nust", "registrar", "Islamabad")]
    mails = asyncio.run(_rows(operator_database, "SELECT recipient, body FROM outbox_emails"))
    assert len(mails) == 1
    assert mails[0][0] == "registrar@nust.edu.pk"
    assert token.group(1) in mails[0][1]
    tokens = asyncio.run(_rows(operator_database, "SELECT purpose, token_hash FROM account_tokens"))
    assert tokens == [("RESET_PASSWORD", hashlib.sha256(token.group(1).encode()).hexdigest())]
    assert again == 0
    assert "existed" in again_output
    assert (no_institution, bad_email) == (1, 1)


def test_keys_clients_and_token_commands(
    operator_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import base64

    # Given a migrated database with an institution and an engineer
    assert main(["db", "upgrade"]) == 0
    asyncio.run(
        _write(
            operator_database,
            ENGINEER.format(handle="cli-token"),
            "INSERT INTO institutions (slug, name, kind, country_code, city) "
            "VALUES ('cli-uni', 'CLI University', 'UNIVERSITY', 'PK', 'Lahore')",
        )
    )
    capsys.readouterr()

    # When the operator rotates keys twice, registers a client and mints a token
    assert main(["keys", "rotate"]) == 0
    assert main(["keys", "rotate"]) == 0
    rotations = capsys.readouterr().out
    created = main(["clients", "create", "--institution", "cli-uni", "--scopes", "profiles:read"])
    client_output = capsys.readouterr().out
    bad_scope = main(["clients", "create", "--institution", "cli-uni", "--scopes", "audit:read"])
    bad_scope_error = capsys.readouterr().err
    minted = main(["token", "--engineer", "cli-token"])
    token = capsys.readouterr().out.strip()
    unknown = main(["token", "--engineer", "ghost"])

    # Then the second rotation retires the first key, the secret is printed once and stored hashed,
    # and the token is an RFC 9068 JWT signed with the current key
    assert "retired" in rotations.splitlines()[-1]
    assert created == 0
    secret = next(line for line in client_output.splitlines() if line.startswith("client_secret"))
    stored = asyncio.run(_rows(operator_database, "SELECT * FROM oauth_clients"))
    assert secret.split()[1] not in repr(stored)
    assert bad_scope == 1
    assert bad_scope_error.startswith("error:")
    assert minted == 0
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["typ"] == "at+jwt"
    current_kid = rotations.splitlines()[-1].split()[2].rstrip(";")
    assert header["kid"] == current_kid
    assert unknown == 1

    # When the operator lists the clients and revokes the one just created
    client_id = next(
        line.split()[1] for line in client_output.splitlines() if line.startswith("client_id")
    )
    assert main(["clients", "list"]) == 0
    listed = capsys.readouterr().out
    assert main(["clients", "revoke", client_id]) == 0
    revoked_status = capsys.readouterr().err
    assert main(["clients", "list"]) == 0
    relisted = capsys.readouterr().out
    missing = main(["clients", "revoke", "bgc_nope"])

    # Then the listing shows it active, then revoked; an unknown client is an error
    assert f"{client_id}\tactive" in listed
    assert f"revoked {client_id}" in revoked_status
    assert f"{client_id}\trevoked" in relisted
    assert missing == 1


README = Path(__file__).resolve().parent.parent / "README.md"


def readme_token_recipe() -> tuple[str, str]:
    """The README's `TOKEN=$(braingain token --engineer HANDLE)` line, verbatim, and HANDLE."""
    found = re.search(
        r"^TOKEN=\$\(braingain token --engineer ([\w-]+)\)$", README.read_text(), re.MULTILINE
    )
    assert found is not None, "the README no longer shows the token recipe"
    return found.group(0), found.group(1)


async def _viewer_handle(database_url: str, token: str) -> tuple[int, Any]:
    from asgi_lifespan import LifespanManager
    from httpx import ASGITransport, AsyncClient

    from graph.app import create_app
    from graph.settings import Settings

    app = create_app(
        Settings(
            database_url=database_url,
            environment="development",
            max_body_bytes=100_000,
            log_level="WARNING",
        )
    )
    async with LifespanManager(app) as manager:
        transport = ASGITransport(app=manager.app)
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.post(
                "/graphql",
                json={"query": "{ viewer { engineer { handle } } }"},
                headers={"Authorization": f"Bearer {token}"},
            )
    return response.status_code, response.json()


def test_the_readme_token_recipe_captures_only_the_token(tmp_path: Path) -> None:
    from db.engine import start_embedded, stop_embedded
    from db.migrate import upgrade

    # Given the default setup: no DATABASE_URL, the embedded server under BRAINGAIN_DATA_DIR
    recipe_line, handle = readme_token_recipe()
    location = start_embedded(tmp_path)
    try:
        upgrade(location.url)
        asyncio.run(_write(to_libpq_url(location.url), ENGINEER.format(handle=handle)))
        environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        environment["BRAINGAIN_DATA_DIR"] = str(tmp_path)
        environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment['PATH']}"

        # When an operator follows the README's recipe in a shell
        recipe = subprocess.run(
            ["bash", "-c", f'{recipe_line} && printf "%s" "$TOKEN"'],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        token = recipe.stdout

        # Then the variable holds the token alone (status lines went to stderr) ...
        assert re.fullmatch(r"[\w-]+\.[\w-]+\.[\w-]+", token), token
        assert "embedded PostgreSQL running" in recipe.stderr

        # ... and the API accepts it as that engineer
        status, body = asyncio.run(_viewer_handle(location.url, token))
    finally:
        stop_embedded(location)
    assert status == 200
    assert body["data"]["viewer"]["engineer"]["handle"] == handle

"""`braingain mail-worker --once` sends the outbox through the configured SMTP server."""

import asyncio

import pytest

from graph.cli import main
from tests.support.smtp import Recorder, smtp_server
from tests.test_cli import _rows, _write, operator_database  # noqa: F401  (the fixture)


def test_the_mail_worker_command_sends_queued_mail_once(
    operator_database: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a migrated database holding one queued mail, and SMTP settings in the environment
    assert main(["db", "upgrade"]) == 0
    asyncio.run(
        _write(
            operator_database,
            "INSERT INTO outbox_emails (recipient, subject, body) "
            "VALUES ('ops@example.org', 'Welcome', 'Hello')",
        )
    )
    recorder = Recorder()
    with smtp_server(recorder) as port:
        monkeypatch.setenv("BRAINGAIN_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("BRAINGAIN_SMTP_PORT", str(port))
        monkeypatch.setenv("BRAINGAIN_SMTP_FROM", "Portal <portal@example.org>")
        # When the worker runs once, twice
        assert main(["mail-worker", "--once"]) == 0
        assert main(["mail-worker", "--once"]) == 0

    # Then the mail went out once and is recorded as sent
    (message,) = recorder.messages
    assert (message["To"], message["Subject"], message["From"]) == (
        "ops@example.org",
        "Welcome",
        "Portal <portal@example.org>",
    )
    rows = asyncio.run(_rows(operator_database, "SELECT message_id, sent_at FROM outbox_emails"))
    assert message["Message-ID"] == f"<{rows[0][0]}>"
    assert rows[0][1] is not None

"""A real SMTP server for tests (aiosmtpd in its own thread) that records what it accepts and
can refuse the first attempts with a transient (4xx) or permanent (5xx) reply."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


class Recorder:
    """The server's handler: accepted messages in order, every DATA attempt counted."""

    def __init__(self, refuse_first: int = 0, reply: str = "451 4.3.0 Try again later") -> None:
        self.refuse_first = refuse_first
        self.reply = reply
        self.attempts = 0
        self.messages: list[Message] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        """aiosmtpd's hook: refuse or keep the message."""
        with self.lock:
            self.attempts += 1
            if self.attempts <= self.refuse_first:
                return self.reply
            self.messages.append(message_from_bytes(envelope.content))
        return "250 2.0.0 OK"

    def message_ids(self) -> list[str]:
        """The Message-ID headers of the accepted messages, in order."""
        return [str(message["Message-ID"]) for message in self.messages]


def body_of(message: Message) -> str:
    """The decoded text of a single-part message."""
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def smtp_server(recorder: Recorder) -> Iterator[int]:
    """Serve SMTP on 127.0.0.1 with `recorder` until the block ends; yields the port."""
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()

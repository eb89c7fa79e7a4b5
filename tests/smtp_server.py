"""A real SMTP server on loopback for the alert tests: ``with SmtpSink() as smtp: ...``.

It is aiosmtpd's ``Controller`` (an asyncio SMTP server in a thread of the test process) on
``127.0.0.1:<free port>``, keeping every message it receives in :attr:`SmtpSink.messages`.
Leaving the block stops it (the context manager of :class:`ServerProcess`).
"""

from __future__ import annotations

import email
import email.policy
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.processes import ServerProcess
from tests.scrapyd_server import free_port


@dataclass(frozen=True)
class Received:
    """One message as the server got it: envelope sender, recipients and the parsed mail."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))
        return body.get_content() if body is not None else ""


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.sink.lock:
            self.sink.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


class SmtpSink(ServerProcess):
    """An SMTP server on 127.0.0.1 that accepts every message and keeps it."""

    def __init__(self) -> None:
        self.messages: list[Received] = []
        self.lock = threading.Lock()
        self.port = 0
        self.controller: Controller | None = None

    def start(self) -> SmtpSink:
        for attempt in range(3):  # the free port may be taken between probe and bind
            self.port = free_port()
            controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
            try:
                controller.start()
            except (OSError, RuntimeError):
                if attempt == 2:
                    raise
                continue
            self.controller = controller
            return self
        raise AssertionError("unreachable")

    def stop(self) -> None:
        controller, self.controller = self.controller, None
        if controller is not None:
            controller.stop()

    def received(self) -> list[Received]:
        with self.lock:
            return list(self.messages)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The messages once at least ``count`` arrived (or whatever came within ``timeout``)."""
        deadline = time.monotonic() + timeout
        while len(self.received()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received()

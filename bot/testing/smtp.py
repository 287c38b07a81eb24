"""A real SMTP server on loopback (aiosmtpd), for tests: it keeps every message it gets."""

from __future__ import annotations

import email
import socket
from email.message import Message
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller


class _Sink:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


class SmtpServer:
    """Listens on a free loopback port until stopped (use it as a context manager)."""

    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self._sink = _Sink()
        self._controller = Controller(self._sink, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list[Message]:
        """Every message received, oldest first."""
        return self._sink.messages

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._controller.stop()

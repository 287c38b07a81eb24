"""Logging that never carries personal data.

carercheck's own log lines name references, ids and outcomes, never names, contacts or what
people wrote. Some libraries log request bodies at debug level (python-telegram-bot logs every
Bot API call with its parameters, the message text included), so they are held at WARNING
whatever level carercheck itself logs at. A test runs a whole referral at DEBUG with this
configuration and scans every record, and every JSON line, for the person's details.

Lines are plain text for a terminal, or one JSON object per line for deployments
(``CARERCHECK_LOG_FORMAT=json``): time, level, logger and message, then the ``extra`` fields
(references, ids, outcomes) as keys of their own.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

QUIET = (
    "telegram",
    "httpx",
    "httpcore",
    "sqlalchemy",
    "aiosmtplib",
    "mail.log",
    "apscheduler",
    "uvicorn",
    "alembic",
)
"""Libraries whose debug and info lines can hold message text, addresses or SQL parameters."""


FORMATS = ("text", "json")
TEXT = "%(levelname)s %(name)s %(message)s"


def configure(level: str | int, fmt: str = "text", stream: TextIO | None = None) -> None:
    """Log at ``level`` to ``stream`` (stderr) as ``fmt``; QUIET libraries log only warnings."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter(fmt))
    logging.basicConfig(level=level, handlers=[handler])
    quiet_libraries()


def formatter(fmt: str) -> logging.Formatter:
    """The formatter for ``fmt``: "text" (one readable line) or "json" (one object a line)."""
    if fmt == "json":
        return JsonFormatter(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",  # ISO 8601, UTC
            json_ensure_ascii=False,
        )
    if fmt != "text":
        raise ValueError(f"unknown log format {fmt!r} (known: {', '.join(FORMATS)})")
    return logging.Formatter(TEXT)


def quiet_libraries() -> None:
    """Hold every library in QUIET at WARNING or above."""
    for name in QUIET:
        logger = logging.getLogger(name)
        logger.setLevel(max(logging.WARNING, logger.level))

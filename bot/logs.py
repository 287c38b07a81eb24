"""Logging that never carries personal data.

carercheck's own log lines name references, ids and outcomes, never names, contacts or what
people wrote. Some libraries log request bodies at debug level (python-telegram-bot logs every
Bot API call with its parameters, the message text included), so they are held at WARNING
whatever level carercheck itself logs at. A test runs a whole referral at DEBUG with this
configuration and scans every record for the person's details.
"""

from __future__ import annotations

import logging

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


def configure(level: str | int) -> None:
    """Log at ``level``; the libraries in QUIET log only warnings and errors."""
    logging.basicConfig(level=level, format="%(levelname)s %(name)s %(message)s")
    quiet_libraries()


def quiet_libraries() -> None:
    """Hold every library in QUIET at WARNING or above."""
    for name in QUIET:
        logger = logging.getLogger(name)
        logger.setLevel(max(logging.WARNING, logger.level))

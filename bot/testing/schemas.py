"""A PostgreSQL schema of a run's own (a benchmark's, a drill's), made first and dropped after.

The connection URL sets ``search_path``, as the tests do, so every process given it (the workers
too) works in that schema and never meets another run's tables.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from bot.storage import connect


@contextmanager
def own_schema(base_url: str, prefix: str = "carercheck_bench") -> Iterator[str]:
    """Make a schema on the server at ``base_url``, yield the URL working in it, drop it after."""
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    base = connect(base_url)
    with base.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    joiner = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{joiner}options=-csearch_path%3D{name}"
    finally:
        with base.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        base.dispose()

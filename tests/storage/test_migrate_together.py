"""Workers that start together on an empty PostgreSQL database migrate it once, in turn."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.storage import connect
from bot.storage.migrate import is_current

ROOT = Path(__file__).resolve().parents[2]
UPGRADE = "import sys; from bot.storage import connect, upgrade; upgrade(connect(sys.argv[1]))"


def test_processes_upgrading_at_once_both_succeed(postgres_url: str) -> None:
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    started = [
        subprocess.Popen(
            [sys.executable, "-c", UPGRADE, postgres_url],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    errors = [p.communicate(timeout=60)[1] for p in started]
    assert [p.returncode for p in started] == [0, 0, 0], [err[-600:] for err in errors]
    db = connect(postgres_url)
    assert is_current(db)
    db.dispose()

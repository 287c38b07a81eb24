"""What a Telegram webhook worker loads to start, kept small (bench/README.md, Scale).

Not the SQLAlchemy ORM, not Alembic (its database is already migrated), not Pillow or fontTools
(until it draws an Easy Read card), not Tornado, nor the dashboard's libraries; and Babel holds
no CLDR data once the catalogs have read what they need.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from bot.storage import connect, upgrade
from bot.testing.keys import TEST_KEY

ROOT = Path(__file__).resolve().parent.parent
NOT_LOADED = ("alembic", "mako", "sqlalchemy.orm", "PIL", "fontTools", "tornado", "matplotlib",
              "jinja2")  # fmt: skip
START = """
import json, sys
from babel import localedata
from bot.cli_http import app_with_ops
from bot.cli_referrals import load_cipher
from bot.cli_serve import telegram_application, telegram_parts
from bot.config import Config
from bot.content import build_engine
from bot.storage import connect, upgrade

cfg = Config.load()
engine = build_engine(cfg.flows_dir, cfg.locales_dir)
db = connect(cfg.database_url)
upgrade(db)
routes, started = telegram_parts(cfg, telegram_application(cfg, engine, db, load_cipher(cfg)))
app_with_ops(db, routes, lambda app: started)
print(json.dumps({"modules": sorted(sys.modules), "cldr": len(localedata._cache)}))
"""


def test_a_webhook_worker_starts_without_what_it_does_not_use(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'worker.db'}"
    db = connect(url)
    upgrade(db)  # as deployed: migrated before the workers start
    db.dispose()
    env = {
        "PYTHONPATH": str(ROOT),
        "PATH": "/usr/bin:/bin",
        "TELEGRAM_BOT_TOKEN": "123:ABC",
        "CARERCHECK_DATABASE_URL": url,
        "CARERCHECK_ENCRYPTION_KEYS": TEST_KEY,
        "CARERCHECK_TELEGRAM_WEBHOOK_URL": "https://carers.example.org/telegram-webhook",
        "CARERCHECK_TELEGRAM_WEBHOOK_SECRET": "worker-memory-secret",
        "CARERCHECK_CARDS_DIR": str(tmp_path / "cards"),
    }
    done = subprocess.run(
        [sys.executable, "-c", START],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.splitlines()[-1])
    loaded = [m for m in found["modules"] if m.startswith(_not_loaded())]
    assert loaded == []
    assert found["cldr"] == 0
    assert "telegram.ext" in found["modules"]  # the script did start the bot


def test_nothing_carercheck_installs_asks_for_tornado() -> None:
    """python-telegram-bot imports Tornado whenever it is installed; carercheck never wants it."""
    wanted = metadata.requires("carercheck") or []
    ptb = [r for r in wanted if r.startswith("python-telegram-bot")]
    assert ptb and not any("webhooks" in r for r in ptb), ptb
    assert not any(r.lower().startswith("tornado") for r in wanted)


def _not_loaded() -> tuple[str, ...]:
    """What must not be loaded. Tornado counts only where it is not installed: a virtualenv made
    before carercheck stopped asking for it may still have it, and then python-telegram-bot
    imports it (a fresh install, as in CI and the image, has none)."""
    if importlib.util.find_spec("tornado") is None:
        return NOT_LOADED
    return tuple(m for m in NOT_LOADED if m != "tornado")

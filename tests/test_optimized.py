"""carercheck runs as deployed: Python with ``PYTHONOPTIMIZE=2`` (no docstrings, no asserts).

The image and the systemd units set it (``SERVICE_ENV``), and every webhook worker the tests
and benchmarks start runs with it. This checks what those don't reach: every module imports,
and the libraries that could lean on docstrings (matplotlib, Pillow and fontTools, Babel) still
draw a chart and a card. (tests/deploy starts every command deploy/ runs with it, the dashboard's
pages included.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.testing.workers import SERVICE_ENV

ROOT = Path(__file__).resolve().parent.parent
FONTS = Path("/usr/share/fonts/truetype/noto")
SCRIPT = """
import importlib, json, pkgutil, sys
from pathlib import Path
import bot
from bot.content import build_engine
from bot.adapters.cards import Cards, every_card
from bot.adapters.dashboard.charts import bar_chart

names = [m.name for m in pkgutil.walk_packages(bot.__path__, "bot.")
         if m.name != "bot.__main__" and ".migrations" not in m.name]  # those run under Alembic
for name in names:
    importlib.import_module(name)
engine = build_engine(Path("flows"), Path("locales"))
picture, text, language = next(c for c in every_card(engine) if c[2] == "gu")
card = Cards(Path(sys.argv[1]), Path(sys.argv[2])).card(picture, text, language)
svg = bar_chart("Screenings", [("carer", 3), ("not yet", 5)])
print(json.dumps({"optimize": sys.flags.optimize, "docstring": bot.__doc__, "modules": len(names),
                  "card": card.stat().st_size, "svg": svg.count("<svg")}))
"""


# Skipped without the fonts, as tests/adapters/test_cards.py (CI installs them).
@pytest.mark.skipif(not (FONTS / "NotoSans-Regular.ttf").exists(), reason="no Noto fonts")
def test_everything_imports_and_draws_without_docstrings_and_asserts(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARERCHECK_")}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "cards"), str(FONTS)],
        cwd=ROOT,
        env=env | SERVICE_ENV | {"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["optimize"] == 2
    assert found["docstring"] is None  # docstrings really were left out
    assert found["modules"] > 100
    assert found["card"] > 1000
    assert found["svg"] == 1

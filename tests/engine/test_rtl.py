"""Right-to-left languages: filled-in values are isolated so numbers and names keep order."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from bot.content import build_engine
from bot.engine import Command, MessageCreated
from bot.engine.render import FSI, PDI

ROOT = Path(__file__).resolve().parent.parent.parent
AT = datetime(2026, 1, 1, tzinfo=UTC)


def catalog(tmp_path: Path, code: str) -> Path:
    cat = Catalog(locale=code, domain="carercheck")
    cat.add("{name}: {what}", "{name}: {what} ←", context="system")
    cat.add("Phone {phone}", "اتصل على {phone}", context="system")
    cat.add("Question {n} of {total}", "السؤال {n} من {total}", context="system")
    out = tmp_path / code / "LC_MESSAGES"
    out.mkdir(parents=True)
    with (out / "carercheck.po").open("wb") as fp:
        write_po(fp, cat)
    return tmp_path


def urgent_text(language: str, locales: Path) -> str:
    engine = build_engine(ROOT / "flows", locales)
    session = engine.new_session(at=AT, language=language)
    session.start()
    events = session.resume(Command(AT, "urgent"))
    return next(e.text for e in events if isinstance(e, MessageCreated) and "999" in e.text)


def test_rtl_values_are_isolated(tmp_path: Path) -> None:
    text = urgent_text("ar", catalog(tmp_path, "ar"))
    assert f"{FSI}Samaritans{PDI}: " in text
    assert f"اتصل على {FSI}0800 1111{PDI}" in text


def test_ltr_text_has_no_marks(tmp_path: Path) -> None:
    text = urgent_text("pl", catalog(tmp_path, "pl"))
    assert FSI not in text and PDI not in text
    assert "Samaritans: " in text

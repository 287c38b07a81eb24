"""A flow's word lists are translatable: each language's list replaces the English one."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from bot.content import build_engine
from bot.engine import Text

ROOT = Path(__file__).resolve().parent.parent.parent
AT = datetime(2026, 1, 1, tzinfo=UTC)


def test_words_in_the_persons_language_choose_the_option(tmp_path: Path) -> None:
    catalog = Catalog(locale="cy", domain="carercheck")
    catalog.add(
        "yes|yeah|yep|ok|okay|start|ready|go", "iawn|dechrau|ok", context="screening/welcome:words"
    )
    out = tmp_path / "cy" / "LC_MESSAGES"
    out.mkdir(parents=True)
    with (out / "carercheck.po").open("wb") as fp:
        write_po(fp, catalog)
    engine = build_engine(ROOT / "flows", tmp_path)
    for said in ("dechrau", "ok"):
        session = engine.new_session(at=AT, language="cy")
        session.start()
        session.resume(Text(AT, said))
        assert session.state.answers == [("welcome", "start")], said
    welsh = engine.new_session(at=AT, language="cy")
    welsh.start()
    welsh.resume(Text(AT, "go"))  # an English word the Welsh list leaves out
    assert welsh.state.answers == []
    english = engine.new_session(at=AT, language="en")
    english.start()
    english.resume(Text(AT, "dechrau"))
    assert english.state.answers == []

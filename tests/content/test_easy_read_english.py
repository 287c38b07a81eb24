"""English Easy Read passes its automatic check: reading ease at least 90 on average, and no
sentence longer than 15 words. (Checkers with a learning disability still review it.)"""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import textstat
from babel.messages.pofile import read_po

CATALOG = Path(__file__).resolve().parents[2] / "locales/en@easyread/LC_MESSAGES/carercheck.po"
MEAN_AT_LEAST = 90
MAX_WORDS = 15
LISTS = ("command:", "matcher:")  # words people type, not sentences to read


def messages() -> dict[str, str]:
    """Each Easy Read message people read, keyed by its context and English start."""
    with CATALOG.open("rb") as fp:
        catalog = read_po(fp, locale="en")
    found = {}
    for m in catalog:
        context = m.context or ""
        if not m.id or context.startswith(LISTS) or context.endswith(":words"):
            continue
        text = m.string if isinstance(m.string, str) else m.string[-1]
        key = f"[{context}] {(m.id if isinstance(m.id, str) else m.id[0])[:40]}"
        found[key] = re.sub(r"\{[a-z_]+\}", "it", text).replace("•", "")
    return found


def test_easy_read_reads_easily_on_average() -> None:
    scores = [textstat.flesch_reading_ease(t) for t in messages().values() if len(t.split()) >= 3]
    assert statistics.mean(scores) >= MEAN_AT_LEAST, statistics.mean(scores)


def test_no_easy_read_sentence_is_longer_than_fifteen_words() -> None:
    long = [
        (key, sentence)
        for key, text in messages().items()
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", text)
        if len(sentence.split()) > MAX_WORDS
    ]
    assert not long, long[:5]

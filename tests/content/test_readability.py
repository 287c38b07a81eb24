"""Plain English: mean Flesch reading ease of every message is at least 80.

A message that scores below 70 must be listed, with the reason, in
``readability_exceptions.yaml`` next to this file. A listed message that no longer scores below
70, or no longer exists, must be taken off the list.
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import pytest
import textstat
import yaml

from bot.engine import Engine

EXCEPTIONS = Path(__file__).with_name("readability_exceptions.yaml")
MEAN_AT_LEAST = 80
EACH_AT_LEAST = 70
SAMPLE = "your mum"  # what a {placeholder} reads as, for scoring


def shown(engine: Engine) -> dict[str, str]:
    """Every message a person can be shown, keyed "flow/node: first words"."""
    found: dict[str, str] = {}
    for flow in engine.flows.values():
        for node in flow.nodes.values():
            for text in (*node.say, node.question, node.help):
                if text:
                    plain = re.sub(r"\{[a-z_]+\}", SAMPLE, text)
                    found[f"{flow.id}/{node.id}: {text[:40]}"] = plain
    return found


def score(text: str) -> float:
    return float(textstat.flesch_reading_ease(text))


def listed() -> dict[str, str]:
    data = yaml.safe_load(EXCEPTIONS.read_text(encoding="utf-8")) or []
    return {item["message"]: item["reason"] for item in data}


def test_mean_reading_ease_is_high(engine: Engine) -> None:
    scores = [score(t) for t in shown(engine).values()]
    assert statistics.mean(scores) >= MEAN_AT_LEAST, f"mean {statistics.mean(scores):.1f}"


def test_every_hard_message_is_listed_with_a_reason(engine: Engine) -> None:
    hard = {key: score(text) for key, text in shown(engine).items() if score(text) < EACH_AT_LEAST}
    exceptions = listed()
    unlisted = {k: round(v) for k, v in hard.items() if k not in exceptions}
    assert not unlisted, f"below {EACH_AT_LEAST}, not listed: {unlisted}"
    assert all(reason.strip() for reason in exceptions.values())


def test_no_stale_exceptions(engine: Engine) -> None:
    messages = shown(engine)
    stale = [
        key for key in listed() if key not in messages or score(messages[key]) >= EACH_AT_LEAST
    ]
    assert not stale, f"take these off {EXCEPTIONS.name}: {stale}"


@pytest.mark.parametrize(
    ("text", "easy"),
    [
        ("Do you help them with their medicines?", True),
        (
            "Comprehensive multidisciplinary "
            "assessment methodologies necessitate considerable deliberation.",
            False,
        ),
    ],
)
def test_the_scorer_tells_easy_from_hard(text: str, easy: bool) -> None:
    assert (score(text) >= EACH_AT_LEAST) is easy

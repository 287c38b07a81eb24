"""Golden transcripts of every flow path, in every language, through real storage.

Regenerate with ``pytest tests/test_goldens.py --update-goldens`` and review the diff like code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Engine
from bot.engine.referral_steps import ASKS
from bot.i18n.catalogs import EASY_READ
from bot.testing.transcripts import Golden, goldens, run

GOLDENS = Path(__file__).resolve().parent / "goldens"
CASES = list(goldens(GOLDENS))


def test_there_are_goldens_for_every_flow(engine: Engine) -> None:
    assert {g.flow for g in CASES} == set(engine.flows)


@pytest.mark.parametrize("golden", CASES, ids=[g.path.stem for g in CASES])
def test_golden(
    golden: Golden, engine: Engine, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    catalogs = engine.catalogs
    easy = [f"{lang}{EASY_READ}" for lang in catalogs.languages() if catalogs.has_easy_read(lang)]
    languages = [*catalogs.languages(), *easy]
    got = {
        lang: run(
            engine,
            golden,
            lang.removesuffix(EASY_READ),
            f"sqlite:///{tmp_path / lang}.db",
            easy_read=lang.endswith(EASY_READ),
        )
        for lang in languages
    }
    fell_back = sorted(m for m in catalogs.missing if m[0] in languages)
    assert not fell_back, f"fell back to English: {fell_back[:5]}"
    if request.config.getoption("--update-goldens"):
        golden.write(got)
        return
    for lang in languages:
        assert lang in golden.transcripts, f"no {lang} transcript: run with --update-goldens"
        assert got[lang] == golden.transcripts[lang], f"{golden.path.name} [{lang}] differs"
    outcomes = {lang: [s["out"]["outcome"] for s in got[lang]] for lang in languages}
    results = {
        lang: [(o["result"], o["roles"], o["flags"]) if o else None for o in outs]
        for lang, outs in outcomes.items()
    }
    assert len({repr(r) for r in results.values()}) == 1, "the language changed the outcome"
    referrals = {lang: [s["out"].get("referral") for s in got[lang]] for lang in languages}
    assert len({repr(r) for r in referrals.values()}) == 1, "the language changed a referral"


@pytest.mark.parametrize("golden", CASES, ids=[g.path.stem for g in CASES])
def test_persona_ends_as_expected(golden: Golden, engine: Engine, tmp_path: Path) -> None:
    """The hand-written expectation, checked apart from the regenerated transcript."""
    want = golden.expect
    assert want is not None, f"{golden.path.name} needs an 'expect' written by hand"
    steps = run(engine, golden, "en", f"sqlite:///{tmp_path / 'expect'}.db")
    outcome = steps[-1]["out"]["outcome"]
    if want.get("result") is None:  # a persona that stops before the end
        assert outcome is None
        return
    assert outcome is not None, "the persona never reaches an outcome"
    assert outcome["result"] == want["result"]
    assert sorted(outcome["roles"]) == sorted(want["roles"])
    assert sorted(outcome["flags"]) == sorted(want["flags"])
    got = [s["id"] for s in outcome["signposts"]]
    for service in want.get("signposts", []):
        assert service in got, f"{service} not signposted: {got}"


def test_goldens_cover_every_route_of_every_flow(engine: Engine, tmp_path: Path) -> None:
    taken: set[tuple[str, str, str]] = set()
    for flow_id, machine in engine.machines.items():
        machine.observers.append(lambda src, dst, f=flow_id: taken.add((f, src, dst)))
    try:
        for golden in CASES:
            run(engine, golden, "en", f"sqlite:///{tmp_path / golden.path.stem}.db")
    finally:
        for machine in engine.machines.values():
            machine.observers.clear()
    routes = {
        (flow.id, node.id, route.goto)
        for flow in engine.flows.values()
        for node in flow.nodes.values()
        for route in node.routes
    }
    missing = sorted(routes - taken)
    assert not missing, f"routes no golden takes: {missing}"


def test_goldens_ask_every_referral_question_and_take_every_answer() -> None:
    """Every referral question is asked, and each of its fixed answers is given, somewhere."""
    asked: set[str] = set()
    chosen: set[tuple[str, str]] = set()
    for golden in CASES:  # English to find the question; Welsh has typed choices as choices
        english, welsh = golden.transcripts["en"], golden.transcripts["cy"]
        for before, after in zip(english, welsh[1:], strict=False):
            question = _referral_step(before["out"]["messages"])
            if question is not None:
                asked.add(question)
                given = after["in"] or {}
                chosen.add((question, str(given.get("choose", "typed"))))
    assert asked >= set(ASKS), f"never asked: {sorted(set(ASKS) - asked)}"
    answers = {(step, option) for step, ask in ASKS.items() for option, _ in ask.options} | {
        ("offer", "yes"),
        ("offer", "no"),
        ("confirm", "yes"),
        ("confirm", "no"),
    }
    assert not answers - chosen, f"never answered so: {sorted(answers - chosen)}"


def _referral_step(messages: list[dict[str, object]]) -> str | None:
    """The referral question the last message asks, found by its English wording."""
    if not messages:
        return None
    text = str(messages[-1]["text"])
    for step, ask in ASKS.items():
        for msg in (ask.text, ask.young_text):
            start = msg.text.split("{")[0] if msg is not None else ""
            if start and start in text and (step != "confirm" or "\n" in text):
                return step
    return None

"""Pick-all questions, progress, "I don't understand", areas and local signposts, crisis words."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.content import build_engine
from bot.engine import (
    Choose,
    ChooseMany,
    Command,
    Engine,
    Event,
    FlowError,
    MessageCreated,
    OutcomeReached,
    Session,
    Text,
    parse_flow,
    parse_services,
    texts,
)
from bot.engine.events import FlagRaised

AT = datetime(2026, 1, 1, tzinfo=UTC)
FEATURES = Path(__file__).resolve().parent.parent / "data" / "features"


@pytest.fixture
def engine() -> Engine:
    return build_engine(FEATURES)


def at_tasks(engine: Engine, age: str = "40", area: str = "LE1 6AB") -> Session:
    session = engine.new_session(at=AT)
    session.start()
    for text in ("start", age, area):
        session.resume(Text(AT, text))
    assert session.state.node == "tasks"
    return session


def messages(events: list[Event]) -> list[MessageCreated]:
    return [e for e in events if isinstance(e, MessageCreated)]


def outcome(events: list[Event]) -> OutcomeReached:
    found = [e for e in events if isinstance(e, OutcomeReached)]
    assert len(found) == 1
    return found[0]


def labels(event: MessageCreated) -> list[str]:
    return [o.label for o in event.options]


# -- pick-all questions --------------------------------------------------------------------


def test_taps_tick_and_untick_then_done_answers(engine: Engine) -> None:
    session = at_tasks(engine)
    [shown] = session.resume(Choose(AT, "home", session.state.asked))
    assert labels(shown)[:3] == ["✓ Jobs at home", "Washing or dressing", "Medicines"]
    assert labels(shown)[-2:] == ["Done", "I don't understand"]
    assert "Choose all that fit, then choose Done." in shown.text
    session.resume(Choose(AT, "medicines"))
    [shown] = session.resume(Choose(AT, "home"))  # untick
    assert labels(shown)[:3] == ["Jobs at home", "Washing or dressing", "✓ Medicines"]
    session.resume(Choose(AT, "body"))
    events = session.resume(Choose(AT, "_done"))
    assert session.state.results["tasks"] == ("body", "medicines")  # in the options' order
    assert messages(events)[0].text == "You help with Washing or dressing and Medicines."
    assert outcome(events).outcome.result == "carer"


def test_done_with_nothing_picked_asks_kindly(engine: Engine) -> None:
    session = at_tasks(engine)
    events = session.resume(Choose(AT, "_done"))
    assert messages(events)[0].text == texts.PICK_SOME.text
    assert session.state.node == "tasks"


def test_an_alone_option_answers_at_once_and_drops_other_picks(engine: Engine) -> None:
    session = at_tasks(engine)
    session.resume(Choose(AT, "home"))
    events = session.resume(Choose(AT, "none"))
    assert session.state.results["tasks"] == ("none",)
    assert outcome(events).outcome.result == "not_carer"


def test_typed_numbers_pick_several_and_answer(engine: Engine) -> None:
    session = at_tasks(engine)
    events = session.resume(Text(AT, "1, 3"))
    assert session.state.results["tasks"] == ("home", "medicines")
    assert outcome(events).outcome.result == "carer"


def test_a_typed_label_ticks_and_done_answers(engine: Engine) -> None:
    session = at_tasks(engine)
    session.resume(Text(AT, "medicines"))
    assert session.state.picked == ["medicines"]
    events = session.resume(Text(AT, "done"))
    assert outcome(events).outcome.result == "possible_carer"


def test_choose_many_at_once(engine: Engine) -> None:
    session = at_tasks(engine)
    events = session.resume(ChooseMany(AT, ("body", "home")))
    assert session.state.results["tasks"] == ("home", "body")
    assert outcome(events).outcome.result == "carer"


@pytest.mark.parametrize("options", [("home", "nonsense"), ("none", "home"), ()])
def test_choose_many_refuses_what_cannot_be(engine: Engine, options: tuple[str, ...]) -> None:
    session = at_tasks(engine)
    events = session.resume(ChooseMany(AT, options))
    assert messages(events)[0].text == texts.UNKNOWN_CHOICE.text
    assert session.state.node == "tasks"
    assert "tasks" not in session.state.results


def test_picks_survive_saving_and_back_clears_them(engine: Engine) -> None:
    session = at_tasks(engine)
    session.resume(Choose(AT, "home"))
    again = engine.load_session(session.to_json())
    assert again.state.picked == ["home"]
    again.resume(Command(AT, "back"))
    assert again.state.node == "area"
    assert again.state.picked == []


# -- progress and "I don't understand" ------------------------------------------------------


def test_progress_counts_questions_not_the_welcome(engine: Engine) -> None:
    session = engine.new_session(at=AT)
    welcome = messages(session.start())[-1]
    assert welcome.progress is None
    age = messages(session.resume(Text(AT, "start")))[-1]
    assert age.progress == (1, 3)
    assert age.text.startswith("Question 1 of 3\n")
    area = messages(session.resume(Text(AT, "40")))[-1]
    assert area.progress == (2, 3)


@pytest.mark.parametrize(
    "inp", [Choose(AT, "_explain"), Text(AT, "I don't understand"), Text(AT, "3")]
)
def test_i_dont_understand_explains_in_other_words(engine: Engine, inp: object) -> None:
    session = engine.new_session(at=AT)
    session.start()
    session.resume(Text(AT, "start"))
    [help_message] = session.resume(inp)  # type: ignore[arg-type]
    assert help_message.kind == "help"
    assert help_message.text.startswith("Choose your age group.")
    assert session.state.node == "age"


# -- areas and local signposts --------------------------------------------------------------


def signposts(engine: Engine, age: str, area: str, picks: tuple[str, ...]) -> list[str]:
    session = at_tasks(engine, age, area)
    events = session.resume(ChooseMany(AT, picks))
    return [s.id for s in outcome(events).outcome.signposts]


def test_the_postcode_district_is_kept_not_the_postcode(engine: Engine) -> None:
    session = at_tasks(engine, area="le1 6ab")
    assert session.state.results["area"] == "le1"


def test_the_most_local_of_each_kind_first_then_the_rest(engine: Engine) -> None:
    ids = signposts(engine, "40", "LE1 6AB", ("home", "body"))
    assert ids == ["leicester_carers", "helpline", "le_county_carers", "national_carers"]


def test_a_place_name_finds_local_services(engine: Engine) -> None:
    assert signposts(engine, "40", "Leicester", ("home", "body"))[0] == "leicester_carers"


def test_without_an_area_only_national_services(engine: Engine) -> None:
    assert signposts(engine, "40", "I'd rather not say", ("home", "body")) == [
        "national_carers",
        "helpline",
    ]


def test_services_for_young_people_only_go_to_young_people(engine: Engine) -> None:
    assert "young_carers" in signposts(engine, "14", "skip", ("home", "body"))
    assert "young_carers" not in signposts(engine, "40", "skip", ("home", "body"))


def test_an_unknown_place_is_asked_again_with_the_help(engine: Engine) -> None:
    session = engine.new_session(at=AT)
    session.start()
    session.resume(Text(AT, "start"))
    session.resume(Text(AT, "40"))
    sorry, again = messages(session.resume(Text(AT, "Narnia")))
    assert sorry.text == texts.SORRY.text
    assert again.text.startswith("The first part of a postcode")
    assert session.state.node == "area"


def test_at_most_five_signposts_with_a_phone_route() -> None:
    from bot.engine.services import Contact, Service, choose

    def svc(n: int, phone: str | None = None) -> Service:
        return Service(f"s{n}", f"S{n}", "x", Contact(phone=phone, how="ask"), "test", "2026-11-22")

    chosen = choose([svc(n) for n in range(7)] + [svc(7, "0100")], area=None, age=None)
    assert len(chosen) == 5
    assert [s.id for s in chosen][-1] == "s7"  # the last place goes to a service with a phone


# -- crisis words from any question ---------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "flag"),
    [
        ("I want to kill myself", "crisis"),
        ("sometimes I think about suicide", "crisis"),
        ("he hit me last night", "safeguarding"),
        ("I'm not safe at home", "safeguarding"),
        ("I might hurt him", "safeguarding"),
    ],
)
def test_crisis_words_open_calm_help_and_keep_the_question(
    engine: Engine, words: str, flag: str
) -> None:
    session = at_tasks(engine)
    events = session.resume(Text(AT, words))
    assert FlagRaised(flag) in events
    help_now, carry_on, question = messages(events)
    assert help_now.kind == "urgent"
    assert "not in trouble" in help_now.text or "listened to" in help_now.text
    assert "Phone 999" in help_now.text
    assert carry_on.text == texts.CARRY_ON.text
    assert question.node == "tasks"
    assert "tasks" not in session.state.results


def test_children_are_given_the_childrens_line_and_adults_are_not(engine: Engine) -> None:
    child = at_tasks(engine, age="12")
    assert "Children's line" in messages(child.resume(Text(AT, "he hits me")))[0].text
    adult = at_tasks(engine, age="40")
    assert "Children's line" not in messages(adult.resume(Text(AT, "he hits me")))[0].text


def test_a_crisis_flag_is_kept_through_back_and_reaches_the_outcome(engine: Engine) -> None:
    session = at_tasks(engine)
    session.resume(Text(AT, "I feel suicidal"))
    session.resume(Command(AT, "back"))
    session.resume(Text(AT, "LE1"))
    again = engine.load_session(session.to_json())
    events = again.resume(ChooseMany(AT, ("home", "body")))
    assert "crisis" in outcome(events).outcome.flags


def test_ordinary_answers_are_not_alarms(engine: Engine) -> None:
    session = at_tasks(engine)
    session.resume(Text(AT, "medicines"))
    assert session.state.alarms == []


# -- validation of the new parts ------------------------------------------------------------

FLOW = """\
spec_version: "1.0"
id: f
name: F
expire_after_minutes: 60
start: a
nodes:
  a:
    question: Which?
    help: Choose.
    multiple: true
    options: [{id: x, label: X}, {id: y, label: Y}]
    routes: [{goto: b}]
  b:
    actions: [{type: end, result: carer}]
"""


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("routes: [{goto: b}]", "routes: [{goto: a}]", "route loops back to 'a'"),
        ("multiple: true", "multiple: true\n    match: [{type: area}]", "pick-all question"),
        ("    multiple: true\n", "", "'alone' belongs"),
        ("multiple: true", "multiple: true\n    progress: 3", "progress must be true or false"),
        (
            "actions: [{type: end",
            "actions: [{type: signpost, service: s, category: c}, {type: end",
            "either 'service' or 'category'",
        ),
    ],
    ids=["loop", "multiple-with-matcher", "alone-without-multiple", "bad-progress", "signpost"],
)
def test_validation_of_new_parts(old: str, new: str, problem: str) -> None:
    text = FLOW.replace(old, new).replace("{id: y, label: Y}", "{id: y, label: Y, alone: true}")
    with pytest.raises(FlowError) as caught:
        parse_flow(text, "f.yaml")
    assert problem in str(caught.value)


@pytest.mark.parametrize(
    ("service", "problem"),
    [
        ("contact: {fax: '1'}", "contact must be text"),
        ("contact: x\n    areas: 5", "must be lists of text"),
        ("contact: x\n    checked_on: soon", "checked_on must be a date"),
    ],
)
def test_service_problems_are_named(service: str, problem: str) -> None:
    text = (
        'spec_version: "1.0"\nservices:\n  - id: s\n    name: S\n    what: W\n    source: t\n'
        f"    checked_on: 2026-11-22\n    {service}\n"
    )
    if "checked_on: soon" in service:
        text = text.replace("    checked_on: 2026-11-22\n", "")
    with pytest.raises(FlowError) as caught:
        parse_services(text, "s.yaml")
    assert problem in str(caught.value)
    assert "s.yaml, node s" in str(caught.value)


def test_urgent_help_is_never_pushed_off_by_local_services() -> None:
    from bot.engine.services import Contact, Service, choose

    local = [
        Service(f"l{n}", "L", "x", Contact(phone="1"), "t", "2026-11-22", areas=("le1",))
        for n in range(6)
    ]
    urgent = Service("999", "E", "x", Contact(phone="999"), "t", "2026-11-22", urgent=True)
    chosen = choose([*local, urgent], area="le1", age=None)
    assert chosen[0] is urgent
    assert len(chosen) == 5


def test_services_for_a_need_only_go_where_that_need_was_given() -> None:
    from bot.engine.services import Contact, Service, choose

    family = Service("f", "F", "x", Contact(phone="1"), "t", "2026-11-22", needs=("drink_drugs",))
    assert choose([family], area=None, age=None, needs=("drink_drugs", "mental_health"))
    assert not choose([family], area=None, age=None, needs=("getting_older",))
    assert choose([family], area=None, age=None, needs=None)  # the flow did not ask

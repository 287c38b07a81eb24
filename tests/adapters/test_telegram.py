"""The Telegram channel end to end: real PTB over real HTTP to a fake Bot API, real SQLite."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.cards import Cards
from bot.adapters.telegram import build_application
from bot.adapters.telegram.commands import register_commands
from bot.adapters.telegram.render import callback_data, parse_callback
from bot.content import build_engine
from bot.engine import Engine
from bot.storage import Conversations, ConversationStore, connect, upgrade
from bot.testing.telegram import FakeBotApi
from bot.testing.telegram.updates import BOT_USERNAME

ROOT = Path(__file__).resolve().parent.parent.parent
TOKEN = "123:ABC"
USER = 42


@pytest.fixture(scope="module")
def real_engine() -> Engine:
    return build_engine(ROOT / "flows", ROOT / "locales")


@pytest.fixture
async def app(api: FakeBotApi, real_engine: Engine, tmp_path: Path) -> AsyncIterator[Any]:
    db = connect(f"sqlite:///{tmp_path / 'tg.db'}")
    upgrade(db)
    conversations = Conversations(real_engine, ConversationStore(db), channel="telegram")
    application = build_application(TOKEN, api.base_url, conversations)
    async with application:
        yield application
    db.dispose()


async def pump(application: Any) -> int:
    """Fetch every pending update and process it; return how many there were.

    The fake server drops updates below the offset it is given, so offset 0 plus confirming
    by offset on the next call keeps each test's server independent.
    """
    done = 0
    offset = 0
    while True:
        updates = await application.bot.get_updates(offset=offset, timeout=0)
        if not updates:
            return done
        for update in updates:
            await application.process_update(update)
            offset = update.update_id + 1
            done += 1


def texts(api: FakeBotApi, chat_id: int = USER) -> list[str]:
    return [m["text"] for m in api.sent(chat_id)]


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


def data_for(message: dict[str, Any], option: str) -> str:
    found = [d for _, d in buttons(message) if d.endswith(f":{option}")]
    assert found, f"no {option!r} button on {message['text']!r}"
    return found[0]


async def start(api: FakeBotApi, application: Any, easy_read: str = "no") -> dict[str, Any]:
    """A new person: /start, English from the language question, and Easy Read or not."""
    api.send_text(USER, "/start")
    await pump(application)
    await tap(api, application, "en")
    return await tap(api, application, easy_read)


async def tap(api: FakeBotApi, application: Any, option: str) -> dict[str, Any]:
    """Tap ``option`` on the last message; return the new last message."""
    last = api.sent(USER)[-1]
    api.tap(USER, last["message_id"], data_for(last, option))
    await pump(application)
    return api.sent(USER)[-1]


def test_callback_data_round_trips_and_refuses_forgeries() -> None:
    assert parse_callback(callback_data(7, "under_18")) == (7, "under_18")
    for forged in [None, "", "yes", ":yes", "7:", "x:yes", "7:yes:no", "7:a b", "1:" + "a" * 70]:
        assert parse_callback(forged) is None, forged


async def test_start_shows_the_welcome_and_a_question_with_buttons(
    api: FakeBotApi, app: Any
) -> None:
    api.send_text(USER, "/start", language_code="ar")
    await pump(app)
    picker = api.sent(USER)[-1]
    assert picker["text"].startswith("بأي لغة")  # asked in the language the phone reports
    languages = [data.split(":")[1] for _, data in buttons(picker)]
    assert languages[0] == "ar" and "en" in languages  # suggested first, but they choose
    await tap(api, app, "en")
    easy = api.sent(USER)[-1]
    assert easy["text"] == "Would you like easy words and pictures?"
    question = await tap(api, app, "no")
    assert any(t.startswith("Hello. This is a short chat") for t in texts(api))
    assert question["text"] == "Shall we start?"
    labels = [label for label, _ in buttons(question)]
    assert labels == ["Yes, let's start", "What happens to my answers?", "I don't understand"]
    assert all(len(d.encode()) <= 64 and parse_callback(d) for _, d in buttons(question))
    assert [m for m in api.sent(USER) if "reply_markup" in m] == [question]


async def test_tap_moves_on_and_takes_the_old_keyboard_off(api: FakeBotApi, app: Any) -> None:
    first = await start(api, app)
    nxt = await tap(api, app, "start")
    assert nxt["message_id"] != first["message_id"]
    assert buttons(nxt), nxt
    old = next(m for m in api.sent(USER) if m["message_id"] == first["message_id"])
    assert "reply_markup" not in old
    assert old["text"] == "Shall we start?\n\n✓ Yes, let's start"
    assert any(name == "answerCallbackQuery" for name, _ in api.calls)


async def test_a_tap_waits_on_telegram_once_not_three_times(api: FakeBotApi, app: Any) -> None:
    """The tap is acknowledged while its turn runs, and marked while the next question goes.

    With Telegram slow to answer both, one after the other would take at least 3 s.
    """
    first = await start(api, app)
    answers = sum(1 for name, _ in api.calls if name == "answerCallbackQuery")
    api.delay("answerCallbackQuery", 1.5)
    api.delay("editMessageText", 1.5)
    started = time.monotonic()
    nxt = await tap(api, app, "start")
    took = time.monotonic() - started
    assert took < 2.5, f"the tap's Bot API calls were made one after another ({took:.2f} s)"
    assert nxt["message_id"] != first["message_id"] and buttons(nxt)
    old = next(m for m in api.sent(USER) if m["message_id"] == first["message_id"])
    assert old["text"] == "Shall we start?\n\n✓ Yes, let's start"
    assert sum(1 for name, _ in api.calls if name == "answerCallbackQuery") == answers + 1


async def test_a_stale_tap_gets_moved_on_and_the_current_question(
    api: FakeBotApi, app: Any
) -> None:
    first = await start(api, app)
    stale = data_for(first, "privacy")
    current = await tap(api, app, "start")
    before = len(api.sent(USER))
    api.enqueue(
        {
            "callback_query": {
                "id": "99",
                "from": {"id": USER, "is_bot": False, "first_name": "U"},
                "chat_instance": "1",
                "message": {**api.sent(USER)[0], "chat": {"id": USER, "type": "private"}},
                "data": stale,
            }
        }
    )
    await pump(app)
    new = api.sent(USER)[before:]
    assert new[0]["text"].startswith("That question has moved on")
    assert new[-1]["text"] == current["text"]
    assert buttons(new[-1]) == buttons(current)


async def test_forged_callback_data_gets_the_current_question(api: FakeBotApi, app: Any) -> None:
    question = await start(api, app)
    before = len(api.sent(USER))
    api.enqueue(
        {
            "callback_query": {
                "id": "77",
                "from": {"id": USER, "is_bot": False, "first_name": "U"},
                "chat_instance": "1",
                "message": {**question, "chat": {"id": USER, "type": "private"}},
                "data": "drop table;--",
            }
        }
    )
    await pump(app)
    new = api.sent(USER)[before:]
    assert [m["text"] for m in new] == ["Shall we start?"]
    assert ("answerCallbackQuery", {"callback_query_id": "77"}) in api.calls


async def test_a_sticker_gets_a_kind_reply_and_the_question(api: FakeBotApi, app: Any) -> None:
    await start(api, app)
    before = len(api.sent(USER))
    api.send_sticker(USER)
    await pump(app)
    new = api.sent(USER)[before:]
    assert "typed words and buttons" in new[0]["text"]
    assert new[-1]["text"] == "Shall we start?" and buttons(new[-1])


async def test_a_group_gets_one_link_to_a_private_chat_and_no_screening(
    api: FakeBotApi, app: Any
) -> None:
    api.send_text(USER, "/start", chat_type="group")
    api.send_text(USER, "hello bot", chat_type="group")
    await pump(app)
    sent = api.sent(-USER)
    assert len(sent) == 1
    assert f"https://t.me/{BOT_USERNAME}" in sent[0]["text"]
    assert api.sent(USER) == []
    assert not any(name == "sendMessage" and p["chat_id"] == USER for name, p in api.calls)


async def test_several_taps_walk_through_the_questions(api: FakeBotApi, app: Any) -> None:
    await start(api, app)
    seen = []
    message = await tap(api, app, "start")
    for _ in range(3):
        seen.append(message["text"])
        option = next(d.split(":", 1)[1] for _, d in buttons(message) if not d.endswith("_explain"))
        message = await tap(api, app, option)
    seen.append(message["text"])
    assert len(set(seen)) == len(seen), seen
    with_keyboards = [m for m in api.sent(USER) if "reply_markup" in m]
    assert with_keyboards == [api.sent(USER)[-1]]


async def test_typed_answer_and_commands(api: FakeBotApi, app: Any) -> None:
    await start(api, app)
    api.send_text(USER, "yes")
    await pump(app)
    after_yes = api.sent(USER)[-1]["text"]
    assert after_yes != "Shall we start?"
    api.send_text(USER, "/back")
    await pump(app)
    assert api.sent(USER)[-1]["text"] == "Shall we start?"
    api.send_text(USER, "/start")
    await pump(app)
    assert api.sent(USER)[-1]["text"] == "Shall we start?"
    assert not texts(api)[-2].startswith("Hello. This is")


async def test_a_duplicate_update_is_applied_once(api: FakeBotApi, app: Any) -> None:
    await start(api, app)
    last = api.sent(USER)[-1]
    api.tap(USER, last["message_id"], data_for(last, "start"))
    [update] = await app.bot.get_updates(offset=0, timeout=0)
    await app.process_update(update)
    after_first = len(api.sent(USER))
    answered = sum(1 for name, _ in api.calls if name == "answerCallbackQuery")
    await app.process_update(update)  # Telegram delivers the same update again
    assert len(api.sent(USER)) == after_first
    assert sum(1 for name, _ in api.calls if name == "answerCallbackQuery") == answered


async def test_a_tap_in_a_group_gets_the_private_chat_link_not_the_screening(
    api: FakeBotApi, app: Any
) -> None:
    api.enqueue(
        {
            "callback_query": {
                "id": "55",
                "from": {"id": USER, "is_bot": False, "first_name": "U"},
                "chat_instance": "1",
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": -USER, "type": "group", "title": "G"},
                    "text": "Shall we start?",
                },
                "data": "1:start",
            }
        }
    )
    await pump(app)
    assert ("answerCallbackQuery", {"callback_query_id": "55"}) in api.calls
    [sent] = api.sent(-USER)
    assert f"https://t.me/{BOT_USERNAME}" in sent["text"]
    assert api.sent(USER) == []


async def test_a_deep_link_records_the_source_and_skips_the_area_question(
    api: FakeBotApi, app: Any
) -> None:
    api.send_text(USER, "/start src_leicester_gp")
    await pump(app)
    await tap(api, app, "en")
    await tap(api, app, "no")
    await tap(api, app, "start")
    await tap(api, app, "for_myself")
    api.send_text(USER, "40")
    await pump(app)
    assert api.sent(USER)[-1]["text"].startswith("Question 3 of 12\nDoes someone")
    convs = app.bot_data["conversations"]
    session = convs.engine.load_session(convs.store.load("telegram", str(USER)).state)
    assert session.state.source == "leicester_gp"
    assert session.state.results["area"] == "leicester"


async def test_a_deep_link_for_someone_known_changes_nothing(api: FakeBotApi, app: Any) -> None:
    await start(api, app)
    api.send_text(USER, "/start src_rutland_library")
    await pump(app)
    assert api.sent(USER)[-1]["text"] == "Shall we start?"
    convs = app.bot_data["conversations"]
    session = convs.engine.load_session(convs.store.load("telegram", str(USER)).state)
    assert session.state.source is None


async def test_the_command_menu_is_registered_per_language(
    api: FakeBotApi, app: Any, real_engine: Engine
) -> None:
    await register_commands(app)
    two_letter = {c for c in real_engine.catalogs.languages() if len(c) == 2 and c != "en"}
    assert {language for _, language in api.commands} == {""} | two_letter
    menus = {language: api.commands[(scope, language)] for scope, language in api.commands}
    for language, menu in menus.items():
        names = [c["command"] for c in menu]
        assert names == [c["command"] for c in menus[""]], language  # same commands, each once
        assert {"start", "help", "back", "language", "easyread", "privacy", "forget"} <= set(names)
        assert all(1 <= len(c["description"]) <= 256 for c in menu)
    for language in two_letter:  # described in the language itself
        assert menus[language] != menus[""], language


@pytest.mark.parametrize(
    ("typed", "messages", "answers"),
    [
        (None, 1, [("welcome", "start")]),  # a tap on "Yes, let's start"
        ("I am scared he will hurt me", 3, []),  # help first, then the question again
    ],
)
async def test_two_workers_given_the_same_update_send_the_same_reply(
    api: FakeBotApi,
    app: Any,
    real_engine: Engine,
    tmp_path: Path,
    typed: str | None,
    messages: int,
    answers: list[tuple[str, str]],
) -> None:
    await start(api, app)
    last = api.sent(USER)[-1]
    if typed is None:
        api.tap(USER, last["message_id"], data_for(last, "start"))
    else:
        api.send_text(USER, typed)
    [update] = await app.bot.get_updates(offset=0, timeout=0)
    db = connect(f"sqlite:///{tmp_path / 'tg.db'}")  # the same database, another process
    other = build_application(
        TOKEN, api.base_url, Conversations(real_engine, ConversationStore(db), channel="telegram")
    )
    before = len(api.sent(USER))
    async with other:
        await app.process_update(update)
        after_first = api.sent(USER)
        await other.process_update(update)  # Telegram retried it to the other worker
    db.dispose()
    # The first worker may have died before replying in full: the person gets all of it again.
    first = [(m["text"], buttons(m)) for m in after_first[before:]]
    again = [(m["text"], buttons(m)) for m in api.sent(USER)[len(after_first) :]]
    assert len(first) == messages and again == first
    convs = app.bot_data["conversations"]
    session = convs.engine.load_session(convs.store.load("telegram", str(USER)).state)
    assert session.state.answers == answers
    assert session.state.alarms == ([] if typed is None else ["safeguarding"])  # raised once


async def test_a_tap_telegram_will_not_let_us_answer_still_counts(
    api: FakeBotApi, app: Any
) -> None:
    await start(api, app)
    api.refuse("answerCallbackQuery", "Bad Request: query is too old and response timeout expired")
    nxt = await tap(api, app, "start")
    assert nxt["text"].startswith("Question 1 of 13\nWho is answering")


async def test_a_stale_tap_takes_the_keyboard_off_without_a_tick(api: FakeBotApi, app: Any) -> None:
    first = await start(api, app)
    api.send_text(USER, "yes")  # answered by typing: the buttons stay on "Shall we start?"
    await pump(app)
    api.tap(USER, first["message_id"], data_for(first, "privacy"))
    await pump(app)
    old = next(m for m in api.sent(USER) if m["message_id"] == first["message_id"])
    assert old["text"] == "Shall we start?" and "reply_markup" not in old
    assert any(t.startswith("That question has moved on") for t in texts(api))


async def test_i_dont_understand_is_not_ticked_as_an_answer(api: FakeBotApi, app: Any) -> None:
    first = await start(api, app)
    await tap(api, app, "_explain")
    old = next(m for m in api.sent(USER) if m["message_id"] == first["message_id"])
    assert "✓" not in old["text"] and "reply_markup" not in old


async def test_a_sticker_redelivered_to_another_worker_is_answered_once(
    api: FakeBotApi, app: Any, real_engine: Engine, tmp_path: Path
) -> None:
    await start(api, app)
    before = len(api.sent(USER))
    api.send_sticker(USER)
    [update] = await app.bot.get_updates(offset=0, timeout=0)
    db = connect(f"sqlite:///{tmp_path / 'tg.db'}")
    other = build_application(
        TOKEN, api.base_url, Conversations(real_engine, ConversationStore(db), channel="telegram")
    )
    async with other:
        await app.process_update(update)
        await other.process_update(update)  # the first worker's memory does not reach here
    db.dispose()
    new = texts(api)[before:]
    assert len(new) == 3 and "typed words and buttons" in new[0]
    assert new[1] == new[2] == "Shall we start?"  # the second worker shows only the question


async def test_easy_read_sends_cards_as_photos_with_the_question_as_caption(
    api: FakeBotApi, real_engine: Engine, tmp_path: Path
) -> None:
    fonts = Path("/usr/share/fonts/truetype/noto")
    if not (fonts / "NotoSans-Regular.ttf").exists():
        pytest.skip("Noto fonts (Debian fonts-noto-core) are not installed")
    db = connect(f"sqlite:///{tmp_path / 'tg.db'}")
    upgrade(db)
    convs = Conversations(real_engine, ConversationStore(db), channel="telegram")
    application = build_application(
        TOKEN, api.base_url, convs, cards=Cards(tmp_path / "cards", fonts)
    )
    async with application:
        card = await start(api, application, easy_read="yes")
        assert card["caption"] == "Shall we start?" and card["photo"]
        assert next(label for label, _ in buttons(card)) == "Yes, let's start"
        api.tap(USER, card["message_id"], data_for(card, "start"))
        await pump(application)
        tapped = next(m for m in api.sent(USER) if m["message_id"] == card["message_id"])
        assert tapped["caption"] == "Shall we start?\n\n✓ Yes, let's start"
        assert api.sent(USER)[-1]["caption"].startswith("Question 1 of 13\nWho is answering")
        api.send_text(USER, "/back")
        await pump(application)
    db.dispose()
    photos = [p["photo"] for name, p in api.calls if name == "sendPhoto"]
    assert len(photos) == 3
    assert isinstance(photos[-1], str) and photos[-1].startswith("photo-")  # sent by file id
    assert len(list((tmp_path / "cards").glob("*.png"))) == 2


async def test_two_taps_racing_on_one_question_apply_once(api: FakeBotApi, app: Any) -> None:
    question = await start(api, app)
    api.tap(USER, question["message_id"], data_for(question, "start"))
    api.tap(USER, question["message_id"], data_for(question, "privacy"))
    updates = await app.bot.get_updates(offset=0, timeout=0)
    await asyncio.gather(*(app.process_update(u) for u in updates))
    convs = app.bot_data["conversations"]
    session = convs.engine.load_session(convs.store.load("telegram", str(USER)).state)
    assert len(session.state.answers) == 1  # one of them, not both
    assert sum(t.startswith("That question has moved on") for t in texts(api)) == 1


async def test_turns_work_on_either_database(api: FakeBotApi, real_engine: Engine, db) -> None:
    """SQLite turns run on the event loop, PostgreSQL turns in a worker thread."""
    convs = Conversations(real_engine, ConversationStore(db), channel="telegram")
    application = build_application(TOKEN, api.base_url, convs)
    async with application:
        question = await start(api, application)
        assert question["text"] == "Shall we start?"
        nxt = await tap(api, application, "start")
    assert nxt["text"].startswith("Question 1 of 13\nWho is answering")
    stored = convs.store.load("telegram", str(USER))
    assert stored is not None and convs.engine.load_session(stored.state).state.answers

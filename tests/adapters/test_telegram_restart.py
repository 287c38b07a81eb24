"""The real ``carercheck telegram`` process, killed mid-screening and started again."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pytest

from bot.testing.keys import TEST_KEY
from bot.testing.telegram import FakeBotApi, updates

ROOT = Path(__file__).resolve().parent.parent.parent
TOKEN = "123:ABC"
USER = 42
WAIT = 30.0
"""Seconds to wait for the bot: generous, as every wait polls and returns once it is done."""
PROGRESS = re.compile(r"Question (\d+) of (\d+)")


class Bot:
    """``carercheck telegram`` (long polling) against the fake Bot API; output to a file."""

    def __init__(self, tmp_path: Path, api: FakeBotApi, name: str) -> None:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("CARERCHECK_") and k != "TELEGRAM_BOT_TOKEN"
        }
        env |= {
            "PYTHONPATH": str(ROOT),
            "CARERCHECK_DATABASE_URL": f"sqlite:///{tmp_path / 'chat.db'}",
            "CARERCHECK_TELEGRAM_API_URL": api.base_url,
            "CARERCHECK_ENCRYPTION_KEYS": TEST_KEY,
            "TELEGRAM_BOT_TOKEN": TOKEN,
        }
        self.log_path = tmp_path / f"{name}.log"
        self._log: IO[str] = self.log_path.open("w", encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "telegram"],
            cwd=tmp_path,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8")

    def wait_until(self, predicate: Callable[[], Any], what: str) -> None:
        deadline = time.monotonic() + WAIT
        while not predicate():
            if self.proc.poll() is not None:
                code = self.proc.returncode
                raise AssertionError(f"the bot exited ({code}) before {what}:\n{self.log()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"gave up waiting for {what}; bot output:\n{self.log()}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no clean-up and no goodbye; what was saved is all there is."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self._log.close()

    def stop(self) -> None:
        """SIGTERM, on which PTB stops polling and the command returns; SIGKILL if it lingers."""
        if self.proc.poll() is None:
            self.proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=10)
        self.kill()


def questions(api: FakeBotApi) -> list[dict[str, Any]]:
    """The messages sent to USER that still have buttons, as they are now."""
    return [m for m in api.sent(USER) if m.get("reply_markup")]


def newest_after(api: FakeBotApi, message_id: int) -> dict[str, Any] | None:
    """The newest message with buttons sent after message ``message_id``, if there is one yet."""
    later = [m for m in questions(api) if m["message_id"] > message_id]
    return later[-1] if later else None


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


def an_answer(message: dict[str, Any]) -> tuple[str, str]:
    """The label and callback data of the first real answer (not "I don't understand")."""
    answers = [(label, data) for label, data in buttons(message) if not data.endswith("_explain")]
    assert answers, f"no answer buttons on {message['text']!r}"
    return answers[0]


def question_prompt(message: dict[str, Any]) -> str:
    return buttons(message)[0][1].split(":")[0]


def progress(message: dict[str, Any]) -> int:
    found = PROGRESS.match(message["text"])
    assert found, f"no progress line on {message['text']!r}"
    return int(found.group(1))


def confirmed(api: FakeBotApi, update_id: int) -> bool:
    """Whether the bot has asked for updates after ``update_id``: it will not get it again."""
    offsets = [p.get("offset") for name, p in api.calls if name == "getUpdates"]
    return any(int(offset or 0) > update_id for offset in offsets)


def tap(
    bot: Bot, api: FakeBotApi, question: dict[str, Any], option: str | None = None
) -> dict[str, Any]:
    """Tap ``option`` (default: the first answer) on ``question``; return the next question."""
    data = an_answer(question)[1] if option is None else f"{question_prompt(question)}:{option}"
    tapped = api.tap(USER, question["message_id"], data)
    after = question["message_id"]
    bot.wait_until(lambda: newest_after(api, after), f"the question after {question['text']!r}")
    bot.wait_until(lambda: confirmed(api, tapped["update_id"]), "the tap to be confirmed")
    marked = question["message_id"]  # the bot marks the answer after it sends the next question
    bot.wait_until(
        lambda: all(m["message_id"] != marked for m in questions(api)), "the answer to be marked"
    )
    found = newest_after(api, after)
    assert found is not None
    return found


@pytest.mark.slow
def test_killed_mid_screening_the_person_taps_the_next_answer_and_carries_on(
    tmp_path: Path,
) -> None:
    with FakeBotApi(token=TOKEN) as api:
        first = Bot(tmp_path, api, "first")
        try:
            api.send_text(USER, "/start")
            first.wait_until(lambda: questions(api), "the language question")
            easy_read = tap(first, api, questions(api)[-1], "en")
            asked = [tap(first, api, easy_read, "no")]  # each question as first sent
            for _ in range(3):
                asked.append(tap(first, api, asked[-1]))
            assert [progress(q) for q in asked[1:]] == [1, 2, 3]
        finally:
            first.kill()
        welcome = [m["text"] for m in api.sent(USER)[:3]]
        before = len(api.sent(USER))
        calls = len(api.calls)

        second = Bot(tmp_path, api, "second")
        try:
            second.wait_until(
                lambda: any(name == "getUpdates" for name, _ in api.calls[calls:]),
                "the restarted bot to poll",
            )
            assert len(api.sent(USER)) == before  # it says nothing until spoken to

            # The question shown when the bot was killed: the person taps its next answer.
            last = asked[-1]
            nxt = tap(second, api, last)
            assert progress(nxt) == progress(last) + 1  # the earlier answers are all there
            after = [m["text"] for m in api.sent(USER)[before:]]
            assert not any("starting again" in text or "Welcome back" in text for text in after)
            assert not set(welcome) & set(after), after
            shown = next(m for m in api.sent(USER) if m["message_id"] == last["message_id"])
            assert shown["text"] == f"{last['text']}\n\n✓ {an_answer(last)[0]}"
            assert "reply_markup" not in shown

            # A question answered before the kill, its buttons still showing on some phone.
            answered = asked[1]
            count = len(api.sent(USER))
            data = an_answer(answered)[1]
            query = updates.callback_query("99", updates.user(USER), answered, data)
            api.enqueue({"callback_query": query})
            second.wait_until(lambda: newest_after(api, nxt["message_id"]), "the moved-on reply")
            reply = api.sent(USER)[count:]
            assert reply[0]["text"].startswith("That question has moved on"), reply
            assert reply[-1]["text"] == nxt["text"]
            assert buttons(reply[-1]) == buttons(nxt)
        finally:
            second.stop()
        assert second.proc.returncode == 0, second.log()
        api.assert_clean()

"""Telegram benchmark: carercheck's bot beside a plain python-telegram-bot bot, in one run.

Run it with ``.venv/bin/python bench/telegram.py`` (200, 2,000 and 20,000 users, a few minutes),
or for instance::

    .venv/bin/python bench/telegram.py --quick              # 200 and 2,000 users
    .venv/bin/python bench/telegram.py --sizes 500,5000 --repeat 1
    .venv/bin/python bench/telegram.py --http               # turn latency over loopback HTTP
    .venv/bin/python bench/telegram.py --profile --sizes 2000

Both bots ask the ten questions of ``bench/data/ten_questions.yaml`` with the same buttons:

- ``carercheck``: ``bot.adapters.telegram.build_application`` with ``Conversations`` on a SQLite
  file (WAL, synchronous=NORMAL): every turn is committed before its reply is sent.
- ``ptb-flush`` and ``ptb-default``: a plain ``ConversationHandler`` bot with
  ``PicklePersistence(on_flush=True)`` (pickle written only at shutdown) and with the default
  ``on_flush=False`` (the whole pickle rewritten on every ``update_persistence``). The benchmark
  calls ``Application.update_persistence`` after every update, as a bot that keeps every turn
  would; PTB itself calls it every ``update_interval`` (60 s) while running.

Updates are built in process and fed to ``Application.process_update``. By default the Bot API
is a stub ``BaseRequest`` that answers at once, with no network; with ``--http`` the bots talk
HTTP to the fake Bot API (``bot.testing.telegram.FakeBotApi``) in another process on loopback.
First every user sends /start (not timed); then users tap their answers round-robin, one turn
each in turn, so every user's state is live at once. Each case runs in a fresh process pinned to
one CPU. Targets are printed as PASS/MISS and never fail the run. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import itertools
import json
import os
import pstats
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

# This file is named telegram.py, and Python puts its folder first on sys.path when it runs it:
# without this, "import telegram" below would import this file instead of python-telegram-bot.
if sys.path and sys.path[0] == os.path.dirname(os.path.abspath(__file__)):
    sys.path.pop(0)

from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

import telegram
import yaml
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    PicklePersistence,
)
from telegram.request import BaseRequest, HTTPXRequest, RequestData
from telegram.warnings import PTBUserWarning

from bot.adapters.telegram import build_application
from bot.content import build_engine
from bot.startup import settle
from bot.storage import Conversations, ConversationStore, connect, upgrade
from bot.testing.keys import fixed_cipher
from bot.testing.telegram.updates import bot_user, callback_query, chat, text_message, user

DATA = Path(__file__).resolve().parent / "data"
FLOW = DATA / "ten_questions.yaml"
TOKEN = "123:ABC"  # made up; the stub and the fake server accept it
ME = bot_user(123)
EXPLAIN = ("_explain", "I don't understand")  # the engine adds this button to every question
ANSWERS = ("yes", "no", "not_sure")  # user u answers question q with ANSWERS[(u + q) % 3]
BOTS = ("carercheck", "ptb-flush", "ptb-default")
LABEL = {
    "carercheck": "carercheck (SQLite, WAL)",
    "ptb-flush": "PTB pickle on_flush=True",
    "ptb-default": "PTB pickle default",
    "as-built": "carercheck as built",
}
RATIO_TARGET = 1.0  # carercheck turns/s / ptb-flush turns/s, at every size
FLAT_TARGET = 0.8  # carercheck turns/s at the most users / at the fewest
P99_TARGET_MS = 10.0  # carercheck turn latency over loopback HTTP
BIG = 10_000  # from this many users a case runs --big-repeat times
PROBE_USERS, PROBE_TURNS = 30, 60  # carercheck as built, with its 30 requests/s limiter
FIRST_USER = 1_000_001  # Telegram user ids (and private chat ids) are FIRST_USER + u
Json = dict[str, Any]
Turn = Callable[[Update], Awaitable[None]]


class Question(NamedTuple):
    id: str
    text: str
    help: str
    options: tuple[tuple[str, str], ...]  # (option id, label), EXPLAIN last


def read_flow(path: Path = FLOW) -> tuple[list[Question], str]:
    """The flow's questions in order and its closing message, read as plain YAML (no engine).

    The benchmark flow is a straight line: each question routes to the next, then the outcome.
    """
    flow = yaml.safe_load(path.read_text(encoding="utf-8"))
    nodes, node = flow["nodes"], flow["start"]
    questions: list[Question] = []
    while "question" in nodes[node]:
        raw = nodes[node]
        options = (*((o["id"], o["label"]) for o in raw["options"]), EXPLAIN)
        questions.append(Question(node, raw["question"], raw["help"], options))
        node = raw["routes"][-1]["goto"]
    return questions, "\n".join(nodes[node]["say"])


class Outbox:
    """What the bot sent: each chat's last message, kept small, and user 0's whole transcript.

    Texts and keyboards are shared between chats that got the same one, so that holding the
    last message of 20,000 chats costs the benchmark little memory.
    """

    def __init__(self) -> None:
        self.last: dict[int, tuple[int, str, Json | None]] = {}  # chat -> (id, text, markup)
        self.transcript: list[str] = []  # user 0's messages and edits, with their buttons
        self._shared: dict[str, Any] = {}
        self.waited = 0.0  # seconds with an HTTP call in flight (--http)
        self.in_flight, self.since = 0, 0.0

    def record(self, method: str, result: Any) -> None:
        """Remember a message the Bot API returned for sendMessage or an edit."""
        if not isinstance(result, dict) or "text" not in result:
            return
        chat_id, text, markup = result["chat"]["id"], result["text"], result.get("reply_markup")
        if chat_id == FIRST_USER:
            labels = [b["text"] for row in (markup or {}).get("inline_keyboard", []) for b in row]
            self.transcript.append(f"{method}: {text!r} {labels}")
        if method != "sendMessage":
            return
        text = self._shared.setdefault(text, text)
        if markup is not None:
            markup = self._shared.setdefault(json.dumps(markup, sort_keys=True), markup)
        self.last[chat_id] = (result["message_id"], text, markup)

    def tap(self, bot: Any, update_id: int, u: int, option: str) -> Update:
        """User ``u`` taps the button for ``option`` on the last message the bot sent them."""
        message_id, text, markup = self.last[FIRST_USER + u]
        buttons = [b for row in (markup or {}).get("inline_keyboard", []) for b in row]
        data = next(
            b["callback_data"] for b in buttons if b["callback_data"].endswith(f":{option}")
        )
        on = {"message_id": message_id, "date": 0, "chat": chat(FIRST_USER + u), "from": ME}
        query = callback_query(str(update_id), user(FIRST_USER + u), on | {"text": text}, data)
        query["message"]["reply_markup"] = markup
        return Update.de_json({"update_id": update_id, "callback_query": query}, bot)


def start_update(bot: Any, update_id: int, u: int) -> Update:
    """User ``u`` sends /start in their private chat with the bot."""
    who = FIRST_USER + u
    sent = text_message(update_id, user(who), chat(who), "/start")
    return Update.de_json({"update_id": update_id, "message": sent}, bot)


class StubRequest(BaseRequest):
    """The Bot API answered in process: a canned successful result for every method, no network.

    sendMessage and editMessageText return the Message as Telegram would; other methods (such as
    answerCallbackQuery and editMessageReplyMarkup) return true.
    """

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        self._ids = itertools.count(1)

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **_: Any
    ) -> tuple[int, bytes]:
        """Answer one Bot API call with ``{"ok": true, "result": ...}``."""
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        result: Any = True
        if name == "getMe":
            result = ME
        elif name in ("sendMessage", "editMessageText"):
            message_id = params.get("message_id") or next(self._ids)
            result = {"message_id": message_id, "date": int(time.time()), "from": ME}
            result |= {"chat": chat(int(params["chat_id"])), "text": params["text"]}
            if "reply_markup" in params:
                result["reply_markup"] = params["reply_markup"]
            self.outbox.record(name, result)
        return 200, json.dumps({"ok": True, "result": result}).encode()


class RecordingRequest(HTTPXRequest):
    """PTB's own HTTP request class, noting the messages the fake Bot API returns."""

    def __init__(self, outbox: Outbox) -> None:
        super().__init__(connection_pool_size=8)
        self.outbox = outbox

    async def do_request(self, url: str, method: str, *args: Any, **kw: Any) -> tuple[int, bytes]:
        """Send the request over HTTP; remember what sendMessage and the edits returned.

        ``waited`` grows by the time at least one request is in flight: calls made at the same
        time count once.
        """
        outbox = self.outbox
        if outbox.in_flight == 0:
            outbox.since = time.perf_counter()
        outbox.in_flight += 1
        try:
            code, body = await super().do_request(url, method, *args, **kw)
        finally:
            outbox.in_flight -= 1
            if outbox.in_flight == 0:
                outbox.waited += time.perf_counter() - outbox.since
        name = url.rsplit("/", 1)[-1]
        if code == 200 and name in ("sendMessage", "editMessageText"):
            self.outbox.record(name, json.loads(body)["result"])
        return code, body


class PlainBot:
    """The baseline: the flow's questions in a ConversationHandler, the answers in user_data."""

    def __init__(self, questions: list[Question], outcome: str) -> None:
        self.questions = questions
        self.outcome = outcome

    def handler(self) -> ConversationHandler:  # type: ignore[type-arg]
        """One state per question; each accepts only its own question's buttons."""
        states = {
            i: [CallbackQueryHandler(self.answer, pattern=f"^{i + 1}:")]
            for i in range(len(self.questions))
        }
        with warnings.catch_warnings():  # per_message=False is meant: one conversation per chat
            warnings.simplefilter("ignore", PTBUserWarning)
            return ConversationHandler(
                entry_points=[CommandHandler("start", self.start)],
                states=states,  # type: ignore[arg-type]
                fallbacks=[CommandHandler("start", self.start)],
                name="screening",
                persistent=True,
            )

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """/start: forget earlier answers and ask the first question."""
        assert update.effective_chat is not None and context.user_data is not None
        context.user_data["answers"] = {}
        await self.ask(context, update.effective_chat.id, 0)
        return 0

    async def ask(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, i: int) -> None:
        """Send question ``i`` with its buttons, numbered as carercheck numbers them."""
        q = self.questions[i]
        rows = [
            [InlineKeyboardButton(label, callback_data=f"{i + 1}:{o}")] for o, label in q.options
        ]
        text = f"Question {i + 1} of {len(self.questions)}\n{q.text}"
        await context.bot.send_message(chat_id, text, reply_markup=InlineKeyboardMarkup(rows))

    async def answer(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """A tap: mark the answer on the question, keep it, ask the next question or finish."""
        query = update.callback_query
        assert query is not None and query.data and query.message and context.user_data is not None
        await query.answer()
        prompt, option = query.data.split(":", 1)
        i, chat_id = int(prompt) - 1, query.message.chat.id
        q = self.questions[i]
        if option == EXPLAIN[0]:
            await context.bot.send_message(chat_id, q.help)
            await self.ask(context, chat_id, i)
            return i
        text = getattr(query.message, "text", "")
        await query.edit_message_text(f"{text}\n\n✓ {dict(q.options)[option]}")
        context.user_data["answers"][q.id] = option
        if i + 1 < len(self.questions):
            await self.ask(context, chat_id, i + 1)
            return i + 1
        await context.bot.send_message(chat_id, self.outcome)
        return ConversationHandler.END


class Case(NamedTuple):
    app: Application  # type: ignore[type-arg]
    turn: Turn  # process one update; the baseline also updates its persistence
    info: str


def carercheck_case(folder: str, requests: tuple[BaseRequest, BaseRequest], **kw: Any) -> Case:
    """``build_application`` on ``Conversations`` in a fresh SQLite file (WAL).

    ``build_application`` takes no request object, so the bot's two requests are swapped in.
    Its ``AIORateLimiter`` stays in the path, but with no rate, unless ``throttle`` is true:
    at Telegram's 30 requests/s it would measure the limit, not the bot.
    """
    db = connect(f"sqlite:///{folder}/bench.db")
    upgrade(db)
    with db.connect() as conn:
        journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        level = int(conn.exec_driver_sql("PRAGMA synchronous").scalar() or 0)
    conversations = Conversations(
        build_engine(DATA), ConversationStore(db), channel="telegram", cipher=fixed_cipher()
    )
    app = build_application(TOKEN, kw.get("base_url"), conversations)
    app.bot._request = requests
    if not kw.get("throttle"):
        app.bot._rate_limiter = AIORateLimiter(overall_max_rate=0, group_max_rate=0)
    sync = ["OFF", "NORMAL", "FULL", "EXTRA"][level]
    settle()  # as `carercheck telegram` does just before it serves
    return Case(app, app.process_update, f"carercheck: journal_mode={journal} synchronous={sync}")


def ptb_case(folder: str, requests: tuple[BaseRequest, BaseRequest], **kw: Any) -> Case:
    """The plain PTB bot with PicklePersistence; ``update_persistence`` after every update."""
    on_flush = bool(kw.get("on_flush"))
    persistence = PicklePersistence(Path(folder) / "ptb.pickle", on_flush=on_flush)
    builder = Application.builder().token(TOKEN).persistence(persistence)
    builder = builder.get_updates_request(requests[0]).request(requests[1])
    if kw.get("base_url"):
        builder = builder.base_url(kw["base_url"])
    app = builder.build()
    app.add_handler(PlainBot(*read_flow()).handler())

    async def turn(update: Update) -> None:
        await app.process_update(update)
        await app.update_persistence()

    return Case(app, turn, f"PTB PicklePersistence(single_file=True, on_flush={on_flush})")


def make_case(bot: str, folder: str, outbox: Outbox, base_url: str | None) -> Case:
    """The bot named ``bot``, its Bot API calls answered by a stub or sent to ``base_url``."""
    requests: tuple[BaseRequest, BaseRequest]
    if base_url:
        requests = (RecordingRequest(outbox), RecordingRequest(outbox))
    else:
        requests = (StubRequest(outbox), StubRequest(outbox))
    if bot in ("carercheck", "as-built"):
        return carercheck_case(folder, requests, base_url=base_url, throttle=bot == "as-built")
    return ptb_case(folder, requests, base_url=base_url, on_flush=bot == "ptb-flush")


async def start_all(case: Case, users: int, ids: itertools.count[int]) -> None:
    """Every user sends /start. The baseline's pickle is then written once, not once a user.

    (With ``on_flush=False`` one ``update_persistence`` after 20,000 new users would rewrite
    the whole pickle for each of them, three times: hours.)
    """
    persistence = case.app.persistence
    if isinstance(persistence, PicklePersistence):
        on_flush, persistence.on_flush = persistence.on_flush, True
    for u in range(users):
        await case.app.process_update(start_update(case.app.bot, next(ids), u))
    if isinstance(persistence, PicklePersistence):
        await case.app.update_persistence()
        await persistence.flush()
        persistence.on_flush = on_flush


async def drive(case: Case, outbox: Outbox, users: int, args: argparse.Namespace) -> Json:
    """Start every user (not timed), then time taps round-robin until done, --turns or --budget.

    Returns:
        Turns timed, seconds in them, each turn's seconds (``--http``) and the outcome check.
    """
    questions, outcome = read_flow()
    bot, ids = case.app.bot, itertools.count(1)
    await start_all(case, users, ids)
    spent, done, took = 0.0, 0, list[float]()  # each turn's seconds are kept with --http only
    waited, wall, cpu = outbox.waited, time.perf_counter(), time.process_time()
    turns = min(args.turns, len(questions) * users)
    while done < turns and spent <= args.budget:
        u, q = done % users, done // users
        update = outbox.tap(bot, next(ids), u, ANSWERS[(u + q) % len(ANSWERS)])
        started = time.perf_counter()
        await case.turn(update)
        seconds = time.perf_counter() - started
        spent, done = spent + seconds, done + 1
        if args.http:
            took.append(seconds)
    cpu = (time.process_time() - cpu) / (time.perf_counter() - wall)  # below 1: others ran
    finished = sum(outbox.last[FIRST_USER + u][1] == outcome for u in range(users))
    expected = max(0, done - (len(questions) - 1) * users)
    return dict(
        turns=done,
        seconds=spent,
        stopped=done < turns,
        on_script=finished == expected,
        took=took,
        http_seconds=outbox.waited - waited,
        cpu=cpu,
    )


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run(bot: str, users: int, folder: str, args: argparse.Namespace) -> Json:
    """One case: build the bot, drive it, shut it down (the baseline writes its pickle then)."""
    outbox = Outbox()
    case = make_case(bot, folder, outbox, args.base_url)
    await case.app.initialize()
    try:
        base_mb = max_rss_mb()
        result = await drive(case, outbox, users, args)
    finally:
        closing = time.perf_counter()
        await case.app.shutdown()
    shutdown = time.perf_counter() - closing
    return result | dict(
        bot=bot,
        users=users,
        base_mb=base_mb,
        peak_mb=max_rss_mb(),  # the whole run, the baseline's pickle at shutdown included
        shutdown_s=shutdown,
        info=case.info,
        transcript=outbox.transcript,
    )


def pin() -> bool:
    """Pin this process to one CPU (the lowest) where the platform can; True if it did."""
    if not hasattr(os, "sched_setaffinity"):
        return False
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    return True


def serve(args: argparse.Namespace) -> None:
    """Run the fake Bot API for --http in this process, on another CPU than the bot's.

    Prints its base URL, serves until stdin closes, then prints how many calls it answered and
    the first few that broke the Bot API spec. It collects no garbage: it keeps every call it
    answered, and a full collection over them would stall it, and the bot waiting on it, by
    more the longer the run (it stands in for Telegram, whose pauses are not measured here).
    """
    from bot.testing.telegram import FakeBotApi  # noqa: PLC0415

    gc.disable()

    cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()
    if len(cpus) > 1:
        os.sched_setaffinity(0, {max(cpus)})
    with FakeBotApi(token=TOKEN, max_poll=0.1, latency=args.api_ms / 1000) as api:
        print(api.base_url, flush=True)
        sys.stdin.read()
        print(json.dumps({"calls": len(api.calls), "violations": api.violations[:3]}), flush=True)


def one(args: argparse.Namespace, bot: str, users: int) -> Json:
    """Run one case in this process (and, with --http, a fake Bot API in another)."""
    pinned = pin()
    folder = tempfile.mkdtemp(prefix="carercheck-tg-bench-", dir=args.dir)
    server = None
    if args.http:
        cmd = [sys.executable, __file__, "--serve", f"--api-ms={args.api_ms}"]
        server = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert server.stdout is not None
        args.base_url = server.stdout.readline().strip()
    try:
        result = asyncio.run(run(bot, users, folder, args))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if server is not None:
            out, _ = server.communicate("", timeout=30)
            result["server"] = json.loads(out.splitlines()[-1])
    return result | dict(pinned=pinned)


def split_turn(
    args: argparse.Namespace, users: int, main_thread: Any, worker: Any
) -> tuple[Json, float]:
    """One carercheck case in this process, with ``Conversations.turn`` timed in its thread.

    ``main_thread`` and ``worker`` are cProfile profilers or None: a profiler follows only the
    thread that enables it, and the storage turn runs in a worker thread.

    Returns:
        The case's result, and the mean seconds of a ``Conversations.turn`` call.
    """
    real_turn, in_turn = Conversations.turn, [0.0, 0]

    def turn(self: Conversations, *a: Any, **kw: Any) -> Any:
        started = time.perf_counter()
        if worker:
            worker.enable()
        try:
            return real_turn(self, *a, **kw)
        finally:
            if worker:
                worker.disable()
            in_turn[0], in_turn[1] = in_turn[0] + time.perf_counter() - started, in_turn[1] + 1

    folder = tempfile.mkdtemp(prefix="carercheck-tg-bench-", dir=args.dir)
    Conversations.turn = turn  # type: ignore[method-assign]
    try:
        if main_thread:
            main_thread.enable()
        result = asyncio.run(run("carercheck", users, folder, args))
        if main_thread:
            main_thread.disable()
    finally:
        Conversations.turn = real_turn  # type: ignore[method-assign]
        shutil.rmtree(folder, ignore_errors=True)
    return result, in_turn[0] / max(in_turn[1], 1)


def profile(args: argparse.Namespace, users: int) -> None:
    """Where carercheck's tap goes: timed plainly, then under cProfile, in both threads."""
    pin()
    main_thread, worker = cProfile.Profile(), cProfile.Profile()
    for how, profilers in (("plainly", (None, None)), ("under cProfile", (main_thread, worker))):
        result, storage = split_turn(args, users, *profilers)
        tap = result["seconds"] / result["turns"]
        print(
            f"{how}: {result['turns']:,} taps, {users:,} users: {1e6 * tap:,.0f} us a tap, of"
            f" which Conversations.turn (worker thread) {1e6 * storage:,.0f} us"
        )
    for name, prof in (
        ("event loop thread (all turns, /start too)", main_thread),
        ("worker thread: Conversations.turn", worker),
    ):
        print(f"\n--- {name}, by own time")
        pstats.Stats(prof).sort_stats("tottime").print_stats(14)


def case(args: argparse.Namespace, bot: str, users: int, turns: int | None = None) -> Json | None:
    """Run one case in a fresh process; None (and its error printed) if it failed."""
    flags = [f"--turns={turns or args.turns}", f"--budget={args.budget}", f"--dir={args.dir}"]
    flags.append(f"--api-ms={args.api_ms}")
    cmd = [sys.executable, __file__, "--one", bot, str(users), *flags, *["--http"] * args.http]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(f"{bot}, {users:,} users: failed\n{done.stderr[-4000:]}", flush=True)
        return None
    return json.loads(done.stdout.splitlines()[-1])


def summary(runs: list[Json]) -> Json:
    """Medians over the repetitions of one (bot, users) case."""
    rates = [r["turns"] / r["seconds"] for r in runs]
    mid = statistics.median
    return dict(
        bot=runs[0]["bot"],
        users=runs[0]["users"],
        turns=runs[0]["turns"],
        rate=mid(rates),
        lo=min(rates),
        hi=max(rates),
        base_mb=mid(r["base_mb"] for r in runs),
        peak_mb=mid(r["peak_mb"] for r in runs),
        cpu=mid(r["cpu"] for r in runs),
        shutdown_s=mid(r["shutdown_s"] for r in runs),
        stopped=any(r["stopped"] for r in runs),
        on_script=all(r["on_script"] for r in runs),
        pinned=all(r["pinned"] for r in runs),
        info=runs[0]["info"],
        transcript=runs[0]["transcript"],
    )


HEADER = (
    f"{'bot':<27}{'users':>7}{'turns':>8}{'turns/s':>9}{'min':>8}{'max':>8}{'us/turn':>8}"
    f"{'cpu%':>5}{'peak MB':>8}{'KB/user':>8}{'cc/flush':>9}{'cc/dflt':>8}"
)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def row(s: Json, rates: dict[tuple[str, int], float]) -> str:
    """One (bot, users) result; carercheck's rows carry its ratios to both baselines."""
    ratios = ""
    if s["bot"] == "carercheck":
        for other, width in (("ptb-flush", 9), ("ptb-default", 8)):
            base = rates.get((other, s["users"]))
            ratios += f"{s['rate'] / base:>{width - 1}.2f}x" if base else " " * width
    kb_user = (s["peak_mb"] - s["base_mb"]) * 1024 / s["users"]
    notes = "  (stopped at --budget)" * s["stopped"] + "  OFF SCRIPT" * (not s["on_script"])
    return (
        f"{LABEL[s['bot']]:<27}{s['users']:>7,}{s['turns']:>8,}{s['rate']:>9,.0f}{s['lo']:>8,.0f}"
        f"{s['hi']:>8,.0f}{1e6 / s['rate']:>8,.0f}{s['cpu']:>5.0%}{s['peak_mb']:>8.1f}"
        f"{kb_user:>8.2f}"
        f"{ratios}{notes}"
    )


def same_messages(sums: list[Json]) -> str:
    """Whether every bot sent user 0 the same messages, edits and buttons (smallest size).

    A run stopped by --budget has fewer of them, so each comparison covers the taps both made.
    """
    fewest = min(s["users"] for s in sums)
    scripts = {s["bot"]: s["transcript"] for s in sums if s["users"] == fewest}
    ours = scripts.get("carercheck")
    if ours is None:
        return "  same messages: no carercheck run to compare"
    order = ""
    for bot, theirs in scripts.items():
        n = min(len(ours), len(theirs))  # /start gives 1; each tap 2, an edit and a new message
        if sorted(theirs[:n]) != sorted(ours[:n]):
            first = next((a, b) for a, b in zip(ours, theirs, strict=False) if a != b)
            return (
                f"  same messages as {bot}: NO, first difference:\n    {first[0]}\n    {first[1]}"
            )
        if theirs[:n] != ours[:n]:
            order = ", in another order (one edits the tapped question before the next is sent)"
    return f"  same messages: yes, every bot sent user 0 the same messages and edits{order}"


def report(sums: list[Json], sizes: list[int]) -> None:
    """The table again, with ratios, then each target with PASS or MISS."""
    rates = {(s["bot"], s["users"]): s["rate"] for s in sums}
    print("\nResults (medians; cc/flush and cc/dflt: carercheck turns/s over the baseline's)")
    print(HEADER)
    for s in sums:
        print(row(s, rates))
    for info in sorted({s["info"] for s in sums}):
        print(f"as run: {info}")
    flushes = [s for s in sums if s["bot"] == "ptb-flush"]
    for s in flushes:
        print(
            f"PTB on_flush=True wrote its pickle at shutdown, {s['users']:,} users:"
            f" {s['shutdown_s'] * 1000:,.0f} ms; until then nothing was on disk"
        )
    if not all(s["pinned"] for s in sums):
        print("WARNING: not pinned to one CPU (no os.sched_setaffinity here)")
    print("Targets")
    print(same_messages(sums))
    for users in sizes:
        ours, theirs = rates.get(("carercheck", users)), rates.get(("ptb-flush", users))
        if ours and theirs:
            ratio = ours / theirs
            print(
                f"  carercheck >= {RATIO_TARGET}x PTB on_flush=True, {users:,} users:"
                f" {ratio:.2f}x {verdict(ratio >= RATIO_TARGET)}"
            )
    lo, hi = min(sizes), max(sizes)
    if lo < hi and ("carercheck", lo) in rates and ("carercheck", hi) in rates:
        flat = rates["carercheck", hi] / rates["carercheck", lo]
        print(
            f"  flat, carercheck: turns/s at {hi:,} users / at {lo:,} = {flat:.2f}"
            f" (target >= {FLAT_TARGET}) {verdict(flat >= FLAT_TARGET)}"
        )


def throughput(args: argparse.Namespace, sizes: list[int]) -> None:
    """Every (bot, users) case, repetitions interleaved, each in a fresh process."""
    print(
        f"turns timed per case: all taps (10 per user) up to --turns={args.turns:,} or"
        f" --budget={args.budget:g} s of turns; /start for every user first, not timed"
    )
    print(f"runs per case: {args.repeat} below {BIG:,} users, {args.big_repeat} from {BIG:,}")
    print("cpu%: the case's CPU time over wall time while tapping; well below 100%: others ran")
    print(HEADER)
    sums: list[Json] = []
    for users in sizes:
        runs: dict[str, list[Json]] = {bot: [] for bot in BOTS}
        for _ in range(args.repeat if users < BIG else args.big_repeat):
            for bot in BOTS:
                result = case(args, bot, users)
                runs[bot] += [result] if result else []
        for bot in BOTS:
            if runs[bot]:
                sums.append(summary(runs[bot]))
                print(row(sums[-1], {}), flush=True)
    probe = case(args, "as-built", PROBE_USERS, PROBE_TURNS)
    report(sums, sizes)
    if probe:
        print(
            f"  (carercheck as built, its AIORateLimiter at 30 requests/s: "
            f"{probe['turns'] / probe['seconds']:,.1f} turns/s over {probe['turns']} taps of"
            f" {PROBE_USERS} users; the rows above run it with no rate)"
        )


def latency(args: argparse.Namespace) -> None:
    """--http: each bot in a fresh process, its Bot API calls over loopback HTTP."""
    users = args.http_users
    print(
        f"HTTP to the fake Bot API in another process on loopback; {users:,} users;"
        " turn = process_update (and the baseline's update_persistence), HTTP calls included;"
        " HTTP ms: of which a call to the Bot API was in flight, mean a turn"
    )
    print(
        f"{'bot':<27}{'users':>7}{'turns':>7}{'turns/s':>9}{'p50 ms':>8}{'p90 ms':>8}"
        f"{'p99 ms':>8}{'max ms':>8}{'HTTP ms':>8}{'API calls':>10}  spec"
    )
    p99s: dict[str, float] = {}
    for bot in BOTS:
        r = case(args, bot, users)
        if r is None:
            continue
        cuts = statistics.quantiles(r["took"], n=100, method="inclusive")
        p50, p90, p99 = (1000 * cuts[k] for k in (49, 89, 98))
        p99s[bot] = p99
        spec = "ok" if not r["server"]["violations"] else f"BROKEN: {r['server']['violations']}"
        print(
            f"{LABEL[bot]:<27}{users:>7,}{r['turns']:>7,}{r['turns'] / r['seconds']:>9,.0f}"
            f"{p50:>8.2f}{p90:>8.2f}{p99:>8.2f}{1000 * max(r['took']):>8.2f}"
            f"{1000 * r['http_seconds'] / r['turns']:>8.2f}"
            f"{r['server']['calls']:>10,}  {spec}" + "  OFF SCRIPT" * (not r["on_script"]),
            flush=True,
        )
    if args.api_ms:
        print(f"The Bot API answered every call {args.api_ms:g} ms late (--api-ms): no target")
    elif "carercheck" in p99s:
        p99 = p99s["carercheck"]
        print(
            f"Target\n  carercheck p99 turn latency <= {P99_TARGET_MS:g} ms on loopback:"
            f" {p99:.2f} ms {verdict(p99 <= P99_TARGET_MS)}"
        )


def main() -> None:
    """Parse the options; run the cases (each in its own process) and print the tables."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="200,2000,20000", help="comma-separated user counts")
    p.add_argument("--quick", action="store_true", help="200 and 2,000 users only")
    p.add_argument("--repeat", type=int, default=3, help=f"runs per case below {BIG:,} users")
    p.add_argument("--big-repeat", type=int, default=3, help=f"runs per case from {BIG:,} users")
    p.add_argument("--turns", type=int, default=20_000, help="most taps timed per case")
    p.add_argument("--budget", type=float, help="most seconds of taps per case (3; --http 60)")
    p.add_argument("--http", action="store_true", help="latency over loopback HTTP instead")
    p.add_argument("--http-users", type=int, default=200, help="users for --http")
    p.add_argument(
        "--api-ms", type=float, default=0.0, help="--http: ms the Bot API takes to answer a call"
    )
    p.add_argument("--dir", default=tempfile.gettempdir(), help="where the SQLite/pickle go")
    p.add_argument("--profile", action="store_true", help="cProfile carercheck, smallest size")
    p.add_argument("--one", nargs=2, metavar=("BOT", "USERS"), help=argparse.SUPPRESS)
    p.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    args.base_url = None
    args.budget = args.budget or (60.0 if args.http else 3.0)
    sizes = [int(n) for n in ("200,2000" if args.quick else args.sizes).replace("_", "").split(",")]
    if args.serve:
        serve(args)
    elif args.one:
        print(json.dumps(one(args, args.one[0], int(args.one[1]))))
    elif args.profile:
        profile(args, min(sizes))
    else:
        print(f"carercheck Telegram benchmark, {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
        print(
            f"Python {sys.version.split()[0]}, python-telegram-bot {telegram.__version__},"
            f" SQLite {sqlite3.sqlite_version}, CPUs: {os.cpu_count()},"
            f" load average now: {os.getloadavg()[0]:.2f}"
        )
        fs = subprocess.run(
            ["stat", "-fc", "%T", args.dir], capture_output=True, text=True, check=False
        )
        print(
            f"SQLite file and pickle in {args.dir} ({fs.stdout.strip()});"
            " each case in a fresh process pinned to one CPU"
        )
        latency(args) if args.http else throughput(args, sizes)


if __name__ == "__main__":
    main()

"""PTB handlers: an update in, one engine turn (saved before replying), the messages out.

Storage is synchronous. With PostgreSQL each turn runs in a worker thread; with SQLite it runs
on the event loop, because a local turn (about 0.3 ms) costs less than the hop to a thread
(about 0.15 ms here). Turns for one person run one at a time (an ``asyncio.Lock`` per user
id) so their messages keep their order.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import re
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.adapters.cards import Cards
from bot.adapters.telegram.render import Outgoing, outgoing, parse_callback, tapped_label
from bot.engine import Choose, Command, Event, Input, InputRepeated, Text
from bot.engine.events import ResultChanged
from bot.engine.text import fill
from bot.i18n import N_, Msg
from bot.storage import Conversations, Turn

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Alongside = Callable[[Turn], Awaitable[None]]
"""A Bot API call made for a turn while its messages are sent."""
SOURCE_PAYLOAD = re.compile(r"src_([a-z0-9_]{1,40})")
Context = ContextTypes.DEFAULT_TYPE
CHANNEL = "telegram"
SEEN_UPDATES = 10_000
"""Update ids (and groups told to go private) remembered in memory. Storage also refuses a
repeated update, across restarts and workers (``Input.key``), and its reply is sent again;
this only saves it the work."""
COMMANDS = (
    "help",
    "back",
    "restart",
    "language",
    "stop",
    "urgent",
    "forget",
    "privacy",
    "easyread",
    "status",
)
NOT_TEXT = N_(
    "telegram", "I can only read typed words and buttons. Here is the question we are on."
)
PRIVATE_ONLY = N_(
    "telegram",
    "I talk with people one to one, so your answers stay private. Chat with me here: {link}",
)


def utc_now() -> datetime:
    """The wall clock, in UTC."""
    return datetime.now(UTC)


class Handlers:
    """The bot's PTB callbacks, sharing the conversations and the per-person locks."""

    def __init__(
        self, conversations: Conversations, clock: Clock = utc_now, cards: Cards | None = None
    ) -> None:
        self.conversations = conversations
        self.clock = clock
        self.cards = cards
        self._file_ids: dict[str, str] = {}
        self._inline = conversations.store.db.dialect.name == "sqlite"
        """Run turns on the event loop (SQLite, one file, local) rather than in a thread (a
        database over the network, where a turn waits on it)."""
        # A lock lives while a turn holds or waits for it, then goes: memory stays flat.
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._told_groups: OrderedDict[int, None] = OrderedDict()
        self._seen: OrderedDict[int, None] = OrderedDict()

    async def drop_duplicates(self, update: Update, context: Context) -> None:
        """Runs first: an update id seen before (a retried delivery) is not applied again."""
        if update.update_id in self._seen:
            log.info("duplicate update ignored")
            raise ApplicationHandlerStop
        self._seen[update.update_id] = None
        if len(self._seen) > SEEN_UPDATES:
            self._seen.popitem(last=False)

    async def on_text(self, update: Update, context: Context) -> None:
        """Typed words in a private chat: matched against the current question."""
        if update.message is None or update.message.text is None:
            return
        await self._run(update, context, Text(self.clock(), update.message.text))

    async def on_start(self, update: Update, context: Context) -> None:
        """/start: a new person gets the welcome; someone known gets their current question.

        A deep link's payload (``/start src_<id>``) records where a new person came from.
        """
        user_id = _user_id(update)
        if user_id is None or update.effective_chat is None:
            return
        async with self._lock(user_id):
            known = await asyncio.to_thread(self.conversations.store.load, CHANNEL, user_id)
        if known is not None:
            await self._run(update, context, Command(self.clock(), "start"))
            return
        opened = functools.partial(  # the language Telegram reports is suggested; they choose
            self.conversations.open,
            user_id,
            at=self.clock(),
            language=self._language(update),
            source=_source(context.args),
            ask=True,
        )
        async with self._lock(user_id):
            turn = await asyncio.to_thread(opened)
            await self._send(context, update.effective_chat.id, turn)

    async def on_command(self, update: Update, context: Context) -> None:
        """/help, /back, /restart, /language [code], /stop, /urgent; others: "unknown"."""
        text = update.message.text if update.message else None
        if not text:
            return
        name = text.split()[0].lstrip("/").split("@")[0].lower()
        arg = context.args[0] if name == "language" and context.args else None
        await self._run(update, context, Command(self.clock(), name, arg))

    async def on_tap(self, update: Update, context: Context) -> None:
        """A tapped button: its option for the question it was on; forged data gets the question.

        The tap is acknowledged (the button's spinner stops) while the turn runs, and the tapped
        question is marked while the next one is sent: each waits on Telegram only once.
        """
        query = update.callback_query
        if query is None:
            return
        acknowledged = asyncio.ensure_future(_acknowledge(query))
        try:
            await self._tap(update, context, query)
        finally:
            await acknowledged

    async def _tap(self, update: Update, context: Context, query: CallbackQuery) -> None:
        chat = update.effective_chat
        if chat is not None and chat.type != chat.PRIVATE:  # a button in a group: never there
            await self.on_group(update, context)
            return
        parsed = parse_callback(query.data)
        if parsed is None:
            log.info("callback data not ours, showing the current question")
            await self._run(update, context, Command(self.clock(), "start"))
            return
        prompt, option = parsed
        tapped = query.message if isinstance(query.message, Message) else None
        mark = None if tapped is None else functools.partial(_mark, tapped, query.data or "")
        await self._run(update, context, Choose(self.clock(), option, prompt), alongside=mark)

    async def on_other(self, update: Update, context: Context) -> None:
        """Stickers, photos, voice and the like: say what the bot reads, then the question."""
        await self._run(update, context, Command(self.clock(), "start"), first=NOT_TEXT)

    async def on_group(self, update: Update, context: Context) -> None:
        """A group or channel: point to a private chat once; never run the screening there."""
        chat = update.effective_chat
        if chat is None or chat.id in self._told_groups:
            return
        self._told_groups[chat.id] = None
        if len(self._told_groups) > SEEN_UPDATES:
            self._told_groups.popitem(last=False)
        link = f"https://t.me/{context.bot.username}"
        await context.bot.send_message(chat.id, self._say(update, PRIVATE_ONLY, link=link))

    async def send_check_ins(self, context: Context) -> None:
        """A repeating job: send each check-in that has fallen due.

        Several workers may run it at once; storage lets exactly one of them start each
        check-in, and only that one sends it.
        """
        now = self.clock()
        for user_id in await asyncio.to_thread(self.conversations.due_check_ins, now):
            async with self._lock(user_id):
                turn = await asyncio.to_thread(self.conversations.check_in, user_id, now)
                if turn is None:
                    continue
                try:  # in a private chat the chat id is the user id
                    await self._send(context, int(user_id), turn)
                except Forbidden:
                    log.info("check-in not delivered: the person has blocked the bot")

    async def send_notices(self, context: Context) -> None:
        """A repeating job: send people the news about their referrals (each notice once)."""
        taken = await asyncio.to_thread(
            self.conversations.referrals.take_notices, CHANNEL, self.clock()
        )
        for user_id, text in taken:
            try:  # in a private chat the chat id is the user id
                await context.bot.send_message(int(user_id), text)
            except Forbidden:
                log.info("notice not delivered: the person has blocked the bot")

    async def purge(self, context: Context) -> None:
        """A repeating job: delete conversations left longer than people are told we keep them."""
        deleted = await asyncio.to_thread(self.conversations.purge, self.clock())
        await asyncio.to_thread(self.conversations.referrals.purge, self.clock())
        if deleted:
            log.info("deleted %d conversations left for too long", deleted)

    def _language(self, update: Update) -> str | None:
        """The language Telegram reports for the sender, when we have a catalog for it."""
        user = update.effective_user
        code = user.language_code if user else None
        return code if code and self.conversations.engine.catalogs.supports(code) else None

    def _say(self, update: Update, msg: Msg, **values: str) -> str:
        """One of this channel's own messages, in the language Telegram reports if we have it."""
        tr = self.conversations.engine.catalogs.get(self._language(update) or "en")
        return fill(tr.pgettext(msg.context, msg.text), values.get)

    async def _run(
        self,
        update: Update,
        context: Context,
        inp: Input,
        first: Msg | None = None,
        alongside: Alongside | None = None,
    ) -> Turn | None:
        """Run one turn for the sender of ``update`` and send its messages to their chat.

        ``first`` is one of this channel's own messages to send before the turn's; ``alongside``
        is a Bot API call made for the turn while its messages are sent. A repeated
        delivery of the update (same update id) changes nothing and gets the same messages
        again (see ``_repeated``): Telegram delivers again only what got no answer, so the
        worker that took it first may have saved the turn and died before replying in full.
        """
        user_id = _user_id(update)
        if user_id is None or update.effective_chat is None:
            return None
        chat_id = update.effective_chat.id
        keyed = dataclasses.replace(inp, key=str(update.update_id))  # a retry changes nothing
        async with self._lock(user_id):
            try:
                return await self._reply(
                    update, context, chat_id, user_id, keyed, first=first, alongside=alongside
                )
            except TelegramError as exc:
                if telegram_trouble(exc):  # Telegram delivers it again (webhook): let it in
                    self._seen.pop(update.update_id, None)
                raise

    async def _reply(
        self,
        update: Update,
        context: Context,
        chat_id: int,
        user_id: str,
        keyed: Input,
        *,
        first: Msg | None,
        alongside: Alongside | None,
    ) -> Turn | None:
        """The turn, saved, and its messages sent (a repeated delivery's again: None)."""
        turn = await self._turn(user_id, keyed)
        repeated = _repeated(turn)
        if repeated is not None:
            await self._send(context, chat_id, repeated)
            return None
        if first is not None:
            await context.bot.send_message(chat_id, self._say(update, first))
        sending = self._send(context, chat_id, turn)
        if alongside is None:
            await sending
        else:
            await asyncio.gather(sending, alongside(turn))
        return turn

    async def _turn(self, user_id: str, inp: Input) -> Turn:
        if self._inline:  # SQLite: a turn is a quarter of a millisecond; a thread hop costs more
            return self.conversations.turn(user_id, inp)
        return await asyncio.to_thread(self.conversations.turn, user_id, inp)

    async def _send(self, context: Context, chat_id: int, turn: Turn) -> None:
        """Send the turn's messages in order; in Easy Read, pictures as photos with captions."""
        language = turn.session.state.language
        for message in outgoing(turn.events):
            if message.picture is not None and self.cards is not None:
                await self._send_card(context, chat_id, message, language)
            elif message.text:
                await context.bot.send_message(
                    chat_id, message.text, reply_markup=message.reply_markup
                )

    async def _send_card(
        self, context: Context, chat_id: int, message: Outgoing, language: str
    ) -> None:
        """A picture card: drawn once, uploaded once, then sent by Telegram's file id."""
        assert self.cards is not None and message.picture is not None
        path = await asyncio.to_thread(
            self.cards.card, message.picture, message.card_text, language
        )
        photo: str | bytes = self._file_ids.get(path.name) or path.read_bytes()
        sent = await context.bot.send_photo(
            chat_id, photo, caption=message.text or None, reply_markup=message.reply_markup
        )
        if sent.photo and len(self._file_ids) < SEEN_UPDATES:
            self._file_ids[path.name] = sent.photo[-1].file_id

    def _lock(self, user_id: str) -> asyncio.Lock:
        lock = self._locks.get(user_id)
        if lock is None:
            lock = self._locks[user_id] = asyncio.Lock()
        return lock


def telegram_trouble(error: object) -> bool:
    """Whether ``error`` is Telegram's own trouble, which may pass if the update comes again.

    A timeout, a 5xx or flood control; not a request Telegram refused (``BadRequest``).
    """
    return isinstance(error, RetryAfter) or (
        isinstance(error, NetworkError) and not isinstance(error, BadRequest)
    )


def _repeated(turn: Turn) -> Turn | None:
    """For a repeated delivery, the turn with what to send again; None for any other turn.

    That is the first delivery's messages when it is the newest update, else the current
    question.
    """
    for event in turn.events:
        if isinstance(event, InputRepeated):
            again: list[Event] = [*event.reply] or turn.session.current()
            return dataclasses.replace(turn, events=again)
    return None


def _source(args: list[str] | None) -> str | None:
    """The referral source id of a deep link's ``src_<id>`` payload, if there is one."""
    payload = args[0] if args else ""
    found = SOURCE_PAYLOAD.fullmatch(payload)
    return found.group(1) if found else None


def _user_id(update: Update) -> str | None:
    """The key of the sender's conversation: their Telegram user id as a string."""
    user = update.effective_user
    return str(user.id) if user is not None else None


async def _acknowledge(query: CallbackQuery) -> None:
    """Answer a tap, so the button stops spinning; a tap too old to answer is still applied.

    Failing to is no reason for Telegram to deliver the tap again (and the reply with it).
    """
    try:
        await query.answer()
    except TelegramError as exc:  # e.g. a tap made while the bot was down, or a timeout
        log.info("could not answer the tap: %s", exc)


async def _mark(message: Message, data: str, turn: Turn) -> None:
    """Take the keyboard off a tapped question; if the tap answered it, show "✓ <label>".

    A tap that did not answer (a stale question, a tick at "choose all that fit", "I don't
    understand") only loses its keyboard: the turn has sent the question it belongs on.
    """
    answered = any(isinstance(e, ResultChanged) for e in turn.events)
    label = tapped_label(message.reply_markup, data) if answered else None
    try:
        if label is not None and message.text:
            await message.edit_text(f"{message.text}\n\n✓ {label}"[:4096])
        elif label is not None and message.caption:  # an Easy Read card
            await message.edit_caption(f"{message.caption}\n\n✓ {label}"[:1024])
        else:
            await message.edit_reply_markup(reply_markup=None)
    except TelegramError as exc:  # e.g. tapped twice: "message is not modified"; a timeout
        log.info("could not edit the tapped message: %s", exc)

"""A fake Telegram Bot API server that checks every request against the published spec.

:class:`FakeBotApi` serves ``/bot<token>/<method>`` on loopback in a background thread, answers
the methods the bot uses with realistic results, refuses what Telegram would refuse, records
every call, and plays the users: it queues their messages and button taps as updates.
"""

from __future__ import annotations

import copy
import functools
import json
import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

import anyio.to_thread
import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from bot.testing.telegram import updates
from bot.testing.telegram.spec import BotApiSpec, MethodSpec
from bot.testing.telegram.updates import Chats, Json

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are"
    " exactly the same as a current content and reply markup of the message"
)
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active;"
    " use deleteWebhook to delete the webhook first"
)


@functools.cache
def default_spec() -> BotApiSpec:
    """Load the bundled Bot API spec once; it is immutable."""
    return BotApiSpec.load()


class BotApiError(Exception):
    """A refusal, answered as ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


class BackgroundServer:
    """Serve an ASGI app with uvicorn on a free loopback port in a thread, as a context manager.

    Entering returns once the server accepts connections; leaving stops and joins it.
    """

    def __init__(self, app: ASGIApp, startup_timeout: float = 5.0) -> None:
        # IPPROTO_TCP named, so asyncio sets TCP_NODELAY on each connection: without it, Nagle's
        # algorithm holds every small response back about 40 ms.
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.bind(("127.0.0.1", 0))
        host, port = self._socket.getsockname()
        self.url = f"http://{host}:{port}"
        """The server's root URL, such as ``http://127.0.0.1:54321``."""
        config = uvicorn.Config(
            app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )
        self._startup_timeout = startup_timeout

    def __enter__(self) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + self._startup_timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError("the background server did not start")
            time.sleep(0.002)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join()
        self._socket.close()


async def read_params(request: Request) -> dict[str, Any]:
    """Read a request's parameters from its query string and a JSON, form or multipart body."""
    params: dict[str, Any] = dict(request.query_params)
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    kind = content_type.split(";")[0].strip().lower()
    if not body:
        return params
    if kind == "application/json":
        decoded = json.loads(body)
        if not isinstance(decoded, dict):
            raise ValueError("the JSON body must be an object")
        return params | decoded
    if kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        async with request.form() as form:  # python-multipart parses both
            for name, value in form.multi_items():
                params[name] = await value.read() if isinstance(value, UploadFile) else value
        return params
    raise ValueError(f"unsupported content type {kind!r}")


def decode_params(spec: MethodSpec, params: dict[str, Any]) -> dict[str, Any]:
    """Turn form-data strings into the JSON values they stand for, except in String fields."""
    decoded = dict(params)
    for name, value in params.items():
        field = spec.fields.get(name)
        if isinstance(value, str) and field is not None and field.types != ("String",):
            try:
                parsed = json.loads(value)
            except ValueError:
                continue
            if not isinstance(parsed, str):
                decoded[name] = parsed
    return decoded


def _markup(params: dict[str, Any]) -> Json | None:
    """The reply_markup of a request, with an empty inline keyboard counted as none."""
    markup = params.get("reply_markup")
    if not isinstance(markup, dict) or markup == {"inline_keyboard": []}:
        return None
    return markup


def _error(refusal: BotApiError) -> JSONResponse:
    body = {"ok": False, "error_code": refusal.code, "description": refusal.description}
    return JSONResponse(body, status_code=refusal.code)


class FakeBotApi(Chats):
    """A spec-checking fake Bot API: ``with FakeBotApi() as api:`` then point the bot at it.

    Attributes:
        calls: Every request with a good token and known method, as (method, params).
        violations: Every request that broke the spec, as (method, problems).
        webhook: The parameters of the last setWebhook, or None.
        allowed_updates: The allowed_updates of the last getUpdates that sent them.
        commands: setMyCommands lists, keyed by (scope as JSON, language_code).
    """

    def __init__(
        self,
        token: str = "123:ABC",  # noqa: S107 - a made-up token for tests
        *,
        spec: BotApiSpec | None = None,
        max_poll: float = 1.0,
        latency: float = 0.0,
    ) -> None:
        super().__init__(updates.bot_user(int(token.split(":", maxsplit=1)[0])))
        self.token = token
        self.spec = spec or default_spec()
        self.max_poll = max_poll
        self.latency = latency
        """Seconds every call but getUpdates waits before its answer (Telegram far away)."""
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.violations: list[tuple[str, list[str]]] = []
        self.webhook: dict[str, Any] | None = None
        self.allowed_updates: list[str] | None = None
        self.commands: dict[tuple[str, str], list[Json]] = {}
        self._refusals: dict[str, list[tuple[int, str]]] = {}
        self._delays: dict[str, list[float]] = {}
        route = Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"])
        self._server = BackgroundServer(Starlette(routes=[route]))
        self._handlers: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getMe": lambda params: copy.deepcopy(self.me),
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._set_webhook,
            "getWebhookInfo": self._webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "editMessageText": self._edit_text,
            "editMessageReplyMarkup": self._edit_markup,
            "editMessageCaption": lambda params: self._edit(
                params, caption=params.get("caption"), reply_markup=_markup(params)
            ),
            "setMyCommands": self._set_commands,
            "getMyCommands": lambda params: self.commands.get(_scope(params), []),
            "deleteMyCommands": lambda params: bool(self.commands.pop(_scope(params), True)),
        }

    @property
    def base_url(self) -> str:
        """The Bot API base URL for clients, such as ``http://127.0.0.1:54321/bot``."""
        return f"{self._server.url}/bot"

    def __enter__(self) -> FakeBotApi:
        self._server.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop_waiting()
        self._server.__exit__(kind, exc, tb)

    def assert_clean(self) -> None:
        """Raise AssertionError listing every request that broke the spec, if any."""
        if self.violations:
            lines = [f"{method}: {' '.join(problems)}" for method, problems in self.violations]
            raise AssertionError("The bot sent invalid Bot API requests:\n" + "\n".join(lines))

    def refuse(self, method: str, description: str, code: int = 400) -> None:
        """Answer the next valid ``method`` call with error ``code``, as Telegram can.

        For example ``refuse("answerCallbackQuery", "Bad Request: query is too old ...")``,
        or ``refuse("sendMessage", "Bad Gateway", 502)``: Telegram's own trouble, which
        python-telegram-bot raises as a ``NetworkError``.
        """
        with self._lock:
            self._refusals.setdefault(method, []).append((code, description))

    def delay(self, method: str, seconds: float) -> None:
        """Answer the next valid ``method`` call only after ``seconds`` (a slow Telegram).

        The call is in ``calls`` as soon as it arrives, so a test can act while it waits.
        """
        with self._lock:
            self._delays.setdefault(method, []).append(seconds)

    @staticmethod
    def post_update(url: str, update: Json, secret_token: str | None = None) -> int:
        """POST an update to the bot's webhook as Telegram does; return the status code."""
        headers = {} if secret_token is None else {"X-Telegram-Bot-Api-Secret-Token": secret_token}
        return httpx.post(url, json=update, headers=headers, timeout=5.0).status_code

    async def _endpoint(self, request: Request) -> JSONResponse:
        if request.path_params["token"] != self.token:
            return _error(BotApiError(401, "Unauthorized"))
        name: str = request.path_params["method"]
        method = self.spec.method(name)
        if method is None:
            with self._lock:
                self.violations.append((name, [f"{name} is not a Bot API method."]))
            return _error(BotApiError(404, "Not Found: method not found"))
        try:
            raw = await read_params(request)
        except ClientDisconnect:  # the bot went (killed mid-request): nothing was asked
            return _error(BotApiError(400, "Bad Request: the request was not finished"))
        except ValueError as exc:
            return _error(BotApiError(400, f"Bad Request: {exc}"))
        problems = self.spec.check(method.name, raw)
        params = decode_params(method, raw)
        with self._lock:
            self.calls.append((method.name, params))
            if problems:
                self.violations.append((method.name, problems))
        try:
            if problems:
                raise BotApiError(400, "Bad Request: " + " ".join(problems))
            result = await self._call(method.name, copy.deepcopy(params))
        except BotApiError as refusal:
            return _error(refusal)
        return JSONResponse({"ok": True, "result": result})

    async def _call(self, method: str, params: dict[str, Any]) -> Any:
        """Answer a valid request; methods without a handler answer true."""
        if method == "getUpdates":
            return await anyio.to_thread.run_sync(self._get_updates, params)
        with self._lock:
            delays = self._delays.get(method)
            wait = delays.pop(0) if delays else self.latency
        if wait:
            await anyio.sleep(wait)
        with self._lock:
            if self._refusals.get(method):
                raise BotApiError(*self._refusals[method].pop(0))
            handler = self._handlers.get(method)
            return True if handler is None else handler(params)

    def _get_updates(self, params: dict[str, Any]) -> list[Json]:
        with self._lock:
            if self.webhook is not None:
                raise BotApiError(409, WEBHOOK_ACTIVE)
            if "allowed_updates" in params:
                self.allowed_updates = params["allowed_updates"]
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = min(float(params.get("timeout") or 0), self.max_poll)
        return self.take_updates(int(params.get("offset") or 0), limit, timeout)

    def _set_webhook(self, params: dict[str, Any]) -> bool:
        """Answer setWebhook, and deleteWebhook (which has no url)."""
        self.webhook = params if params.get("url") else None
        if params.get("drop_pending_updates"):
            self._queue.clear()
        return True

    def _webhook_info(self, params: dict[str, Any]) -> Json:
        hook = self.webhook or {"url": ""}
        keys = ("url", "allowed_updates")
        info = {key: hook[key] for key in keys if key in hook} | {"has_custom_certificate": False}
        return info | {"pending_update_count": len(self._queue)}

    def _send_message(self, params: dict[str, Any]) -> Json:
        chat_id = _chat_id(params)
        return self._bot_message(chat_id, text=params["text"], reply_markup=_markup(params))

    def _send_photo(self, params: dict[str, Any]) -> Json:
        chat_id = _chat_id(params)
        file_id = f"photo-{chat_id}-{self._message_ids.get(chat_id, 0) + 1}"
        return self._bot_message(
            chat_id,
            photo=updates.photo_sizes(file_id),
            caption=params.get("caption"),
            reply_markup=_markup(params),
        )

    def _edit(self, params: dict[str, Any], **changes: Any) -> Json | bool:
        """Apply changes to a message the bot sent, refusing as Telegram does."""
        if params.get("inline_message_id"):
            return True
        found = self._find(_chat_id(params), int(params.get("message_id") or 0))
        if found is None:
            raise BotApiError(400, "Bad Request: message to edit not found")
        if all(found.get(key) == value for key, value in changes.items()):
            raise BotApiError(400, NOT_MODIFIED)
        for key, value in changes.items():
            if value is None:
                found.pop(key, None)
            else:
                found[key] = value
        found["edit_date"] = updates.now()
        return updates.as_returned(found)

    def _edit_text(self, params: dict[str, Any]) -> Json | bool:
        found = self._find(_chat_id(params), int(params.get("message_id") or 0))
        if found is not None and "text" not in found:
            raise BotApiError(400, "Bad Request: there is no text in the message to edit")
        return self._edit(params, text=params["text"], reply_markup=_markup(params))

    def _edit_markup(self, params: dict[str, Any]) -> Json | bool:
        return self._edit(params, reply_markup=_markup(params))

    def _set_commands(self, params: dict[str, Any]) -> bool:
        self.commands[_scope(params)] = params["commands"]
        return True


def _chat_id(params: dict[str, Any]) -> int:
    """The numeric chat_id of a request; channel usernames are chats the fake does not know."""
    chat_id = params.get("chat_id")
    if not isinstance(chat_id, int):
        raise BotApiError(400, "Bad Request: chat not found")
    return chat_id


def _scope(params: dict[str, Any]) -> tuple[str, str]:
    """Key commands by scope (as sorted JSON) and language code, as Telegram stores them."""
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")
